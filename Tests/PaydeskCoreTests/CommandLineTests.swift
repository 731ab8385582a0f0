import Foundation
import Testing
@testable import PaydeskCore
@testable import paydesk

/// The real `paydesk` binary, run as a user or a script would.
extension PaydeskTests {
@Suite struct CommandLineTests {
    let home = TemporaryDirectory("paydesk-home")

    private func paydesk(_ arguments: [String], _ environment: [String: String] = [:]) async throws -> CommandResult {
        try await runPaydesk(arguments + ["--home", home.path], environment: environment)
    }

    private func importPayouts(_ lines: [String], profile: String = "TEST") async throws -> CommandResult {
        let file = home.write("import-\(UUID().uuidString).jsonl", lines.joined(separator: "\n") + "\n")
        return try await paydesk(["import", "payouts", file, "--profile", profile])
    }

    @Test func listsOnlyPendingPayoutsByDefaultOldestFirst() async throws {
        let imported = try await importPayouts([
            payoutLine(2, at: "2026-11-21T09:05:00Z"), payoutLine(1, at: "2026-11-21T09:00:00Z"),
            payoutLine(3, status: "approved"), payoutLine(4, extra: #","channel":"app""#),
        ])
        #expect(imported.status == 0)
        #expect(imported.stdout.contains("TEST: appended 4 payouts"))

        let list = try await paydesk(["list", "payouts", "--json"])
        #expect(list.status == 0)
        let keys = list.stdout.split(separator: "\n").map { try? JSONValue.parse(String($0))["trace_id"] }
        #expect(keys == [.number("1"), .number("4"), .number("2")])
        #expect(list.stdout.contains(payoutLine(4, extra: #","channel":"app""#)), "JSON output is the stored record, unknown fields included")

        let all = try await paydesk(["list", "payouts", "--all", "--json"])
        #expect(all.stdout.split(separator: "\n").count == 4)

        let table = try await paydesk(["list", "payouts"])
        #expect(table.stdout.hasPrefix("TRACE ID"))
        #expect(table.stdout.contains("12.50 EUR"))
        #expect(table.stdout.contains("channel=app"), "unknown fields are shown")
        #expect(table.stderr.contains("TEST: 3 pending payouts of 4"))
    }

    @Test func filtersOnAnyFieldIgnoringCase() async throws {
        _ = try await importPayouts([payoutLine(1, extra: #","note":"Mario ROSSI""#), payoutLine(2), payoutLine(3, extra: #","note":"rossini""#)])
        let found = try await paydesk(["list", "payouts", "--filter", "rossi", "--json"])
        #expect(found.stdout.split(separator: "\n").count == 2)
        let byKeyName = try await paydesk(["list", "payouts", "--filter", "payment_method", "--json"])
        #expect(byKeyName.stdout.isEmpty, "field names are not values")
    }

    @Test func sessionsJSONSaysWhetherEachIsStillOpen() async throws {
        let now = Timestamp.now
        let file = home.write("s.jsonl", [sessionLine("live", createdSecondsAgo: 30, now: now), sessionLine("dead", createdSecondsAgo: 900, now: now)].joined(separator: "\n"))
        #expect(try await paydesk(["import", "sessions", file]).status == 0)
        let open = try await paydesk(["list", "sessions", "--json"])
        #expect(open.stdout.split(separator: "\n").count == 1)
        let live = try JSONValue.parse(String(open.stdout.split(separator: "\n")[0]))
        #expect(live["session_id"] == .string("live"))
        #expect(live["effective_state"] == .string("open"))
        let all = try await paydesk(["list", "sessions", "--all", "--json"]).stdout.split(separator: "\n").map { try JSONValue.parse(String($0)) }
        #expect(all.first { $0["session_id"] == .string("dead") }?["effective_state"] == .string("expired"))
        let table = try await paydesk(["list", "sessions"])
        #expect(table.stdout.contains("EXPIRES IN"))
    }

    @Test func jsonLinesAreTheStoredLinesWhateverSurroundsThem() async throws {
        // Written from the store's memory in pieces (over 1,024 of them, more than one writev takes, and more than
        // a pipe holds): lines around closed ones, with blanks or a CR around them (the first 700), then open and
        // closed lines in turn (a piece each), and one holding a raw C1 control, which is escaped.
        var lines: [String] = []
        var expected: [String] = []
        for k in 1...3_000 {
            let time = String(format: "2026-11-21T09:%02d:%02dZ", k / 60 % 60, k % 60)
            let closed = k <= 700 ? k % 3 == 0 : k % 2 == 0
            let line = payoutLine(Int64(k), status: closed ? "approved" : nil, at: time, extra: #","n":"\#(k)""#)
            switch k <= 700 ? k % 7 : 0 {
            case 1: lines.append(line + "\r")
            case 2: lines.append("  " + line + " ")
            default: lines.append(line)
            }
            if !closed { expected.append(line) }
        }
        lines.append(payoutLine(3_001, at: "2026-11-21T10:00:00Z", extra: ",\"note\":\"a\u{85}b\""))
        home.write("data/TEST/payouts.jsonl", lines.joined(separator: "\n") + "\n")
        let list = try await paydesk(["list", "payouts", "--json"])
        #expect(list.status == 0)
        var out = list.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(out.removeLast() == "", "every line ends with a newline")
        #expect(out.count == expected.count + 1)
        #expect(Array(out.prefix(expected.count)) == expected)
        #expect(out.last?.contains(#"a\u0085b"#) == true)
    }

    @Test func aLineWrittenAgainKeepsItsPlaceAmongLinesWrittenAsStored() async throws {
        let lines = [payoutLine(1, at: "2026-11-21T09:00:01Z"), payoutLine(2, at: "2026-11-21T09:00:02Z", extra: ",\"note\":\"a\u{85}b\""),
                     payoutLine(3, at: "2026-11-21T09:00:03Z"), payoutLine(4, at: "2026-11-21T09:00:04Z")]
        home.write("data/TEST/payouts.jsonl", lines.joined(separator: "\n") + "\n")
        let list = try await paydesk(["list", "payouts", "--json"])
        let keys = list.stdout.split(separator: "\n").map { try? JSONValue.parse(String($0))["trace_id"] }
        #expect(keys == [.number("1"), .number("2"), .number("3"), .number("4")])
    }

    @Test func badStoreLinesAreReportedButTheListStillWorks() async throws {
        home.write("data/TEST/payouts.jsonl", payoutLine(1) + "\n{oops\n" + payoutLine(2) + "\n" + #"{"trace_id":3"#)
        let list = try await paydesk(["list", "payouts", "--json"])
        #expect(list.status == 0)
        #expect(list.stdout.split(separator: "\n").count == 2)
        #expect(list.stderr.contains("payouts.jsonl:2"))
        #expect(list.stderr.contains("payouts.jsonl:4"))
        #expect(list.stderr.contains("2 bad lines skipped"))
        let check = try await paydesk(["store", "check", "payouts"])
        #expect(check.status == 1)
        #expect(check.stdout.contains("payouts.jsonl:2:2: not valid JSON"))
    }

    @Test func importIsAllOrNothing() async throws {
        #expect(try await importPayouts([payoutLine(1)]).status == 0)
        let before = home.read("data/TEST/payouts.jsonl")
        let failed = try await importPayouts([payoutLine(2), "{", payoutLine(3), #"{"trace_id":4,"requested_at":"soon"}"#])
        #expect(failed.status == 1)
        #expect(failed.stderr.contains(":2:"))
        #expect(failed.stderr.contains(":4:"))
        #expect(failed.stderr.contains("nothing was imported: 2 bad records of 4"))
        #expect(home.read("data/TEST/payouts.jsonl") == before)
    }

    @Test func importReadsStandardInputAndAFIFO() async throws {
        let piped = try await runPaydesk(["import", "payouts", "-", "--home", home.path], environment: [:], stdin: payoutLine(21) + "\n")
        #expect(piped.status == 0, "\(piped.stderr)")
        let fifo = home.file("records.fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        let writer = Thread { try? (payoutLine(22) + "\n").write(toFile: fifo, atomically: false, encoding: .utf8) }
        writer.start()
        let named = try await paydesk(["import", "payouts", fifo])
        #expect(named.status == 0, "no 'permission denied' for a pipe: \(named.stderr)")
        let listed = try await paydesk(["list", "payouts", "--json"]).stdout
        #expect(listed.contains("\"trace_id\":21") && listed.contains("\"trace_id\":22"))
    }

    @Test func importsCSV() async throws {
        let file = home.write("p.csv", "trace_id,requested_at,amount,currency\n7,2026-11-21T09:00:00Z,100,JPY\n")
        let result = try await paydesk(["import", "payouts", file, "--json"])
        #expect(result.status == 0)
        #expect(try JSONValue.parse(result.stdout.trimmingCharacters(in: .newlines))["appended"] == .number("1"))
        #expect(try await paydesk(["list", "payouts"]).stdout.contains("100 JPY"))
    }

    @Test func concurrentImportsFromSeveralProcessesAllLand() async throws {
        let processes = 6, perProcess = 300
        let files = (0..<processes).map { p in
            home.write("batch\(p).jsonl", (0..<perProcess).map { payoutLine(Int64(p * 10_000 + $0 + 1)) }.joined(separator: "\n"))
        }
        let statuses = try await withThrowingTaskGroup(of: Int32.self) { group in
            for file in files { group.addTask { try await runPaydesk(["import", "payouts", file, "--home", home.path]).status } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 0, count: processes))
        let store = try StoreSnapshot<PayoutKind>.load(path: home.file("data/TEST/payouts.jsonl"))
        #expect(store.problemCount == 0)
        #expect(store.records.count == processes * perProcess)
    }

    @Test func eachProfileKeepsItsOwnData() async throws {
        #expect(try await importPayouts([payoutLine(1)], profile: "TEST").status == 0)
        #expect(try await paydesk(["list", "payouts", "--profile", "PROD", "--json"]).stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: home.file("data/PROD/payouts.jsonl")))
        let prod = try await paydesk(["list", "payouts", "--profile", "PROD"])
        #expect(prod.stderr.contains("PROD (PRODUCTION)"))
    }

    @Test func compactsAndRefusesWhileLocked() async throws {
        _ = try await importPayouts([payoutLine(1), payoutLine(1, status: "approved"), payoutLine(2)])
        let path = home.file("data/TEST/payouts.jsonl")
        do {
            let holder = try LockedFile.open(path, create: false, wait: .no)
            let refused = try await paydesk(["store", "compact", "payouts"])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("locked by another process"))
            withExtendedLifetime(holder) {}
        }
        let done = try await paydesk(["store", "compact", "payouts"])
        #expect(done.status == 0, "\(done.stderr)")
        #expect(done.stdout.contains("3 lines -> 2 records"))
        #expect(home.read("data/TEST/payouts.jsonl").split(separator: "\n").count == 2)
    }

    @Test(arguments: [
        (["list"], "Missing expected argument"),
        (["list", "refunds"], "is invalid for '<kind>'"),
        (["list", "payouts", "--profile", "STAGING"], "no profile named \"STAGING\""),
        (["import", "payouts", "x.jsonl", "--format", "xml"], "is invalid for '--format"),
        (["frobnicate"], "Error:"),
    ])
    func badUsageExitsTwoWithAMessage(_ arguments: [String], _ expected: String) async throws {
        let result = try await paydesk(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func aBrokenConfigExitsTwoAndNamesTheFile() async throws {
        home.write("config.toml", "[profiles.TEST\nproduction = false\n")
        let result = try await paydesk(["list", "payouts"])
        #expect(result.status == 2)
        #expect(result.stderr.contains(home.file("config.toml") + ":1:"))
    }

    @Test func helpExitsZero() async throws {
        for command in [["--help"], ["list", "--help"], ["import", "--help"], ["profiles", "--help"], ["store", "compact", "--help"]] {
            let result = try await paydesk(command)
            #expect(result.status == 0)
            #expect(result.stdout.contains("USAGE"))
        }
    }

    @Test func profileAndHomeMayComeBeforeTheCommand() async throws {
        home.write("data/TEST/payouts.jsonl", payoutLine(7) + "\n")
        let before = try await runPaydesk(["--home", home.path, "list", "payouts", "--json"], environment: [:])
        let after = try await runPaydesk(["list", "payouts", "--json", "--home", home.path], environment: [:])
        #expect(before.status == 0 && before.stdout == after.stdout && before.stdout.contains("\"trace_id\":7"), "\(before.stderr)")
        let joined = try await runPaydesk(["--profile=TEST", "--home=\(home.path)", "audit", "verify"], environment: [:])
        #expect(joined.status == 0, "\(joined.stderr)")
        let typo = try await runPaydesk(["--home", home.path, "histroy"], environment: [:])
        #expect(typo.status == 2)
        #expect(typo.stderr.contains("did you mean history?"))
        #expect(CommandLineOrder.distance("lsit", "list") == 2 && CommandLineOrder.distance("cancel", "cancel") == 0)
    }

    @Test func theVersionIsOneFlagOrOneWordAway() async throws {
        for command in [["--version"], ["version"]] {
            let result = try await runPaydesk(command, environment: [:])
            #expect(result.status == 0)
            #expect(result.stdout.hasPrefix("paydesk \(Origin.paydeskVersion) ("), "\(command): \(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("build, Linux"))
        }
        let help = try await runPaydesk(["--help"], environment: ["COLUMNS": "200"])
        #expect(help.stdout.contains("3 the outcome is unknown (cancel) or the gateway's answer settles nothing (check)"),
                "the exit statuses, 3 included, and not wrapped by hand")
    }

    @Test func profilesSaysWhichCredentialsArePresentNeverTheirValues() async throws {
        let secretFile = home.write("praxis.secret", "file-secret-5b1e\n", mode: 0o600)
        home.write("config.toml", """
            [profiles.TEST]
            xpay_url = "http://127.0.0.1:9/api"
            praxis_url = "http://127.0.0.1:9"
            xpay_api_key_env = "MY_XPAY_KEY"
            praxis_merchant_id = "merchant-1"
            praxis_application_key = "app-1"
            praxis_secret_file = "\(secretFile)"
            """)
        let environment = ["MY_XPAY_KEY": "env-secret-93ac"]
        for arguments in [["profiles"], ["profiles", "--json"]] {
            let result = try await paydesk(arguments, environment)
            #expect(result.status == 0, "\(result.stderr)")
            for secret in ["env-secret-93ac", "file-secret-5b1e"] {
                #expect(!result.stdout.contains(secret))
                #expect(!result.stderr.contains(secret))
            }
            #expect(result.stdout.contains("http://127.0.0.1:9"))
        }
        let json = try JSONValue.parse(try await paydesk(["profiles", "--json"], environment).stdout.trimmingCharacters(in: .newlines))
        #expect(json["credentials"]?["xpay_api_key"]?["present"] == .bool(true))
        #expect(json["credentials"]?["praxis_secret"]?["present"] == .bool(true))
        let without = try JSONValue.parse(try await paydesk(["profiles", "--json"]).stdout.trimmingCharacters(in: .newlines))
        #expect(without["credentials"]?["xpay_api_key"]?["present"] == .bool(false))

        chmod(secretFile, 0o644)
        let exposed = try await paydesk(["profiles"], environment)
        #expect(exposed.stdout.contains("chmod 600 \(secretFile)"))
        #expect(!exposed.stdout.contains("file-secret-5b1e"))
    }

    @Test func aConfigReadableByOthersIsRefused() async throws {
        let config = home.write("config.toml", "[profiles.TEST]\n", mode: 0o644)
        let result = try await paydesk(["list", "payouts"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("chmod 600 \(config)"))
    }

    @Test func dataCannotForgeRowsOrRecolourTheTerminal() async throws {
        _ = try await importPayouts([payoutLine(1, extra: #","note":"\u001b[31mRED\u001b[0m\nFAKE 999 pending""#)])
        let table = try await paydesk(["list", "payouts"])
        #expect(!table.stdout.contains("\u{1B}"))
        #expect(table.stdout.contains(#"\u{1B}[31mRED"#))
        #expect(table.stdout.split(separator: "\n").count == 2, "a header and one row, no forged row")
    }

    @Test func filtersFindTextWrittenWithEscapesOrBeyondASCII() async throws {
        _ = try await importPayouts([payoutLine(1, extra: #","note":"CAF\u00c9 crème""#), payoutLine(2, extra: #","note":"say \"hi\"""#), payoutLine(3)])
        #expect(try await paydesk(["list", "payouts", "--filter", "café", "--json"]).stdout.split(separator: "\n").count == 1)
        #expect(try await paydesk(["list", "payouts", "--filter", "CRÈME", "--json"]).stdout.split(separator: "\n").count == 1)
        #expect(try await paydesk(["list", "payouts", "--filter", #"say "hi"#, "--json"]).stdout.split(separator: "\n").count == 1)
    }

    @Test func aSessionLineWithItsOwnEffectiveStateGetsOnlyOurs() async throws {
        let now = Timestamp.now
        let file = home.write("s.jsonl", sessionLine("s1", createdSecondsAgo: 900, now: now, extra: #","effective_state":"open""#))
        #expect(try await paydesk(["import", "sessions", file]).status == 0)
        let line = try await paydesk(["list", "sessions", "--all", "--json"]).stdout.trimmingCharacters(in: .newlines)
        guard case .object(let members) = try JSONValue.parse(line) else { Issue.record("not an object"); return }
        #expect(members.filter { $0.0 == "effective_state" }.map(\.1) == [.string("expired")])
    }

    @Test func aReadOnlyProfileRefusesImportAndCompaction() async throws {
        home.write("config.toml", "[profiles.TEST]\nread_only = true\n")
        let file = home.write("p.jsonl", payoutLine(1))
        let imported = try await paydesk(["import", "payouts", file])
        #expect(imported.status == 1)
        #expect(imported.stderr.contains("read-only"))
        home.write("data/TEST/payouts.jsonl", payoutLine(1) + "\n" + payoutLine(1, status: "approved") + "\n")
        let compacted = try await paydesk(["store", "compact", "payouts"])
        #expect(compacted.status == 1)
        #expect(home.read("data/TEST/payouts.jsonl").split(separator: "\n").count == 2)
    }

    @Test func csvNumbersMustBeWrittenAsNumbers() async throws {
        let file = home.write("p.csv", "trace_id,requested_at,amount\n+5,2026-11-21T09:00:00Z,1\n6,2026-11-21T09:00:00Z,007\n7,2026-11-21T09:00:00Z,99999999999999999999\n")
        let result = try await paydesk(["import", "payouts", file])
        #expect(result.status == 1)
        #expect(result.stderr.contains("p.csv:2: trace_id must be a positive whole number"))
        #expect(result.stderr.contains("p.csv:3: amount must be a whole number"))
        #expect(result.stderr.contains("p.csv:4: amount must be a whole number"))
    }
}
}
