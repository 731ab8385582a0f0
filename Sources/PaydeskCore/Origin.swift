import Foundation

/// Who acted and from where, as every audit entry records it (PCI DSS 10.2: user, origination). The account comes
/// from the system (the effective uid), never from the environment or the config: `USER` and `operator = "..."`
/// can be set to anyone. A configured name is kept beside it, for people, and proves nothing.
public struct Origin: Sendable, Equatable {
    /// The OS account running paydesk.
    public var account: String
    /// The config's `operator`, if set: shown beside the account.
    public var displayName: String?
    public var host: String
    /// The terminal (`ttyname` of standard input), or nil when there is none (cron, a pipe).
    public var tty: String?
    /// The SSH client's address and port, when the session came over SSH (`SSH_CONNECTION`).
    public var sshClient: String?
    public var pid: Int32
    public var version: String

    public init(account: String, displayName: String? = nil, host: String, tty: String? = nil, sshClient: String? = nil,
                pid: Int32, version: String = Origin.paydeskVersion) {
        self.account = account
        self.displayName = displayName
        self.host = host
        self.tty = tty
        self.sshClient = sshClient
        self.pid = pid
        self.version = version
    }

    public static let paydeskVersion = "0.12.0"

    /// This process's origin. `environment` is read for `SSH_CONNECTION` only.
    public static func current(displayName: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) -> Origin {
        var name = [CChar](repeating: 0, count: 256)
        let host = gethostname(&name, name.count - 1) == 0 ? String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "unknown"
        let tty = ttyname(0).map { String(cString: $0) }
        // "CLIENT_IP CLIENT_PORT SERVER_IP SERVER_PORT": the client's end is where the session came from.
        let ssh = environment["SSH_CONNECTION"].map { $0.split(separator: " ").prefix(2).joined(separator: " ") }.flatMap { $0.isEmpty ? nil : $0 }
        return Origin(account: account(), displayName: displayName?.isEmpty == true ? nil : displayName, host: host, tty: tty,
                      sshClient: ssh, pid: getpid())
    }

    /// The effective uid's account name, or `uid N` when the system has no name for it (a container's bare uid).
    public static func account() -> String {
        let uid = geteuid()
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid \(uid)" }
        return String(cString: name)
    }

    /// The account's full name (the first field of its GECOS), or nil when it has none.
    public static func accountFullName() -> String? {
        guard let entry = getpwuid(geteuid()), let gecos = entry.pointee.pw_gecos else { return nil }
        let name = String(cString: gecos).split(separator: ",", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return name.trimmingCharacters(in: .whitespaces).isEmpty ? nil : name
    }

    /// `m.rossi (Mario Rossi)`: the account, and the configured name when there is one.
    public var who: String { displayName.map { "\(account) (\($0))" } ?? account }

    /// The fields as the trail and `--json` write them, after `operator`.
    public func add(to o: inout JSONObjectWriter) {
        o.add("display_name", displayName)
        o.add("host", host)
        o.add("tty", tty)
        o.add("ssh_client", sshClient)
        o.add("pid", Int(pid))
        o.add("version", version)
    }

    /// Read back from a trail line; nil for lines written before paydesk recorded origins.
    init?(account: String, _ value: JSONValue) {
        guard case .string(let host)? = value["host"], case .number(let pid)? = value["pid"], let pidNumber = Int32(pid) else { return nil }
        func text(_ key: String) -> String? { if case .string(let s)? = value[key] { s } else { nil } }
        self.init(account: account, displayName: text("display_name"), host: host, tty: text("tty"), sshClient: text("ssh_client"),
                  pid: pidNumber, version: text("version") ?? "")
    }
}
