import Foundation
import Testing
@testable import Console
@testable import PaydeskCore

/// The home tried as an attacker (or a bad day) would leave it: hostile config values, text of the wrong width,
/// unwritable output.
extension PaydeskTests {
@Suite struct HostileHomeTests {
    // MARK: 9. Control characters in config values are escaped in error messages

    @Test func controlCharactersInConfigValuesNeverReachTheTerminal() async throws {
        let dir = TemporaryDirectory()
        dir.write("config.toml", """
            [profiles.TEST]
            xpay_url = "http://ex\\u001Bample\\u0007.com/\\u0000x"

            """, mode: 0o600)
        let url = try await runPaydesk(["list", "payouts", "--home", dir.path])
        #expect(url.status == 2)
        for raw in ["\u{1B}", "\u{07}", "\u{0}"] { #expect(!url.stderr.contains(raw), "\(url.stderr)") }

        dir.write("config.toml", "[profiles.TEST]\n\"ke\\u001By\\u0007\\u0000\" = 1\n", mode: 0o600)
        let key = try await runPaydesk(["list", "payouts", "--home", dir.path])
        #expect(key.status == 2)
        for raw in ["\u{1B}", "\u{07}", "\u{0}"] { #expect(!key.stderr.contains(raw), "\(key.stderr)") }
        #expect(key.stderr.contains("ke\\u{1B}y\\u{7}"), "\(key.stderr)")

        dir.write("config.toml", "default_profile = \"T\\u001B[2J\"\n[profiles.TEST]\n", mode: 0o600)
        let named = try await runPaydesk(["list", "payouts", "--home", dir.path])
        #expect(named.status == 2)
        #expect(!named.stderr.contains("\u{1B}"))
        #expect(named.stderr.contains("T\\u{1B}[2J"))
    }

    // MARK: 10. One width for the screen and the terminal

    @Test func widthIsTheTerminalsOwn() {
        useUTF8Locale()
        #expect(displayWidth("🚀") == 2, "emoji the old table missed")
        #expect(displayWidth("✅") == 2)
        #expect(displayWidth("🫠") == 2)
        #expect(displayWidth("漢字") == 4)
        #expect(displayWidth("e\u{301}") == 1)
        #expect(displayWidth("plain ascii") == 11)
        #expect(displayWidth("tab\there") == 7, "a control character takes no cell (it is shown escaped)")
    }

    @Test func textNeverSpillsPastItsCell() {
        useUTF8Locale()
        var grid = Grid(width: 10, height: 2)
        let end = grid.put("ab🚀🚀🚀🚀🚀", x: 0, y: 0, role: .row, maxWidth: 7)
        #expect(end <= 7)
        let drawn = (0..<10).map { grid[$0, 0].text }
        #expect(drawn[2] == "🚀" && drawn[3] == "", "a wide character takes its two cells")
        #expect(drawn[6...].allSatisfy { $0 == " " }, "nothing past the cell's edge: \(drawn)")
        #expect(grid.lines[1].isEmpty, "and nothing on the next row")
        let cut = truncated("🚀🚀🚀", toWidth: 5)
        #expect(displayWidth(cut) <= 5)
    }
}
}

/// The files of a home tried as an attacker or a bad day would leave them.
extension PaydeskTests {
@Suite struct HostileFilesTests {
    // MARK: 13. TEST never touches PROD's files

    @Test func aProfileFolderThatLeadsIntoAnotherIsRefused() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim)
            home.seed(profile: "PROD", payouts: [1])
            await sim.state.addPayout(1)
            try FileManager.default.createSymbolicLink(atPath: home.dir.file("data/TEST"), withDestinationPath: home.dir.file("data/PROD"))
            let cancel = try await home.paydesk(["cancel", "payout", "1", "--yes"])
            #expect(cancel.status == 2, "\(cancel.stdout)")
            #expect(cancel.stderr.contains("is a symbolic link"), "\(cancel.stderr)")
            #expect(await sim.state.totalRequests == 0)
            #expect(!home.dir.read("data/PROD/payouts.jsonl").contains("cancelled"), "PROD's payout untouched")
            // Reached the other way round, the production profile refuses too.
            let prod = try await home.paydesk(["list", "payouts", "--profile", "PROD"])
            #expect(prod.status == 2)
            #expect(prod.stderr.contains("are the same folder"), "\(prod.stderr)")
        }
    }

    @Test func aStoreFileThatIsALinkIsRefused() async throws {
        let dir = TemporaryDirectory()
        dir.write("data/PROD/payouts.jsonl", payoutLine(1) + "\n")
        try FileManager.default.createDirectory(atPath: dir.file("data/TEST"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir.file("data/TEST/payouts.jsonl"), withDestinationPath: dir.file("data/PROD/payouts.jsonl"))
        let result = try await runPaydesk(["list", "payouts", "--home", dir.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("payouts.jsonl is a symbolic link"), "\(result.stderr)")
    }

    // MARK: 14. Special files never hang

    @Test(arguments: ["fifo", "device", "folder"])
    func specialFilesAreRefusedNamingTheFile(_ kind: String) async throws {
        let dir = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("data/TEST"), withIntermediateDirectories: true)
        let store = dir.file("data/TEST/payouts.jsonl")
        switch kind {
        case "fifo": #expect(mkfifo(store, 0o600) == 0)
        case "device": try FileManager.default.createSymbolicLink(atPath: store, withDestinationPath: "/dev/zero")
        default: try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: false)
        }
        for arguments in [["list", "payouts"], ["store", "check"], ["cancel", "payout", "1", "--yes"]] {
            let result = try await runPaydesk(arguments + ["--home", dir.path])
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.contains("payouts.jsonl"), "\(arguments): \(result.stderr)")
        }
        if kind == "fifo" {
            let result = try await runPaydesk(["list", "payouts", "--home", dir.path])
            #expect(result.stderr.contains("is a FIFO (named pipe), not a regular file"), "\(result.stderr)")
        }
    }

    @Test func aFIFOAsTheTrailOrItsHeadNeverHangs() throws {
        let dir = TemporaryDirectory()
        #expect(mkfifo(dir.file("audit.jsonl"), 0o600) == 0)
        let log = AuditLog(directory: dir.path)
        #expect(throws: PaydeskError.self) { try log.verify() }
        #expect(throws: PaydeskError.self) { try log.entries() }
        let other = TemporaryDirectory()
        #expect(mkfifo(other.file("audit.head"), 0o600) == 0)
        let headless = AuditLog(directory: other.path)
        #expect(throws: PaydeskError.self, "a head that is not a file is no head: the first entry is refused") {
            try headless.append(AuditEntry(at: .now, operatorName: "a", profile: "TEST", gateway: "praxis", target: "1", event: .intent, attemptId: "x"))
        }
    }

    @Test func aConfigOrSecretThatIsAFIFOIsRefused() async throws {
        let dir = TemporaryDirectory()
        #expect(mkfifo(dir.file("config.toml"), 0o600) == 0)
        let config = try await runPaydesk(["profiles", "--home", dir.path])
        #expect(config.status == 2)
        #expect(config.stderr.contains("config.toml is a FIFO"), "\(config.stderr)")
        #expect(mkfifo(dir.file("secret"), 0o600) == 0)
        let error = #expect(throws: PaydeskError.self) { try Credentials(environment: [:]).value(of: .file(dir.file("secret")), named: "praxis_secret") }
        #expect(error?.description.contains("is a FIFO") == true)
    }

    // MARK: 15. Compaction's carry-over never changes which line wins: CompactionRaceTests.aLateLineNeverWinsOverANewerOne

    // MARK: 16. Output that cannot be written is an error, not a crash

    @Test func outputThatCannotBeWrittenIsAnError() async throws {
        let dir = TemporaryDirectory()
        dir.write("data/TEST/payouts.jsonl", payoutLine(1) + "\n")
        // Standard output on a full device: the table is lost, so the exit status must not say success.
        let full = try await runShell("'\(paydeskBinary)' list payouts --home '\(dir.path)' > /dev/full")
        #expect(full.status == 1, "\(full.stderr)")
        #expect(full.stderr.contains("the output could not be written (No space left on device)"), "\(full.stderr)")
        // Standard error on a full device, and under a file size limit: no crash (SIGILL, SIGXFSZ), the documented status.
        let refused = try await runShell("'\(paydeskBinary)' cancel payout 1 --home '\(dir.path)' 2> /dev/full")
        #expect(refused.status == 2, "a missing credential is still exit 2, not a signal: \(refused.status)")
        let limited = try await runShell("ulimit -f 0; '\(paydeskBinary)' list payouts --all --home '\(dir.path)' > '\(dir.file("out"))' 2> '\(dir.file("err"))'")
        #expect(limited.status == 1, "\(limited.status)")
    }

    // MARK: 17. An unreadable or missing home is an error

    @Test func aConfigLinkToNothingIsAnErrorNotTheBuiltInProfiles() async throws {
        let dir = TemporaryDirectory()
        try FileManager.default.createSymbolicLink(atPath: dir.file("config.toml"), withDestinationPath: "/nonexistent/volume/config.toml")
        let result = try await runPaydesk(["profiles", "--home", dir.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("a link to a file that does not exist"), "\(result.stderr)")
        #expect(!result.stdout.contains("xpay.nexigroup.com"))
    }

    @Test func aMissingHomeIsAnError() async throws {
        let missing = try await runPaydesk(["list", "payouts", "--home", "/nonexistent/paydesk-home"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("does not exist"), "\(missing.stderr)")
        let viaEnvironment = try await runPaydesk(["list", "payouts"], environment: ["PAYDESK_HOME": "/nonexistent/paydesk-home"])
        #expect(viaEnvironment.status == 2)
        let dir = TemporaryDirectory()
        let file = dir.write("not-a-folder", "x")
        #expect(try await runPaydesk(["profiles", "--home", file]).status == 2)
    }

    @Test func anUnreadableHomeIsAnErrorNotTheBuiltInProfiles() async throws {
        let dir = TemporaryDirectory()
        dir.write("home/config.toml", "[profiles.TEST]\nxpay_url = \"http://127.0.0.1:1/x\"\n", mode: 0o600)
        chmod(dir.file("home"), 0o000)
        defer { chmod(dir.file("home"), 0o700) }
        let result: CommandResult
        if geteuid() == 0 {
            // Root reads everything: run as nobody, who cannot read this root-owned home (a copy of the binary
            // nobody can reach, wherever the build folder is).
            guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
                print("skipped: running as root without setpriv, so no other account to be")
                return
            }
            chmod(dir.path, 0o755)
            try FileManager.default.copyItem(atPath: paydeskBinary, toPath: dir.file("paydesk"))
            chmod(dir.file("paydesk"), 0o755)
            result = try await runShell("setpriv --reuid=65534 --regid=65534 --clear-groups '\(dir.file("paydesk"))' profiles --home '\(dir.file("home"))'")
        } else {
            result = try await runPaydesk(["profiles", "--home", dir.file("home")])
        }
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(!result.stdout.contains("xpay.nexigroup.com"), "never the built-in live URLs")
        #expect(result.stderr.contains("Permission denied"), "\(result.stderr)")
    }

    // MARK: 18. A byte order mark at the start of a secret file

    @Test func aByteOrderMarkIsNotPartOfTheSecret() throws {
        let dir = TemporaryDirectory()
        let path = dir.write("secret", "\u{FEFF}praxis-secret\n", mode: 0o600)
        #expect(try Credentials(environment: [:]).value(of: .file(path), named: "praxis_secret").reveal() == "praxis-secret")
    }
}
}

/// Runs a shell command line (for redirections to /dev/full and ulimit), on a thread of its own.
func runShell(_ command: String) async throws -> CommandResult {
    try await offThePool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.environment = ["PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "HOME": "/nonexistent"]
        let err = Pipe(), out = Pipe()
        process.standardError = err
        process.standardOutput = out
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                             stderr: String(decoding: stderr, as: UTF8.self))
    }
}

extension PaydeskTests {
@Suite struct RawStoreTextTests {
    @Test func listJSONEscapesC1ControlsAndBidiOverridesFromTheStore() async throws {
        let dir = TemporaryDirectory()
        dir.write("data/TEST/payouts.jsonl", payoutLine(1, extra: ",\"note\":\"a\u{9B}31mred\u{202E}txt.exe\"") + "\n" + payoutLine(2) + "\n")
        let result = try await runPaydesk(["list", "payouts", "--json", "--home", dir.path])
        #expect(result.status == 0)
        #expect(!result.stdout.contains("\u{9B}") && !result.stdout.contains("\u{202E}"), "\(result.stdout)")
        #expect(result.stdout.contains("a\\u009b31mred\\u202etxt.exe"), "\(result.stdout)")
        #expect(result.stdout.contains(payoutLine(2)), "a plain line passes through as stored")
        var bytes = Array("x\u{85}y".utf8)
        #expect(bytes.withUnsafeBufferPointer(containsRawUnprintable))
        bytes = Array("Müller 漢字 🚀".utf8)
        #expect(!bytes.withUnsafeBufferPointer(containsRawUnprintable))
    }

    @Test func anUnprintableCharacterIsFoundAtEveryOffsetOfAnEightByteStep() {
        for bad in ["\u{7F}", "\u{85}", "\u{9B}", "\u{61C}", "\u{200E}", "\u{2028}", "\u{202E}", "\u{2066}"] {
            for k in 0..<20 {
                let text = String(repeating: "a", count: k) + bad + String(repeating: "b", count: 9)
                #expect(Array(text.utf8).withUnsafeBufferPointer(containsRawUnprintable), "U+\(String(bad.unicodeScalars.first!.value, radix: 16)) at \(k)")
                let fine = String(repeating: "a", count: k) + "é漢" + String(repeating: "b", count: 9)
                #expect(!Array(fine.utf8).withUnsafeBufferPointer(containsRawUnprintable))
            }
        }
    }
}
}
