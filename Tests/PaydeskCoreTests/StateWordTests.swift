import Foundation
import Testing
@testable import Console
@testable import PaydeskCore
@testable import paydesk

/// One word per state: what the console shows for an attempt or its row is what `history` prints and what
/// `history --result` takes.
extension PaydeskTests {
@Suite struct StateWordTests {
    private func entry(_ event: AuditEntry.Event, _ id: String, target: String, seq: Int, resolves: String? = nil,
                       verdict: CheckVerdict? = nil, result: AttemptResult? = nil) -> AuditEntry {
        AuditEntry(seq: seq, at: Timestamp(milliseconds: 1_795_253_400_000 + Int64(seq) * 1000), operatorName: "m.rossi", profile: "TEST",
                   gateway: "praxis", target: target, event: event, attemptId: id, resolves: resolves, verdict: verdict,
                   outcome: result.map { AttemptOutcome(result: $0, description: "answer") }
                       ?? verdict.map { AttemptOutcome(result: $0.heldAs, httpStatus: 200, description: "payout \($0)") })
    }

    /// An attempt in every state there is, each on a target of its own.
    private var everyAttempt: [Attempt] {
        var entries: [AuditEntry] = []
        var seq = 0
        func add(_ event: AuditEntry.Event, _ id: String, _ target: String, resolves: String? = nil, verdict: CheckVerdict? = nil,
                 result: AttemptResult? = nil) {
            seq += 1
            entries.append(entry(event, id, target: target, seq: seq, resolves: resolves, verdict: verdict, result: result))
        }
        for result in AttemptResult.allCases { add(.intent, "a-\(result)", "1\(seq)"); add(.outcome, "a-\(result)", "1\(seq - 1)", result: result) }
        add(.intent, "a-flying", "201")
        add(.intent, "a-doubt", "202")
        add(.intent, "a-checking", "203")
        for verdict in CheckVerdict.allCases where verdict.isConclusive {
            let target = "30\(seq)"
            add(.intent, "v-\(verdict)", target)
            add(.check, "c-\(verdict)", target, resolves: "v-\(verdict)", verdict: verdict)
        }
        return AttemptHistory.attempts(entries, isInFlight: { $1 == "201" || $1 == "203" }, isChecking: { $1 == "203" })
    }

    @Test func theConsoleShowsTheWordsHistoryPrintsAndResultTakes() throws {
        let attempts = everyAttempt
        #expect(Set(attempts.map(\.word)) == Set(StateWord.allCases), "every state is reached")
        for attempt in attempts {
            let status = TargetStatus.of(attempt)
            let history = Columns.history.first { $0.title == "RESULT" }!
            // The row's status column, the History tab and the `history` command say the same word.
            if status != .untouched { #expect(status.label == attempt.word.shown, "\(attempt.id)") }
            #expect(history.text(attempt, RowContext(now: .now, statuses: [:])) == attempt.word.shown)
        }
        // Every word the console can show is one `--result` takes, as it is shown.
        for status in TargetStatus.allCases {
            guard let label = status.label else { continue }
            #expect(StateWord(typed: label) == status.word)
            #expect(throws: Never.self) { try HistoryCommand.parse(["--result", label]) }
        }
        #expect(throws: (any Error).self) { try HistoryCommand.parse(["--result", "in doubt"]) }
        #expect(TargetStatus.allCases.compactMap(\.word).count == TargetStatus.allCases.count - 1, "all but untouched have a word")
    }

    @Test func historyPrintsAndFiltersByTheConsolesWords() async throws {
        let home = TemporaryDirectory("paydesk-home")
        let directory = home.path + "/data/TEST"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let log = AuditLog(directory: directory)
        _ = try log.append(entry(.intent, "a-doubt", target: "752856", seq: 1))
        _ = try log.append(entry(.intent, "a-unknown", target: "752857", seq: 2))
        _ = try log.append(entry(.outcome, "a-unknown", target: "752857", seq: 3, result: .unknown))
        _ = try log.append(entry(.intent, "a-checking", target: "752858", seq: 4))

        // Another paydesk is checking 752858 with its gateway.
        var attemptLock = try AttemptLock.take(directory: directory, gateway: "praxis", target: "752858")
        var checkLock = CheckLock.take(directory: directory, gateway: "praxis", target: "752858", sharing: .ownerOnly)
        #expect(attemptLock != nil && checkLock != nil)

        let table = try await runPaydesk(["history", "--home", home.path], environment: ["COLUMNS": "300"])
        #expect(table.status == 0, "\(table.stderr)")
        let rows = table.stdout.split(separator: "\n")
        #expect(rows.contains { $0.contains("752856") && $0.contains(" IN-DOUBT ") })
        #expect(rows.contains { $0.contains("752857") && $0.contains(" UNKNOWN ") })
        #expect(rows.contains { $0.contains("752858") && $0.contains(" checking ") && !$0.contains("in-flight") })
        for (word, target) in [("IN-DOUBT", "752856"), ("in-doubt", "752856"), ("UNKNOWN", "752857"), ("checking", "752858")] {
            let found = try await runPaydesk(["history", "--json", "--result", word, "--home", home.path], environment: [:])
            let targets = found.stdout.split(separator: "\n").map { try? JSONValue.parse(String($0))["target"] }
            #expect(targets == [.string(target)], "--result \(word)")
        }
        (checkLock, attemptLock) = (nil, nil)
        let after = try await runPaydesk(["history", "--json", "--result", "in-doubt", "--home", home.path], environment: [:])
        #expect(after.stdout.split(separator: "\n").count == 2, "the check ended: 752858 is in doubt again")
    }
}
}
