import Foundation
import Testing
@testable import GatewaySimulator
@testable import PaydeskCore

/// A shared desk (`shared_group`): the members of one Unix group work from one home, and nobody else can.
extension PaydeskTests {
@Suite struct SharedDeskTests {
    /// Real accounts: two members of a fresh group and one outsider, each running the built binary through `runuser`.
    @Test(.enabled(if: geteuid() == 0, "makes a Unix group and users (groupadd, useradd), which only root may; CI runs the tests as root"))
    func membersShareOneDeskAcrossTheirAccountsAndAnOutsiderIsRefused() async throws {
        let accounts = try DeskAccounts.make()
        defer { accounts.remove() }
        try await withSimulator { sim in
            let home = SimulatedHome(sim)
            home.seed(payouts: [1, 2, 3])
            for trace: Int64 in [1, 2, 3] { await sim.state.addPayout(trace) }
            let desk = SharedHome(home: home, accounts: accounts)
            desk.share()

            let a = try await desk.paydesk(accounts.memberA, ["cancel", "payout", "1", "--yes"])
            #expect(a.status == 0, "\(a.stderr)")
            #expect(desk.filesNotTheDesks().isEmpty, "what A made (locks, trail, head) is the group's: \(desk.filesNotTheDesks())")
            let b = try await desk.paydesk(accounts.memberB, ["cancel", "payout", "2", "--yes"])
            #expect(b.status == 0, "B appends to A's trail and takes the store's lock: \(b.stderr)")

            let sent = await sim.state.totalRequests
            let outsider = try await desk.paydesk(accounts.outsider, ["cancel", "payout", "3", "--yes"])
            #expect(outsider.status == 2)
            #expect(outsider.stderr.contains("you are not in group \(accounts.group)"), "\(outsider.stderr)")
            #expect(await sim.state.totalRequests == sent, "nothing was sent for the outsider")

            let compact = try await desk.paydesk(accounts.memberB, ["store", "compact", "payouts"])
            #expect(compact.status == 0, "\(compact.stderr)")
            #expect(desk.owner(of: "data/TEST/payouts.jsonl") == accounts.uid(accounts.memberB), "B's compacted file took the store's name")
            let afterCompaction = try await desk.paydesk(accounts.memberA, ["cancel", "payout", "3", "--yes"])
            #expect(afterCompaction.status == 0, "A appends to the file B's compaction made: \(afterCompaction.stderr)")
            #expect(home.dir.read("data/TEST/payouts.jsonl").components(separatedBy: "\"cancelled\"").count == 4)

            let history = try await desk.paydesk(accounts.memberB, ["history", "--json"])
            let operators = try history.stdout.split(separator: "\n").map { try JSONValue.parse(String($0)) }.map { ($0["target"], $0["operator"]) }
            #expect(operators.count == 3, "\(history.stdout)")
            for (target, account) in [("1", accounts.memberA), ("2", accounts.memberB), ("3", accounts.memberA)] {
                #expect(operators.contains { $0.0 == .string(target) && $0.1 == .string(account) }, "payout \(target) by \(account): \(operators)")
            }
            for member in [accounts.memberA, accounts.memberB] {
                let verify = try await desk.paydesk(member, ["audit", "verify"])
                #expect(verify.status == 0, "\(member): \(verify.stdout) \(verify.stderr)")
            }
            let profiles = try await desk.paydesk(accounts.memberB, ["profiles", "--json", "--profile", "TEST"])
            #expect(profiles.stdout.contains(#""xpay_api_key":{"present":true"#), "the key file, 640 and the group's, is read: \(profiles.stdout)")
            #expect(desk.filesNotTheDesks().isEmpty, "\(desk.filesNotTheDesks())")
            #expect(desk.lockFiles() >= 3)

            // Root is not in the group either.
            let paths = try PaydeskPaths.resolve(home: home.dir.path, environment: [:])
            let root = #expect(throws: PaydeskError.self) { try PaydeskConfig.load(paths: paths, environment: [:]) }
            #expect(root?.description.contains("you are not in group \(accounts.group)") == true, "\(String(describing: root))")

            for file in ["config.toml", "data/TEST/payouts.jsonl", "data/TEST/audit.jsonl"] {
                chmod(home.dir.file(file), 0o664)
                let open = try await desk.paydesk(accounts.memberA, ["list", "payouts"])
                #expect(open.status == 2, "\(file)")
                #expect(open.stderr.contains("\(file) can be read or written by others"), "\(open.stderr)")
                chmod(home.dir.file(file), 0o660)
            }
            chmod(home.dir.file("data/TEST"), 0o2775)
            let openFolder = try await desk.paydesk(accounts.memberA, ["list", "payouts"])
            #expect(openFolder.status == 2)
            #expect(openFolder.stderr.contains("Fix: chgrp \(accounts.group) \(home.dir.file("data/TEST")) && chmod 2770"), "\(openFolder.stderr)")
            chmod(home.dir.file("data/TEST"), 0o2770)
            desk.writeConfig(sharedGroup: false)
            let unshared = try await desk.paydesk(accounts.memberA, ["list", "payouts"])
            #expect(unshared.status == 2)
            #expect(unshared.stderr.contains("chmod 600 \(home.dir.file("config.toml"))"), "a 660 config is refused without shared_group: \(unshared.stderr)")
        }
    }

    /// The rules, with this process's own group as the desk's (any account may run these).
    @Test(.enabled(if: FileSharing.groupID(FileSharing.groupName(getegid())) == getegid(), "the process's group has a name"))
    func aSharedDeskAllowsItsGroupAndNeverOthers() throws {
        let name = FileSharing.groupName(getegid())
        let sharing = FileSharing.group(name: name, id: getegid())
        let dir = TemporaryDirectory("paydesk-shared-rules")
        let config = "shared_group = \"\(name)\"\n[profiles.TEST]\n"
        let paths = PaydeskPaths(configDirectory: dir.path, dataRoot: dir.path + "/data")

        dir.write("config.toml", config, mode: 0o660)
        let refusedHome = #expect(throws: PaydeskError.self) { try PaydeskConfig.load(paths: paths, environment: [:]) }
        #expect(refusedHome?.description.contains("chmod 2770 \(dir.path)") == true, "the home is 700: \(String(describing: refusedHome))")
        chmod(dir.path, 0o2770)
        #expect(try PaydeskConfig.load(paths: paths, environment: [:]).sharing == sharing)
        // One config, several people: a name in it would be every member's.
        dir.write("config.toml", "operator = \"Mario Rossi\"\n" + config, mode: 0o660)
        let named = #expect(throws: PaydeskError.self) { try PaydeskConfig.load(paths: paths, environment: [:]) }
        #expect(named?.description.contains("would name every member") == true)
        dir.write("config.toml", config, mode: 0o660)
        #expect(try PaydeskConfig.load(paths: paths, environment: [:]).displayName == Origin.accountFullName())
        dir.write("config.toml", config, mode: 0o664)
        let refusedConfig = #expect(throws: PaydeskError.self) { try PaydeskConfig.load(paths: paths, environment: [:]) }
        #expect(refusedConfig?.description.contains("Fix: chmod 660 \(dir.file("config.toml"))") == true)

        let credentials = Credentials(environment: [:], sharing: sharing)
        for mode in [0o600, 0o640, 0o440] {
            let key = dir.write("key-\(mode)", "k\n", mode: mode)
            #expect(try credentials.value(of: .file(key), named: "xpay_api_key").reveal() == "k", "mode \(String(mode, radix: 8))")
        }
        for (mode, fix) in [(0o660, "never change it"), (0o644, "by others"), (0o604, "by others")] {
            let key = dir.write("key-\(mode)", "k\n", mode: mode)
            let error = #expect(throws: PaydeskError.self) { try credentials.value(of: .file(key), named: "xpay_api_key") }
            #expect(error?.description.contains(fix) == true, "mode \(String(mode, radix: 8)): \(String(describing: error))")
        }
        let privateKey = dir.file("key-\(0o640)")
        #expect(throws: PaydeskError.self, "without shared_group a secret stays the owner's") {
            try Credentials(environment: [:]).value(of: .file(privateKey), named: "xpay_api_key")
        }
    }

    @Test func aSharedGroupThatIsNoGroupIsAConfigErrorNamingTheFix() throws {
        let dir = TemporaryDirectory("paydesk-shared-rules")
        dir.write("config.toml", "shared_group = \"pd-no-such-group\"\n[profiles.TEST]\n", mode: 0o600)
        let error = #expect(throws: PaydeskError.self) {
            try PaydeskConfig.load(paths: PaydeskPaths(configDirectory: dir.path, dataRoot: dir.path + "/data"), environment: [:])
        }
        #expect(error?.exitCode == 2)
        #expect(error?.description.contains("shared_group \"pd-no-such-group\" is not a group on this host: create it (groupadd pd-no-such-group)") == true,
                "\(String(describing: error))")
    }
}
}

/// A fresh group with two members and an outsider, named anew each run so runs never meet; removed afterwards.
struct DeskAccounts {
    let group: String
    let memberA: String
    let memberB: String
    let outsider: String
    let gid: gid_t

    static func make() throws -> DeskAccounts {
        let stem = "pd" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        try system(["groupadd", stem])
        var made: [String] = []
        let accounts = DeskAccounts(group: stem, memberA: stem + "a", memberB: stem + "b", outsider: stem + "x",
                                    gid: FileSharing.groupID(stem) ?? gid_t.max)
        do {
            for (user, group) in [(accounts.memberA, ["-g", stem]), (accounts.memberB, ["-g", stem]), (accounts.outsider, [])] {
                try system(["useradd", "-M", "-N", "-s", "/usr/sbin/nologin"] + group + [user])
                made.append(user)
            }
        } catch {
            // Only what this run made: a name that was taken is someone else's.
            for user in made { try? system(["userdel", user]) }
            try? system(["groupdel", stem])
            throw error
        }
        return accounts
    }

    func uid(_ user: String) -> uid_t? { getpwnam(user)?.pointee.pw_uid }

    func remove() {
        for user in [memberA, memberB, outsider] { try? Self.system(["userdel", user]) }
        try? Self.system(["groupdel", group])
    }

    private static func system(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw PaydeskError.failed("\(arguments.joined(separator: " ")) exited \(process.terminationStatus)") }
    }
}

/// A simulated home made into the accounts' shared desk, as an administrator would set it up.
struct SharedHome {
    let home: SimulatedHome
    let accounts: DeskAccounts

    /// `shared_group` in the config; folders 2770 and files 660, the key file 640, all the group's.
    func share() {
        writeConfig(sharedGroup: true)
        for folder in ["", "/data", "/data/TEST"] { own(home.dir.path + folder, 0o2770) }
        own(home.dir.file("data/TEST/payouts.jsonl"), 0o660)
        own(home.dir.file("xpay.key"), 0o640)
    }

    func writeConfig(sharedGroup: Bool) {
        let file = home.dir.file("config.toml")
        var text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        let line = "shared_group = \"\(accounts.group)\"\n"
        text = sharedGroup ? line + text : text.replacingOccurrences(of: line, with: "")
        home.dir.write("config.toml", text, mode: 0o660)
        own(file, 0o660)
    }

    private func own(_ path: String, _ mode: mode_t) {
        chown(path, 0, accounts.gid)
        chmod(path, mode)
    }

    /// Runs the binary as `user`, through `runuser` (no login shell) with umask 077, the strictest a member may
    /// have: what paydesk makes is the group's only because it says so, not because the umask let it.
    func paydesk(_ user: String, _ arguments: [String]) async throws -> CommandResult {
        try await runPaydesk(arguments + ["--home", home.dir.path], environment: home.environment,
                             launcher: ["/usr/sbin/runuser", "-u", user, "--", "/bin/sh", "-c", "umask 077 && exec \"$0\" \"$@\""])
    }

    /// Everything in the profile's folder that is not the desk's: a file not 660, a folder not 2770, or not the group's.
    func filesNotTheDesks() -> [String] {
        let folder = home.dir.file("data/TEST")
        let names = FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []
        return names.compactMap { name in
            var info = stat()
            guard lstat(folder + "/" + name, &info) == 0 else { return nil }
            let wanted: mode_t = info.st_mode & S_IFMT == S_IFDIR ? 0o2770 : 0o660
            let mode = info.st_mode & 0o7777
            return mode == wanted && info.st_gid == accounts.gid ? nil : "\(name) \(String(mode, radix: 8)) gid \(info.st_gid)"
        }
    }

    func lockFiles() -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: home.dir.file("data/TEST/locks"))) ?? []).filter { $0.hasSuffix(".lock") }.count
    }

    func owner(of name: String) -> uid_t? {
        var info = stat()
        return stat(home.dir.file(name), &info) == 0 ? info.st_uid : nil
    }
}
