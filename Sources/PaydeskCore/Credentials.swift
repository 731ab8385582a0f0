import Foundation

/// A secret value. It prints as a mask, so no log line, message or `print` can leak it by accident;
/// only `reveal()`, called where the value goes on the wire, gives the text.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    private let value: String
    public init(_ value: String) { self.value = value }
    public func reveal() -> String { value }
    public var description: String { "********" }
    public var debugDescription: String { "********" }
}

extension Secret: CustomReflectable {
    /// `dump()` and anything else that reflects shows no children, so no value.
    public var customMirror: Mirror { Mirror(self, children: []) }
}

/// What `paydesk profiles` says of one credential: never its value.
public enum CredentialStatus: Sendable, Equatable, CustomStringConvertible {
    case present
    case missing(String)
    case refused(String)

    public var description: String {
        switch self {
        case .present: "present"
        case .missing(let why): "missing (\(why))"
        case .refused(let why): "refused (\(why))"
        }
    }
}

/// Reads credentials from where a profile says they are.
public struct Credentials: Sendable {
    public let environment: [String: String]
    /// On a shared desk its group may read a secret file (640); otherwise only its owner may.
    public let sharing: FileSharing

    public init(environment: [String: String], sharing: FileSharing = .ownerOnly) {
        self.environment = environment
        self.sharing = sharing
    }

    /// The value, or a config error saying how to provide it. A secret file readable by others is refused.
    public func value(of source: CredentialSource, named name: String) throws -> Secret {
        switch source {
        case .inline(let value):
            return Secret(value)
        case .environment(let variable):
            guard let value = environment[variable]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
                throw PaydeskError.config("\(name) is not set: export \(variable), or name a file with \(name)_file in config.toml")
            }
            return Secret(value)
        case .file(let path):
            try FilePermissions.require(path, what: "\(name) file", role: .secret, sharing: sharing)
            guard let data = try RegularFile.read(path, followLinks: true, what: "\(name) file", error: PaydeskError.config) else {
                throw PaydeskError.config("cannot read \(name) file \(path)")
            }
            let value = String(decoding: data.droppingByteOrderMark(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else { throw PaydeskError.config("\(name) file \(path) is empty") }
            return Secret(value)
        }
    }

    public func status(of source: CredentialSource, named name: String) -> CredentialStatus {
        do {
            _ = try value(of: source, named: name)
            return .present
        } catch let error as PaydeskError {
            switch source {
            case .environment(let variable) where (environment[variable] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty:
                return .missing("set $\(variable)")
            default:
                return .refused(error.description)
            }
        } catch {
            return .refused("\(error)")
        }
    }
}

extension Credentials {
    /// What `profile` lacks to call `gateway` (`xpay`, `praxis`), each with how to provide it (never a value), or nil.
    public func missing(for gateway: String, of profile: Profile) -> String? {
        // Each credential's name starts with its gateway's: xpay_api_key, praxis_secret.
        let problems = profile.credentials.filter { $0.name.hasPrefix(gateway + "_") }.compactMap { credential -> String? in
            let status = status(of: credential.source, named: credential.name)
            return status == .present ? nil : "\(credential.name) \(status)"
        }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }

    /// Per gateway, what `profile` lacks to call it (gateways it can call are absent).
    public func missing(of profile: Profile) -> [String: String] {
        var missing: [String: String] = [:]
        for gateway in [SessionKind.gatewayName, PayoutKind.gatewayName] { missing[gateway] = self.missing(for: gateway, of: profile) }
        return missing
    }
}
