import Foundation
import TOMLKit

/// `config.toml`, checked whole when read: a typo in a key, a secret written inline, an `http://` URL to a
/// remote host or a TEST profile aimed at a production gateway is refused with the fix, never half-applied.
public struct PaydeskConfig: Sendable {
    public let paths: PaydeskPaths
    /// The file the profiles came from, or nil for the built-in TEST and PROD.
    public let file: String?
    /// Sorted by name.
    public let profiles: [Profile]
    public let defaultProfile: String
    public let theme: String
    /// Who the audit trail says acted: the OS account running paydesk (never $USER, never the config).
    public let operatorName: String
    /// The config's `operator`: a name for people, written beside the account.
    public var displayName: String?
    /// Who may use the home's files: the owner alone, or with `shared_group` the members of that group.
    public var sharing: FileSharing = .ownerOnly
    /// `audit_syslog`: where every audit entry is also sent, or nil.
    public var auditCopy: AuditCopy?
    /// The console takes clicks and the wheel (`mouse = false`: the terminal keeps them, for selecting text).
    public var mouse = true

    static let topLevelKeys: Set = ["audit_syslog", "audit_syslog_required", "default_profile", "theme", "operator", "shared_group", "profiles", "mouse"]
    static let profileKeys: Set = [
        "production", "read_only", "theme", "xpay_url", "xpay_api_key_env", "xpay_api_key_file",
        "praxis_url", "praxis_merchant_id", "praxis_application_key", "praxis_secret_env", "praxis_secret_file", "praxis_version",
        "connect_timeout", "total_timeout", "proxy", "praxis_confirm", "auto_check_seconds",
    ]
    /// Keys that would put a secret in the file itself.
    static let inlineSecretKeys = ["xpay_api_key": "xpay_api_key", "praxis_secret": "praxis_secret",
                                   "api_key": "xpay_api_key", "secret": "praxis_secret"]

    public static func load(paths: PaydeskPaths, environment: [String: String]) throws -> PaydeskConfig {
        let operatorName = Origin.account()
        let path = paths.configFile
        if let home = paths.home {
            var info = stat()
            let found = stat(home, &info) == 0 ? 0 : errno
            guard found == 0, info.st_mode & S_IFMT == S_IFDIR else {
                throw PaydeskError.config("the home folder \(home) (from --home or PAYDESK_HOME) "
                    + (found == ENOENT ? "does not exist: check the path, or create it with mkdir -m 700 \(home)" : "is not a folder paydesk can use"))
            }
        }
        // Only a config file that is truly absent means the built-in profiles: one that cannot be read (a home
        // without permission, a path through a file) is an error, never a fall-back to the live URLs.
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            var link = stat()
            guard code == ENOENT, lstat(path, &link) != 0 else {
                if code == ENOENT { throw PaydeskError.config("\(path) is a link to a file that does not exist; fix the link or remove it") }
                if code == EACCES, let group = foreignSharedGroup(of: paths.configDirectory) { throw FileSharing.notAMember(group) }
                throw PaydeskError.config("cannot read \(path): \(String(cString: strerror(code))); check the permissions of \(paths.configDirectory)")
            }
            return PaydeskConfig(paths: paths, file: nil, profiles: Profile.builtIn, defaultProfile: "TEST",
                                 theme: "default", operatorName: operatorName)
        }
        // Read before its permissions are judged, since `shared_group` in it says which apply; nothing in it is used before.
        guard let data = try RegularFile.read(path, followLinks: true, what: "config file", error: PaydeskError.config) else {
            throw PaydeskError.config("cannot read config file \(path)")
        }
        let parsed = Result { try TOMLTable(string: String(decoding: data.droppingByteOrderMark(), as: UTF8.self)) }
        let sharing: FileSharing = try parsed.successValue.map { try declaredSharing(in: $0, file: path) } ?? .ownerOnly
        try FilePermissions.require(path, what: "config file", role: .deskFile, sharing: sharing)
        if case .group(let name, let id) = sharing {
            var info = stat()
            guard stat(paths.configDirectory, &info) == 0 else {
                throw PaydeskError.config("cannot read the home \(paths.configDirectory): \(systemMessage())")
            }
            try FilePermissions.requireSharedFolder(paths.configDirectory, what: "the home", info, name: name, id: id)
        }
        let table: TOMLTable
        do {
            table = try parsed.get()
        } catch let error as TOMLParseError {
            throw PaydeskError.config("\(path):\(error.source.begin.line):\(error.source.begin.column): not valid TOML: \(error.description)")
        }
        var config = try parse(table, file: path, paths: paths, operatorName: operatorName, environment: environment)
        config.sharing = sharing
        if case .group = sharing {
            // One config for several people: a name in it would be every member's. Each one's comes from their account.
            guard config.displayName == nil else {
                throw PaydeskError.config("\(path): operator = \"...\" would name every member of this shared desk (shared_group); remove it: "
                    + "each member's name is their account's full name (chfn -f \"NAME\" ACCOUNT)")
            }
            config.displayName = Origin.accountFullName()
        }
        return config
    }

    /// `shared_group`: the desk's group, which this account must be in; the owner alone when it is not set.
    private static func declaredSharing(in table: TOMLTable, file: String) throws -> FileSharing {
        guard let value = table["shared_group"] else { return .ownerOnly }
        guard let name = value.string, !name.isEmpty else {
            throw PaydeskError.config("\(file): shared_group must be the name of a Unix group, whose members share this home")
        }
        return try FileSharing.group(named: name, file: file)
    }

    /// The group of a shared desk's home that this account cannot enter for not being in it (setgid, the group's,
    /// and not one of ours), or nil: then the config cannot be read for another reason.
    private static func foreignSharedGroup(of home: String) -> String? {
        var info = stat()
        guard stat(home, &info) == 0, info.st_mode & S_ISGID != 0, !FileSharing.isMember(of: info.st_gid) else { return nil }
        return FileSharing.groupName(info.st_gid)
    }

    static func parse(_ table: TOMLTable, file: String, paths: PaydeskPaths, operatorName: String,
                      environment: [String: String]) throws -> PaydeskConfig {
        func fail(_ message: String) -> PaydeskError { .config("\(file): \(message)") }
        try checkKeys(table, allowed: topLevelKeys, at: "", fail: fail)

        guard let profilesTable = table["profiles"]?.table, !profilesTable.isEmpty else {
            throw fail("no profiles: add at least one [profiles.NAME] table (see the README's config section)")
        }
        var profiles: [Profile] = []
        for name in profilesTable.keys.sorted() {
            guard Profile.isValidName(name) else {
                throw fail("profile name \"\(name)\" must be letters, digits, '-' and '_' (it names a data folder)")
            }
            guard let p = profilesTable[name]?.table else { throw fail("profiles.\(name) must be a table: [profiles.\(name)]") }
            profiles.append(try profile(name, p, environment: environment, fail: fail))
        }
        // Two profiles must never share credentials by accident, nor a data folder on a case-blind file system.
        for (k, a) in profiles.enumerated() {
            for b in profiles[(k + 1)...] where a.name.lowercased() == b.name.lowercased()
                || Profile.environmentPrefix(a.name) == Profile.environmentPrefix(b.name) {
                throw fail("profiles \(a.name) and \(b.name) differ only in case or punctuation, so they would share "
                    + "credentials (\(Profile.environmentPrefix(a.name))*) or a data folder: rename one")
            }
        }

        let names = profiles.map(\.name)
        let defaultName: String
        if let value = table["default_profile"] {
            guard let name = value.string else { throw fail("default_profile must be a string") }
            defaultName = name
        } else if names.contains("TEST") {
            defaultName = "TEST"
        } else if names.count == 1 {
            defaultName = names[0]
        } else {
            throw fail("default_profile is not set and there is no TEST profile: set default_profile to one of \(names.joined(separator: ", "))")
        }
        guard let defaultProfile = profiles.first(where: { $0.name == defaultName }) else {
            throw fail("default_profile \"\(defaultName)\" is not a profile; the profiles are \(names.joined(separator: ", "))")
        }
        if defaultProfile.production {
            throw fail("default_profile \"\(defaultName)\" is a production profile; production is reached only when named (--profile \(defaultName)). Make a non-production profile the default")
        }
        let theme = try optionalString(table, "theme", at: "", fail: fail) ?? "default"
        let configuredOperator = try optionalString(table, "operator", at: "", fail: fail)
        var config = PaydeskConfig(paths: paths, file: file, profiles: profiles, defaultProfile: defaultName,
                                   theme: theme, operatorName: operatorName)
        config.displayName = configuredOperator
        if let target = try optionalString(table, "audit_syslog", at: "", fail: fail) {
            do {
                config.auditCopy = try AuditCopy(target)
            } catch let error as PaydeskError {
                throw fail("audit_syslog: \(error)")
            }
        }
        if let mouse = table["mouse"] {
            guard let flag = mouse.bool else { throw fail("mouse must be true or false") }
            config.mouse = flag
        }
        if let required = table["audit_syslog_required"] {
            guard let flag = required.bool else { throw fail("audit_syslog_required must be true or false") }
            guard flag == false || config.auditCopy != nil else {
                throw fail("audit_syslog_required = true, but audit_syslog is not set: name the syslog daemon's socket (audit_syslog = \"unix:/dev/log\")")
            }
            config.auditCopy?.required = flag
        }
        return config
    }

    private static func profile(_ name: String, _ t: TOMLTable, environment: [String: String],
                                fail: (String) -> PaydeskError) throws -> Profile {
        let at = "profiles.\(name)."
        for key in t.keys {
            if let proper = inlineSecretKeys[key] {
                throw fail("\(at)\(key): secrets are never written in config.toml. Put it in a file readable only by you "
                    + "and name it with \(proper)_file, or name an environment variable with \(proper)_env")
            }
        }
        try checkKeys(t, allowed: profileKeys, at: at, fail: fail)
        func bool(_ key: String, _ fallback: Bool = false) throws -> Bool {
            guard let value = t[key] else { return fallback }
            guard let b = value.bool else { throw fail("\(at)\(key) must be true or false") }
            return b
        }
        func string(_ key: String) throws -> String? { try optionalString(t, key, at: at, fail: fail) }
        func secret(_ key: String) throws -> CredentialSource? {
            switch (try string(key + "_env"), try string(key + "_file")) {
            case (let env?, nil):
                // Not echoed when wrong: a secret pasted into the wrong key must not reach the screen.
                guard env.first.map({ $0 == "_" || ($0.isASCII && $0.isLetter) }) == true,
                      env.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }) else {
                    throw fail("\(at)\(key)_env must name an environment variable (letters, digits, _), not hold a value")
                }
                return .environment(env)
            case (nil, let file?):
                guard file.hasPrefix("/") || file.hasPrefix("~/") else {
                    throw fail("\(at)\(key)_file must be an absolute path (or start with ~/)")
                }
                return .file(expandingTilde(file, environment: environment))
            case (nil, nil): return nil
            case (_?, _?): throw fail("\(at)\(key)_env and \(key)_file are both set: keep one")
            }
        }
        func seconds(_ key: String, _ fallback: Double) throws -> Double {
            guard let value = t[key] else { return fallback }
            guard let n = value.double ?? value.int.map(Double.init), n > 0, n <= 600 else {
                throw fail("\(at)\(key) must be a number of seconds between 0 and 600")
            }
            return n
        }
        let totalTimeout = try seconds("total_timeout", 30)
        let connectTimeout = try seconds("connect_timeout", min(10, totalTimeout))
        guard connectTimeout <= totalTimeout else { throw fail("\(at)connect_timeout must not be longer than total_timeout") }
        let production = try bool("production")
        let xpayURL = try string("xpay_url") ?? (production ? Profile.xpayProductionURL : Profile.xpaySandboxURL)
        let praxisURL = try string("praxis_url") ?? (production ? Profile.praxisProductionURL : Profile.praxisSandboxURL)
        for (key, url) in [("xpay_url", xpayURL), ("praxis_url", praxisURL)] {
            if let problem = GatewayURL.problem(url) { throw fail("\(at)\(key): \(problem)") }
            if !production, GatewayURL.isKnownProductionHost(url) {
                throw fail("\(at)\(key) points at a production gateway but profile \(name) is not marked production = true. "
                    + "Mark it production, or use the sandbox URL")
            }
        }
        var autoCheck = 5.0
        if let value = t["auto_check_seconds"] {
            guard let n = value.double ?? value.int.map(Double.init), n >= 0, n <= 600 else {
                throw fail("\(at)auto_check_seconds must be a number of seconds between 0 (no automatic check) and 600")
            }
            autoCheck = n
        }
        let proxy = try string("proxy")
        if let proxy, let problem = GatewayURL.proxyProblem(proxy) { throw fail("\(at)proxy: \(problem)") }
        return Profile(
            name: name, production: production, readOnly: try bool("read_only"),
            xpayURL: GatewayURL.trimmed(xpayURL), praxisURL: GatewayURL.trimmed(praxisURL),
            praxisVersion: try string("praxis_version") ?? "1.2", theme: try string("theme"),
            xpayAPIKey: try secret("xpay_api_key"),
            praxisMerchantID: try string("praxis_merchant_id").map { .inline($0) },
            praxisApplicationKey: try string("praxis_application_key").map { .inline($0) },
            praxisSecret: try secret("praxis_secret"),
            connectTimeout: connectTimeout, totalTimeout: totalTimeout, proxy: proxy.map(GatewayURL.trimmed),
            praxisConfirm: try bool("praxis_confirm", true), autoCheckSeconds: autoCheck)
    }

    private static func checkKeys(_ t: TOMLTable, allowed: Set<String>, at: String, fail: (String) -> PaydeskError) throws {
        for key in t.keys where !allowed.contains(key) {
            throw fail("unknown key \(at)\(key); the keys are \(allowed.sorted().joined(separator: ", "))")
        }
    }

    private static func optionalString(_ t: TOMLTable, _ key: String, at: String, fail: (String) -> PaydeskError) throws -> String? {
        guard let value = t[key] else { return nil }
        guard let s = value.string, !s.isEmpty else { throw fail("\(at)\(key) must be a non-empty string") }
        return s
    }

    /// The profile named on the command line, or the default one.
    public func profile(named name: String?) throws -> Profile {
        let wanted = name ?? defaultProfile
        if let p = profiles.first(where: { $0.name == wanted }) { return p }
        let hint = profiles.first { $0.name.lowercased() == wanted.lowercased() }.map { " (did you mean \($0.name)?)" } ?? ""
        let origin = file.map { "in \($0)" } ?? "built in (no config file at \(paths.configFile))"
        throw PaydeskError.config("no profile named \"\(wanted)\"\(hint); the profiles \(origin) are \(profiles.map(\.name).joined(separator: ", "))")
    }
}
