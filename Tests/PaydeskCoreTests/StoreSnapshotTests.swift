import Foundation
import Testing
@testable import PaydeskCore

extension PaydeskTests {
@Suite struct StoreSnapshotTests {
    let dir = TemporaryDirectory()
    let now = Timestamp.parseRFC3339("2026-11-21T10:00:00Z")!

    private func payouts(_ lines: [String], trailingNewline: Bool = true) throws -> StoreSnapshot<PayoutKind> {
        let path = dir.write("payouts.jsonl", lines.joined(separator: "\n") + (trailingNewline ? "\n" : ""))
        return try StoreSnapshot<PayoutKind>.load(path: path)
    }

    @Test func aMissingFileIsAnEmptyStore() throws {
        let store = try StoreSnapshot<PayoutKind>.load(path: dir.file("nothing-here.jsonl"))
        #expect(store.records.isEmpty)
        #expect(store.problemCount == 0)
    }

    @Test func theLastLineForAKeyWins() throws {
        let store = try payouts([payoutLine(1), payoutLine(2), payoutLine(1, status: "approved"), payoutLine(3)])
        #expect(store.records.map(\.key) == [1, 2, 3], "one record per key, in order of first appearance")
        let one = try #require(store.record(for: 1))
        #expect(PayoutKind.states[Int(one.state)] == "approved")
        #expect(String(decoding: store.lineBytes(of: one), as: UTF8.self) == payoutLine(1, status: "approved"))
        #expect(!store.isActionable(one, now: now))
        #expect(store.isActionable(try #require(store.record(for: 2)), now: now), "status absent means pending")
    }

    @Test func unknownFieldsAreKeptInOrder() throws {
        let store = try payouts([payoutLine(9, extra: #","risk":{"score":7},"channel":"app""#)])
        let fields = store.recordFields(of: try #require(store.record(for: 9)))
        #expect(fields.unknown(PayoutKind.self).map(\.0) == ["risk", "channel"])
        #expect(fields["risk"] == .object([("score", .number("7"))]))
        #expect(String(decoding: store.lineBytes(of: store.records[0]), as: UTF8.self) == payoutLine(9, extra: #","risk":{"score":7},"channel":"app""#))
    }

    @Test func nullOptionalFieldsCountAsAbsent() throws {
        let store = try payouts([#"{"trace_id":4,"requested_at":"2026-11-21T09:00:00Z","status":null,"amount":null,"currency":null}"#])
        #expect(store.problemCount == 0)
        #expect(store.isActionable(try #require(store.record(for: 4)), now: now))
    }

    @Test(arguments: [
        (#"{"requested_at":"2026-11-21T09:00:00Z"}"#, "trace_id is missing"),
        (#"{"trace_id":"12","requested_at":"2026-11-21T09:00:00Z"}"#, "trace_id must be a positive whole number"),
        (#"{"trace_id":0,"requested_at":"2026-11-21T09:00:00Z"}"#, "trace_id must be a positive whole number"),
        (#"{"trace_id":1.5,"requested_at":"2026-11-21T09:00:00Z"}"#, "trace_id must be a positive whole number"),
        (#"{"trace_id":1}"#, "requested_at is missing"),
        (#"{"trace_id":1,"requested_at":"yesterday"}"#, "RFC 3339"),
        (#"{"trace_id":1,"requested_at":1795253400}"#, "RFC 3339"),
        (#"{"trace_id":1,"requested_at":"2026-11-21T09:00:00Z","amount":"12.50"}"#, "amount must be a whole number"),
        (#"{"trace_id":1,"requested_at":"2026-11-21T09:00:00Z","amount":12.5}"#, "amount must be a whole number"),
        (#"{"trace_id":1,"requested_at":"2026-11-21T09:00:00Z","amount":99999999999999999999}"#, "amount must be a whole number"),
        (#"{"trace_id":1,"requested_at":"2026-11-21T09:00:00Z","currency":"eur"}"#, "ISO 4217"),
        (#"{"trace_id":1,"requested_at":"2026-11-21T09:00:00Z","currency":"EURO"}"#, "ISO 4217"),
        (#"{"trace_id":1,"requested_at":"2026-11-21T09:00:00Z","status":"processing"}"#, "status must be one of pending, cancelled, approved, rejected"),
        (#"{"trace_id":1,"requested_at":"2026-11-21T09:00:00Z","status":0}"#, "status must be one of"),
        (#"{"trace_id":1,"requested_at":"2026-11-21T09:00:00Z","customer_id":42}"#, "customer_id must be a string"),
        (#"{"trace_id":1,"requested_at":"2026-11-21T09:00:00Z","trace_id":2}"#, "trace_id appears twice"),
        (#"{"trace_id":1,"requested_at":"2026-11-21T09:00:00Z""#, "not valid JSON"),
        (#"not json at all"#, "not valid JSON"),
    ])
    func eachKindOfBadLineIsReportedWithItsLineNumberAndSkipped(_ bad: String, _ expected: String) throws {
        let store = try payouts([payoutLine(100), bad, payoutLine(101)])
        #expect(store.records.map(\.key) == [100, 101])
        #expect(store.problemCount == 1)
        let problem = try #require(store.problems.first)
        #expect(problem.line == 2)
        #expect(problem.path == dir.file("payouts.jsonl"))
        #expect(problem.message.contains(expected), "\(problem.message)")
        #expect(problem.description.hasPrefix(dir.file("payouts.jsonl") + ":2"))
    }

    @Test func badLinesAreCountedAndBlankLinesIgnored() throws {
        let store = try payouts([payoutLine(1), "", "   ", "{", "[]", payoutLine(2), "{\"trace_id\":3}"])
        #expect(store.records.count == 2)
        #expect(store.problemCount == 3)
        #expect(store.problems.map(\.line) == [4, 5, 7])
        #expect(store.lineCount == 7)
    }

    @Test func aTornLastLineIsNotARecord() throws {
        // A crash mid-append leaves a line without its newline; even when it happens to parse, it is not trusted.
        let store = try payouts([payoutLine(1), payoutLine(2, status: "cancelled")], trailingNewline: false)
        #expect(store.records.count == 1)
        #expect(store.isActionable(try #require(store.record(for: 1)), now: now))
        #expect(store.record(for: 2) == nil)
        #expect(store.problemCount == 1)
        #expect(store.problems.first?.line == 2)
        #expect(store.problems.first?.message.contains("no newline") == true)
        #expect(store.completeLength == payoutLine(1).utf8.count + 1)
    }

    @Test func readingNeverChangesTheFile() throws {
        let text = [payoutLine(1), "garbage", payoutLine(1, status: "approved"), "{\"trace_id\":"].joined(separator: "\n")
        let path = dir.write("payouts.jsonl", text)
        _ = try StoreSnapshot<PayoutKind>.load(path: path)
        #expect(dir.read("payouts.jsonl") == text)
    }

    @Test func sessionIdsAreComparedByteForByte() throws {
        // "café" precomposed and decomposed are equal Swift Strings, but two different sessions.
        let lines = [#"{"session_id":"caf\u00e9","created_at":"2026-11-21T09:59:00Z","order_id":"A"}"#,
                     #"{"session_id":"cafe\u0301","created_at":"2026-11-21T09:59:30Z","order_id":"B"}"#]
        let store = try StoreSnapshot<SessionKind>.load(path: dir.write("sessions.jsonl", lines.joined(separator: "\n") + "\n"))
        #expect(store.records.count == 2)
        #expect(store.record(for: SessionID("caf\u{E9}")).map { store.recordFields(of: $0).text("order_id") } == "A")
        #expect(store.record(for: SessionID("cafe\u{301}")).map { store.recordFields(of: $0).text("order_id") } == "B")
    }

    @Test func aByteOrderMarkDoesNotHideTheFirstRecord() throws {
        let store = try payouts(["\u{FEFF}" + payoutLine(1), payoutLine(2)])
        #expect(store.records.map(\.key) == [1, 2])
        #expect(store.problemCount == 0)
    }

    @Test func anyFieldGivenTwiceMakesTheLineBadAndIsReportedOnce() throws {
        let store = try payouts([payoutLine(1, extra: #","note":"a","note":"b""#),
                                 #"{"trace_id":2,"requested_at":"2026-11-21T09:00:00Z""# + String(repeating: #","x":1"#, count: 5000) + "}"])
        #expect(store.records.isEmpty)
        #expect(store.problems.map(\.message) == ["the field note appears twice", "the field x appears twice"])
    }

    @Test func valuesWrittenWithEscapesAreReadAsTheirText() throws {
        let store = try payouts([#"{"trace_id":1,"requested_at":"2026-11-21T09:00:00\u005A","status":"appro\u0076ed"}"#])
        #expect(store.problemCount == 0, "\(store.problems)")
        #expect(store.records.first.map { PayoutKind.states[Int($0.state)] } == "approved")
    }

    @Test func sessionsExpireFiveMinutesAfterCreationWhateverTheLineSays() throws {
        let lines = [
            sessionLine("fresh", createdSecondsAgo: 10, now: now),
            sessionLine("almost", createdSecondsAgo: 299, now: now, state: "open"),
            sessionLine("exactly", createdSecondsAgo: 300, now: now, state: "open"),
            sessionLine("old", createdSecondsAgo: 3600, now: now, state: "open"),
            sessionLine("paid", createdSecondsAgo: 10, now: now, state: "paid"),
        ]
        let store = try StoreSnapshot<SessionKind>.load(path: dir.write("sessions.jsonl", lines.joined(separator: "\n") + "\n"))
        let open = store.records.filter { store.isActionable($0, now: now) }.map(\.key)
        #expect(open == ["fresh", "almost"])
        #expect(store.effectiveState(of: try #require(store.record(for: "old")), now: now) == "expired")
        #expect(store.effectiveState(of: try #require(store.record(for: "paid")), now: now) == "paid")
        // The same store, a minute later: "almost" has expired too.
        #expect(!store.isActionable(try #require(store.record(for: "almost")), now: now + 60))
    }

    @Test(arguments: [
        (#"{"created_at":"2026-11-21T09:00:00Z"}"#, "session_id is missing"),
        (#"{"session_id":"","created_at":"2026-11-21T09:00:00Z"}"#, "session_id must be non-empty"),
        (#"{"session_id":17,"created_at":"2026-11-21T09:00:00Z"}"#, "session_id must be a string"),
        (#"{"session_id":"s","created_at":"2026-11-21T09:00:00Z","state":"closed"}"#, "state must be one of open, cancelled, expired, paid"),
        (#"{"session_id":"s","created_at":"2026-11-21T09:00:00Z","description":["a"]}"#, "description must be a string"),
    ])
    func badSessionLines(_ bad: String, _ expected: String) throws {
        let store = try StoreSnapshot<SessionKind>.load(path: dir.write("sessions.jsonl", bad + "\n"))
        #expect(store.records.isEmpty)
        #expect(store.problems.first?.message.contains(expected) == true, "\(store.problems.first?.message ?? "no problem")")
    }

    @Test func aLargeFileScannedOnAllCoresGivesTheSameAnswerAsOneLineAtATime() throws {
        // Over a megabyte, so the loader splits it; upserts and bad lines straddle the pieces.
        var lines: [String] = []
        var expectedState: [Int64: String] = [:]
        var badLines: [Int] = []
        for i in 0..<12_000 {
            let trace = Int64(i % 7_000 + 1)
            if i % 997 == 0 {
                lines.append("{broken line \(i)")
                badLines.append(i + 1)
                continue
            }
            let status = ["pending", "approved", "cancelled"][i % 3]
            lines.append(payoutLine(trace, status: status))
            expectedState[trace] = status
        }
        let store = try payouts(lines)
        #expect(store.lineCount == lines.count)
        #expect(store.records.count == expectedState.count)
        #expect(store.problems.map(\.line) == badLines)
        for record in store.records {
            #expect(PayoutKind.states[Int(record.state)] == expectedState[record.key])
        }
        // The record's line is the winning one.
        let record = try #require(store.record(for: 1))
        #expect(String(decoding: store.lineBytes(of: record), as: UTF8.self) == payoutLine(1, status: expectedState[1]!))
    }

    @Test func aFileScannedWhileItIsReadGivesTheSameAnswerAsOneLineAtATime() throws {
        // Over 12 MiB: read 4 MiB at a time, each piece scanned while the next is read; upserts and bad lines
        // straddle the pieces.
        let filler = String(repeating: "y", count: 300)
        var lines: [String] = []
        var expectedState: [Int64: String] = [:]
        var expectedLine: [Int64: String] = [:]
        var firstSeen: [Int64] = []
        var badLines: [Int] = []
        for i in 0..<40_000 {
            let trace = Int64(i % 25_000 + 1)
            if i % 4_999 == 0 {
                lines.append("{broken line \(i)")
                badLines.append(i + 1)
                continue
            }
            let status = ["pending", "approved", "cancelled", "rejected"][i % 4]
            lines.append(payoutLine(trace, status: status, extra: ",\"note\":\"\(filler)\""))
            if expectedState[trace] == nil { firstSeen.append(trace) }
            expectedState[trace] = status
            expectedLine[trace] = lines.last
        }
        let store = try payouts(lines)
        #expect(store.completeLength > 12 << 20)
        #expect(store.lineCount == lines.count)
        #expect(store.records.count == expectedState.count)
        #expect(store.problems.map(\.line) == badLines)
        #expect(store.records.allSatisfy { PayoutKind.states[Int($0.state)] == expectedState[$0.key] })
        #expect(store.records.map(\.key) == firstSeen, "in the order each key first appeared")
        for key: Int64 in [1, 12_345, 25_000] {
            let record = try #require(store.record(for: key))
            #expect(expectedLine[key] == String(decoding: store.lineBytes(of: record), as: UTF8.self))
        }
    }

    @Test func aFileCutShortByAnotherProgramAfterLoadingIsReportedNotACrash() throws {
        // The file is mapped: touching a page the file no longer has raises SIGBUS, which must not kill us.
        let lines = (1...2_000).map { payoutLine(Int64($0)) }
        let store = try payouts(lines)
        try store.checkIntact()
        let path = dir.file("payouts.jsonl")
        #expect(truncate(path, 0) == 0)
        let last = store.lineBytes(of: try #require(store.record(for: 2_000)))
        #expect(String(decoding: last, as: UTF8.self) != lines[1_999], "the lost bytes are not made up")
        #expect(throws: PaydeskError.io("\(path) was cut short by another program while paydesk read it, so what was read is not the file; "
            + "nothing was changed. Run the command again.")) { try store.checkIntact() }
    }

    @Test func aFileCutShortIsNoticedEvenIfNoLostByteWasTouched() throws {
        // Written out from the mapping (list --json), lost bytes fail in the kernel, not with SIGBUS.
        let store = try payouts((1...2_000).map { payoutLine(Int64($0)) })
        #expect(truncate(dir.file("payouts.jsonl"), 100) == 0)
        #expect(throws: PaydeskError.self) { try store.checkIntact() }
    }

    @Test func aFileCutShortWhileItIsHandedOverSaysSo() throws {
        let path = dir.write("big.jsonl", String(repeating: payoutLine(1) + "\n", count: 100_000))
        var handedOver = 0
        var sum = 0
        let bytes = try FileBytes.read(path: path) { _, data in
            if handedOver == 0 { #expect(truncate(path, 4096) == 0) }
            handedOver += 1
            sum = data.reduce(0) { $0 &+ Int($1) }   // touches every byte handed over, lost ones too
        }
        #expect(handedOver > 1 && sum > 0)
        #expect(bytes.wasCutShort)
        let whole = try FileBytes.read(path: path)
        #expect(whole.count == 4096 && !whole.wasCutShort)
    }

    @Test func bytesLetGoAfterASearchReadTheSameAgain() throws {
        let text = (0..<20_000).map { payoutLine(Int64($0 + 1)) }.joined(separator: "\n") + "\n"
        let path = dir.write("let-go.jsonl", text)
        let bytes = try FileBytes.read(path: path)
        let before = Array(UnsafeBufferPointer(start: bytes.base, count: bytes.count))
        bytes.letGo(100..<(bytes.count - 100))
        #expect(Array(UnsafeBufferPointer(start: bytes.base, count: bytes.count)) == before)
        #expect(before == Array(text.utf8))
        #expect(!bytes.wasCutShort)
    }

    @Test func moreFilesOpenAtOnceThanMappingSlotsAreReadInstead() throws {
        let lines = (1...50).map { payoutLine(Int64($0)) }
        _ = try payouts(lines)
        let stores = try (0..<80).map { _ in try StoreSnapshot<PayoutKind>.load(path: dir.file("payouts.jsonl")) }
        for store in stores {
            #expect(store.records.count == 50)
            #expect(String(decoding: store.lineBytes(of: store.records[49]), as: UTF8.self) == lines[49])
        }
    }

    @Test(arguments: [Int64(1), 1 << 20, 4_096, 15_485_863])
    func keysInAnyPatternAreFoundAsADictionaryFindsThem(_ stride: Int64) throws {
        // Ids in order, ids a power of two apart, ids apart by a prime: the index grows past its first size, and
        // every record is found, none made up.
        var records: [StoredRecord<Int64>] = []
        var index = KeyIndex<StoredRecord<Int64>>(expected: 10)
        var reference: [Int64: Int] = [:]
        for k in 0..<5_000 {
            let key = (Int64(k % 3_000) + 1) * stride   // 2,000 upserts
            let record = StoredRecord(key: key, time: Timestamp(milliseconds: Int64(k)), offset: k, length: 1, state: 0)
            if let slot = index.find(key, orAdd: records.count, in: records) {
                #expect(reference[key] == slot)
                records[slot] = record
            } else {
                #expect(reference[key] == nil)
                reference[key] = records.count
                records.append(record)
            }
        }
        #expect(records.count == 3_000)
        for (key, slot) in reference { #expect(index.find(key, in: records) == slot) }
        #expect(index.find(3_001 * stride, in: records) == nil)
        #expect(index.find(-stride, in: records) == nil)
    }

    @Test func sessionKeysAreIndexedToo() throws {
        let lines = (0..<3_000).map { sessionLine("s_\($0 % 2_000)", createdSecondsAgo: 10, now: now) }
        let path = dir.write("sessions.jsonl", lines.joined(separator: "\n") + "\n")
        let store = try StoreSnapshot<SessionKind>.load(path: path)
        #expect(store.records.count == 2_000)
        for k in [0, 999, 1_999] { #expect(store.record(for: SessionID("s_\(k)"))?.key == SessionID("s_\(k)")) }
        #expect(store.record(for: "s_2000") == nil)
    }

    @Test func aNameIsNotTakenForTheOneTheLineBeforeHadInItsPlace() throws {
        // Each line's names are first compared with the line before's, in the same place.
        let store = try payouts([
            #"{"trace_id":1,"requested_at":"2026-11-21T09:00:00Z","amount":5}"#,
            #"{"trace_id":2,"requested_at":"2026-11-21T09:00:00Z","amount_x":"a","amount":"7"}"#,
            #"{"trace_id":3,"requested_at":"2026-11-21T09:00:00Z","amoun":"a"}"#,
            #"{"trace_id":4,"requested_at":"2026-11-21T09:00:00Z","amount":"b"}"#,
            #"{"trace_id":5,"requested_at":"2026-11-21T09:00:00Z","amount":1,"amount":2}"#,
        ])
        #expect(store.records.map(\.key) == [1, 3])
        #expect(store.problems.map(\.line) == [2, 4, 5])
        #expect(store.problems[0].message.contains("amount must be a whole number"))
        #expect(store.problems[1].message.contains("amount must be a whole number"))
        #expect(store.problems[2].message.contains("appears twice"))
    }

    @Test func keepsTheFirstProblemsInDetailButCountsThemAll() throws {
        let limit = StoreSnapshot<PayoutKind>.maxProblemsKept
        let store = try payouts(Array(repeating: "x", count: limit + 5))
        #expect(store.problemCount == limit + 5)
        #expect(store.problems.count == limit)
    }
}
}
