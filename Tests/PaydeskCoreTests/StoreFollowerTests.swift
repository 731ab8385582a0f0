import Foundation
import Testing
@testable import PaydeskCore

extension PaydeskTests {
/// The console's followers: the first read takes the file, later ones only what was appended; a replaced,
/// shortened or rewritten file is read again from its start.
@Suite struct StoreFollowerTests {
    let dir = TemporaryDirectory()
    let now = Timestamp.parseRFC3339("2026-11-21T10:00:00Z")!

    private func append(_ lines: [String], to name: String = "payouts.jsonl") throws {
        let path = dir.file(name)
        let handle = FileHandle(forWritingAtPath: path) ?? {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            return FileHandle(forWritingAtPath: path)!
        }()
        handle.seekToEndOfFile()
        handle.write(Data(lines.map { $0 + "\n" }.joined().utf8))
        handle.closeFile()
    }

    private func follower() -> StoreFollower<PayoutKind> { StoreFollower(path: dir.file("payouts.jsonl"), clock: { [now] in now }) }

    @Test func theFirstReadIsFreshAndLaterOnesBringOnlyWhatWasAppended() throws {
        try append([payoutLine(1), payoutLine(2), payoutLine(3, status: "approved")])
        let f = follower()
        try f.catchUp()
        let first = try #require(f.takeChange())
        #expect(first.isFresh)
        #expect(first.opened.map(\.key) == [1, 2], "only open records, oldest first")
        #expect(f.takeChange() == nil, "nothing new")

        try append([payoutLine(4), payoutLine(1, status: "cancelled"), payoutLine(2, extra: #","note":"changed""#)])
        try f.catchUp()
        let second = try #require(f.takeChange())
        #expect(!second.isFresh)
        #expect(Set(second.opened.map(\.key)) == [4, 2])
        #expect(second.closed == [1])
        #expect(String(decoding: try #require(second.opened.first { $0.key == 2 }).line.bytes, as: UTF8.self).contains("changed"))
        let gone = try #require(try f.latest(1))
        #expect(gone.effectiveState(now: now) == "cancelled")
        #expect(gone.line == nil)
    }

    @Test func aCompactedOrShortenedOrRewrittenFileIsReadAgainFromItsStart() throws {
        try append([payoutLine(1), payoutLine(2)])
        let f = follower()
        try f.catchUp()
        _ = f.takeChange()

        // A compaction renames a new file in: a new inode.
        let replacement = dir.write("new.jsonl", payoutLine(2) + "\n" + payoutLine(5) + "\n")
        #expect(rename(replacement, dir.file("payouts.jsonl")) == 0)
        try f.catchUp()
        let compacted = try #require(f.takeChange())
        #expect(compacted.isFresh)
        #expect(compacted.opened.map(\.key) == [2, 5])

        // Written over in place, same inode, no shorter: the byte before the old end is no longer a newline.
        let handle = try #require(FileHandle(forWritingAtPath: dir.file("payouts.jsonl")))
        handle.write(Data((payoutLine(7, extra: #","pad":"xxxxxxxxxxxxxxxxxxxxxxxxx""#) + "\n" + payoutLine(8) + "\n").utf8))
        handle.closeFile()
        try f.catchUp()
        let rewritten = try #require(f.takeChange())
        #expect(rewritten.isFresh)
        #expect(rewritten.opened.map(\.key) == [7, 8])

        // Truncated.
        #expect(truncate(dir.file("payouts.jsonl"), 0) == 0)
        try f.catchUp()
        let emptied = try #require(f.takeChange())
        #expect(emptied.isFresh && emptied.opened.isEmpty)
    }

    @Test func aLineStillBeingWrittenWaitsAndBadLinesAreCountedWithTheirNumbers() throws {
        try append([payoutLine(1), "{not json"])
        try "{\"trace_id\":2,\"requested_at\":\"2026-11-21T09:00:00Z\"".data(using: .utf8)!.append(toFile: dir.file("payouts.jsonl"))
        let f = follower()
        try f.catchUp()
        let first = try #require(f.takeChange())
        #expect(first.opened.map(\.key) == [1])
        #expect(first.problemCount == 2, "the bad line, and the unfinished one while it lasts")
        #expect(first.firstProblem?.line == 2)

        try "}\n".data(using: .utf8)!.append(toFile: dir.file("payouts.jsonl"))
        try f.catchUp()
        let finished = try #require(f.takeChange())
        #expect(finished.opened.map(\.key) == [2])
        #expect(finished.problemCount == 1)
    }

    @Test func theFollowerRefusesALinkOrAFIFOLikeEveryReader() throws {
        try append([payoutLine(1)], to: "elsewhere.jsonl")
        #expect(symlink(dir.file("elsewhere.jsonl"), dir.file("payouts.jsonl")) == 0)
        #expect(throws: PaydeskError.self) { try follower().catchUp() }
        unlink(dir.file("payouts.jsonl"))
        #expect(mkfifo(dir.file("payouts.jsonl"), 0o600) == 0)
        #expect(throws: PaydeskError.self) { try follower().catchUp() }
    }

    @Test func sessionsThatExpireWhileTheConsoleRunsAreLetGoOf() throws {
        try append([sessionLine("s_1", createdSecondsAgo: 10, now: now)], to: "sessions.jsonl")
        let clock = LockedValue(now)
        let f = StoreFollower<SessionKind>(path: dir.file("sessions.jsonl"), clock: { clock.withLock { $0 } })
        try f.catchUp()
        #expect(f.takeChange()?.opened.count == 1)
        clock.withLock { $0 = now + 400 }
        try f.catchUp()
        #expect(f.takeChange()?.closed.map(\.text) == ["s_1"], "the screen hears of it, and lets the row go")
    }

    @Test func aSessionThatExpiresBeforeTheScreensAskIsNotSentAsOpen() throws {
        try append([sessionLine("s_1", createdSecondsAgo: 10, now: now), sessionLine("s_2", createdSecondsAgo: 10, now: now)],
                   to: "sessions.jsonl")
        let clock = LockedValue(now)
        let f = StoreFollower<SessionKind>(path: dir.file("sessions.jsonl"), clock: { clock.withLock { $0 } })
        try f.catchUp()
        clock.withLock { $0 = now + 400 }
        try append([sessionLine("s_3", createdSecondsAgo: 10, now: now + 400)], to: "sessions.jsonl")
        try f.catchUp()
        #expect(try #require(f.takeChange()).opened.map(\.key.text) == ["s_3"])
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func whatTheScreensAreSentAddsUpToTheStoreAsALoadReadsIt(seed: UInt64) throws {
        // Keys out of order, records closed, opened again and changed, within one read and across reads: the
        // rows the changes leave must be exactly the open records of the file, each with its latest line.
        var random = SeededRandom(seed)
        let f = follower()
        var shown: [Int64: String] = [:]
        for round in 0..<6 {
            var lines: [String] = []
            for _ in 0..<300 {
                let key = Int64.random(in: 1...120, using: &random) * (round % 2 == 0 ? 1 : 7)
                let status = ["pending", "pending", "approved", "cancelled"].randomElement(using: &random)!
                lines.append(payoutLine(key, status: status, extra: ",\"n\":\(Int.random(in: 0...9_999, using: &random))"))
            }
            try append(lines)
            try f.catchUp()
            if round == 2 { continue }   // two appends taken in one change
            guard let change = f.takeChange() else { continue }
            if change.isFresh { shown = [:] }
            for key in change.closed { shown[key] = nil }
            for entry in change.opened { shown[entry.key] = String(decoding: entry.line.bytes, as: UTF8.self) }
            let store = try StoreSnapshot<PayoutKind>.load(path: dir.file("payouts.jsonl"))
            let expected = Dictionary(uniqueKeysWithValues: store.records.filter { store.isActionable($0, now: now) }
                .map { ($0.key, String(decoding: store.lineBytes(of: $0), as: UTF8.self)) })
            #expect(shown == expected, "seed \(seed), round \(round)")
        }
    }

    @Test func expiredSessionsAreNotKept() throws {
        try append([sessionLine("s_old", createdSecondsAgo: 400, now: now), sessionLine("s_new", createdSecondsAgo: 10, now: now)], to: "sessions.jsonl")
        let f = StoreFollower<SessionKind>(path: dir.file("sessions.jsonl"), clock: { [now] in now })
        try f.catchUp()
        #expect(try #require(f.takeChange()).opened.map(\.key.text) == ["s_new"])
    }

    // MARK: The one-shot search

    @Test func theSearchFindsTheLatestLineOfItsKeyAndNoOther() throws {
        try append([payoutLine(752856), payoutLine(9, extra: #","ref":"752856","note":752856"#),
                    payoutLine(752856, status: "approved"), payoutLine(1752856), "{broken 752856"])
        let found = try #require(try StoreSearch.latest(PayoutKind.self, key: 752856, path: dir.file("payouts.jsonl")))
        #expect(found.effectiveState(now: now) == "approved")
        #expect(try StoreSearch.latest(PayoutKind.self, key: 75285, path: dir.file("payouts.jsonl")) == nil)
        #expect(try StoreSearch.latest(PayoutKind.self, key: 9, path: dir.file("payouts.jsonl"))?.line?.fields.text("ref") == "752856")
    }

    @Test func theSearchCrossesPiecesAndLinesLongerThanAPiece() throws {
        // More than one 8 MiB piece, with a record at the very start and one line longer than a piece.
        let filler = String(repeating: "x", count: 200)
        var lines = [payoutLine(1)]
        for i in 0..<45_000 { lines.append(payoutLine(Int64(100 + i), extra: ",\"note\":\"\(filler)\"")) }
        lines.append(payoutLine(2, extra: ",\"note\":\"" + String(repeating: "y", count: 9 << 20) + "\""))
        lines.append(payoutLine(3))
        try append(lines)
        try "{\"trace_id\":3,\"status\":\"approved\"".data(using: .utf8)!.append(toFile: dir.file("payouts.jsonl"))   // unfinished: not counted
        let path = dir.file("payouts.jsonl")
        #expect(try StoreSearch.latest(PayoutKind.self, key: 1, path: path)?.effectiveState(now: now) == "pending")
        #expect(try StoreSearch.latest(PayoutKind.self, key: 2, path: path)?.line?.length ?? 0 > 9 << 20)
        #expect(try StoreSearch.latest(PayoutKind.self, key: 3, path: path)?.effectiveState(now: now) == "pending")
        #expect(try StoreSearch.latest(PayoutKind.self, key: 44_000, path: path) != nil)
    }

    @Test func aLongFileIsSearchedInTwoHalvesAtOnceAndTheLaterLineWins() throws {
        // Over 48 MiB: the last 16 MiB are searched alone, the rest in two halves at once.
        let filler = String(repeating: "x", count: 500)
        var lines: [String] = [payoutLine(9_000_001), payoutLine(9_000_002), payoutLine(9_000_004)]
        for i in 0..<110_000 {
            lines.append(payoutLine(Int64(100 + i), extra: ",\"note\":\"\(filler)\""))
            if i == 30_000 { lines.append(payoutLine(9_000_004, status: "rejected")) }   // the earlier half
            if i == 70_000 { lines.append(payoutLine(9_000_002, status: "approved")) }   // the later half
            if i == 108_000 { lines.append(payoutLine(9_000_003)) }                      // the recent part
        }
        try append(lines)
        let path = dir.file("payouts.jsonl")
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0 > 48 << 20)
        #expect(try StoreSearch.latest(PayoutKind.self, key: 9_000_001, path: path)?.effectiveState(now: now) == "pending",
                "only at the very start")
        #expect(try StoreSearch.latest(PayoutKind.self, key: 9_000_002, path: path)?.effectiveState(now: now) == "approved",
                "the later half's line wins over the first line")
        #expect(try StoreSearch.latest(PayoutKind.self, key: 9_000_004, path: path)?.effectiveState(now: now) == "rejected",
                "the earlier half's line wins over the first line")
        #expect(try StoreSearch.latest(PayoutKind.self, key: 9_000_003, path: path)?.effectiveState(now: now) == "pending")
        #expect(try StoreSearch.latest(PayoutKind.self, key: 9_000_009, path: path) == nil)
        #expect(try StoreSearch.latest(PayoutKind.self, key: 100 + 55_000, path: path) != nil, "a line near the cut")
    }

    @Test func aSecondLookSearchesOnlyWhatWasAppendedUnlessTheFileWasReplaced() throws {
        try append([payoutLine(5), payoutLine(6)])
        let lookups = FileLookups(dataDirectory: dir.path)
        #expect(try lookups.latest(PayoutKind.self, key: 5)?.effectiveState(now: now) == "pending")
        let path = dir.file("payouts.jsonl")
        let first = try StoreSearch.latest(PayoutKind.self, key: 5, path: path, after: nil)
        try append([payoutLine(6, status: "approved")])
        let again = try StoreSearch.latest(PayoutKind.self, key: 5, path: path, after: first.mark)
        #expect(again.appendedOnly && again.found == nil, "nothing appended names 5")
        #expect(try lookups.latest(PayoutKind.self, key: 5)?.effectiveState(now: now) == "pending", "the first answer stands")
        try append([payoutLine(5, status: "cancelled")])
        #expect(try lookups.latest(PayoutKind.self, key: 5)?.effectiveState(now: now) == "cancelled", "an appended line wins")
        // Replaced (a compaction): searched whole again, whatever was seen before.
        let replacement = dir.write("new.jsonl", payoutLine(5, status: "rejected") + "\n")
        #expect(rename(replacement, path) == 0)
        #expect(try lookups.latest(PayoutKind.self, key: 5)?.effectiveState(now: now) == "rejected")
        let whole = try StoreSearch.latest(PayoutKind.self, key: 5, path: path, after: again.mark)
        #expect(!whole.appendedOnly)
    }

    @Test func theSearchFindsASessionIdThatJSONEscapes() throws {
        try append([sessionLine(#"s\"q"#, createdSecondsAgo: 10, now: now)], to: "sessions.jsonl")
        let found = try StoreSearch.latest(SessionKind.self, key: SessionID("s\"q"), path: dir.file("sessions.jsonl"))
        #expect(found?.key == SessionID("s\"q"))
    }

    @Test func theTrailsFollowerCountsABadLineAndReadsOnlyWhatIsAppended() throws {
        let log = AuditLog(directory: dir.path)
        _ = try log.append(AuditEntry(at: now, operatorName: "op", profile: "TEST", gateway: "praxis", target: "1", event: .intent, attemptId: "a"))
        try Data("{not an entry}\n".utf8).append(toFile: dir.file("audit.jsonl"))
        let follower = AuditFollower(directory: dir.path)
        try follower.catchUp()
        let first = try #require(follower.takeChange())
        #expect(first.attempts.count == 1)
        #expect(first.problemCount == 1)
        #expect(first.firstProblem?.line == 2)
        #expect(follower.takeChange() == nil, "nothing changed since")
        try Data((try String(contentsOfFile: dir.file("audit.jsonl"), encoding: .utf8).split(separator: "\n")[0] + "\n").utf8)
            .append(toFile: dir.file("audit.jsonl"))   // the same entry again: appended, read, counted once more
        #expect(try follower.entries(gateway: "praxis", target: "1").count == 2)
    }

    @Test func twoAttemptsInDoubtOnOneTargetAreBothShown() throws {
        // A retry (--retry-unknown) that died too: two intents without an outcome for the same target.
        let log = AuditLog(directory: dir.path)
        for id in ["first", "retry"] {
            _ = try log.append(AuditEntry(at: now, operatorName: "op", profile: "TEST", gateway: "praxis", target: "7", event: .intent, attemptId: id))
        }
        let follower = AuditFollower(directory: dir.path)
        try follower.catchUp()
        let change = try #require(follower.takeChange())
        #expect(change.attempts.map(\.state) == [.inDoubt, .inDoubt])
    }

    @Test func anotherPaydesksCheckOfAnAttemptInDoubtReadsChecking() throws {
        let log = AuditLog(directory: dir.path)
        _ = try log.append(AuditEntry(at: now, operatorName: "op", profile: "TEST", gateway: "praxis", target: "8", event: .intent, attemptId: "dead"))
        let follower = AuditFollower(directory: dir.path)
        try follower.catchUp()
        #expect(try #require(follower.takeChange()).attempts.map(\.word) == [.inDoubt])
        // What a check holds while it asks: the attempt lock, and the .checking one beside it.
        var attemptLock = try AttemptLock.take(directory: dir.path, gateway: "praxis", target: "8")
        var checkLock = CheckLock.take(directory: dir.path, gateway: "praxis", target: "8", sharing: .ownerOnly)
        #expect(attemptLock != nil && checkLock != nil)
        #expect(try #require(follower.takeChange()).attempts.map(\.word) == [.checking], "not in-flight: nothing is being cancelled")
        (checkLock, attemptLock) = (nil, nil)
        #expect(try #require(follower.takeChange()).attempts.map(\.word) == [.inDoubt])
    }

    @Test func theAuditSearchParsesOnlyItsTargetsLines() throws {
        let log = AuditLog(directory: dir.path)
        for target in ["752856", "7528", "752856"] {
            _ = try log.append(AuditEntry(at: now, operatorName: "op", profile: "TEST", gateway: "praxis", target: target, event: .intent,
                                          attemptId: UUID().uuidString, reason: target == "7528" ? "not 752856" : nil))
        }
        _ = try log.append(AuditEntry(at: now, operatorName: "op", profile: "TEST", gateway: "xpay", target: "752856", event: .intent, attemptId: "x"))
        let found = try AuditSearch.entries(directory: dir.path, gateway: "praxis", target: "752856")
        #expect(found.count == 2)
        #expect(found.allSatisfy { $0.target == "752856" && $0.gateway == "praxis" })
    }
}
}

extension Data {
    func append(toFile path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
        handle.write(self)
        handle.closeFile()
    }
}
