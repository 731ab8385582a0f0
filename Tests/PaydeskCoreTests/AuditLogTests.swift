import Foundation
import Testing
@testable import PaydeskCore

extension PaydeskTests {
@Suite struct AuditLogTests {
    let dir = TemporaryDirectory()
    var log: AuditLog { AuditLog(directory: dir.path) }

    private func entry(_ target: String, _ event: AuditEntry.Event = .intent, attempt: String = "a1",
                       outcome: AttemptOutcome? = nil) -> AuditEntry {
        AuditEntry(at: Timestamp(milliseconds: 1_795_253_400_000), operatorName: "m.rossi", profile: "TEST", gateway: "praxis",
                   target: target, event: event, attemptId: attempt, reason: "customer called", outcome: outcome)
    }

    private func writeFive() throws {
        for k in 1...5 { try log.append(entry(String(k), attempt: "a\(k)")) }
    }

    private var lines: [String] { dir.read("audit.jsonl").split(separator: "\n").map(String.init) }

    private func rewrite(_ lines: [String]) {
        dir.write("audit.jsonl", lines.joined(separator: "\n") + "\n")
    }

    @Test func chainsEachLineToTheOneBefore() throws {
        try writeFive()
        let written = lines
        #expect(written.count == 5)
        let entries = try log.entries().entries
        #expect(entries.map(\.seq) == [1, 2, 3, 4, 5])
        #expect(entries[0].prev == String(repeating: "0", count: 64))
        for k in 1..<5 { #expect(entries[k].prev == Digest.sha256Hex(Array(written[k - 1].utf8))) }
        let verification = try log.verify()
        #expect(verification.count == 5 && verification.broken == nil)
    }

    @Test func keepsEveryOutcomeField() throws {
        let outcome = AttemptOutcome(result: .rejected, httpStatus: 400, gatewayStatus: "PS0026", description: "session \"x\" not found",
                                     errorCode: "PS0026", signatureValid: false, correlationId: "c0ffee", latencyMs: 87)
        try log.append(entry("x", .outcome, outcome: outcome))
        let read = try #require(try log.entries().entries.first)
        #expect(read.outcome == outcome)
        #expect(read.reason == "customer called")
        #expect(read.operatorName == "m.rossi")
        #expect(read.at.rfc3339 == "2026-11-21T09:30:00.000Z")
    }

    @Test func anEditedLineIsNamed() throws {
        try writeFive()
        var l = lines
        l[2] = l[2].replacingOccurrences(of: "customer called", with: "customer calleD")
        rewrite(l)
        let broken = try #require(try log.verify().broken)
        #expect(broken.line == 4)
        #expect(broken.message.contains("does not match line 3: that line was edited"))
    }

    @Test func aDeletedLineIsNamed() throws {
        try writeFive()
        var l = lines
        l.remove(at: 1)
        rewrite(l)
        let broken = try #require(try log.verify().broken)
        #expect(broken.line == 2)
        #expect(broken.message.contains("deleted"))
    }

    @Test func reorderedLinesAreNamed() throws {
        try writeFive()
        var l = lines
        l.swapAt(2, 3)
        rewrite(l)
        #expect(try log.verify().broken?.line == 3)
    }

    @Test func aDeletedFirstLineIsNamed() throws {
        try writeFive()
        rewrite(Array(lines.dropFirst()))
        #expect(try log.verify().broken?.line == 1)
    }

    @Test func anEditedLastLineIsCaughtByTheHead() throws {
        try writeFive()
        var l = lines
        l[4] = l[4].replacingOccurrences(of: "m.rossi", with: "someone")
        rewrite(l)
        let broken = try #require(try log.verify().broken)
        #expect(broken.line == 5)
        #expect(broken.message.contains("edited"))
    }

    @Test func aCutEndIsCaughtByTheHead() throws {
        try writeFive()
        rewrite(Array(lines.prefix(3)))
        let broken = try #require(try log.verify().broken)
        #expect(broken.message.contains("records seq 5"))
    }

    @Test func aRecomputedChainStillFailsAgainstTheHead() throws {
        // Someone edits line 3 and recomputes every prev after it, so the chain alone looks whole: the head knows.
        try writeFive()
        var l = lines
        l[2] = l[2].replacingOccurrences(of: "customer called", with: "nobody called")
        for k in 3..<5 {
            let oldPrev = try #require(l[k].range(of: #""prev":""#)).upperBound
            let end = l[k].index(oldPrev, offsetBy: 64)
            l[k].replaceSubrange(oldPrev..<end, with: Digest.sha256Hex(Array(l[k - 1].utf8)))
        }
        rewrite(l)
        let broken = try #require(try log.verify().broken)
        #expect(broken.line == 5)
        #expect(broken.message.contains("does not match audit.head"))
    }

    @Test func aHeadOneEntryBehindIsNotATamperAlarm() throws {
        try writeFive()
        let head = dir.read("audit.head")
        try log.append(entry("6", attempt: "a6"))
        dir.write("audit.head", head)
        let verification = try log.verify()
        #expect(verification.broken == nil)
        #expect(verification.headBehindBy == 1)
    }

    @Test func theHeadLivesBesideTheTrailWhateverTheFolderIsCalled() throws {
        let odd = TemporaryDirectory("weird.jsonl")
        let log = AuditLog(directory: odd.path)
        try log.append(entry("1"))
        #expect(FileManager.default.fileExists(atPath: odd.file("audit.head")))
        #expect(try log.verify().broken == nil)
    }

    @Test func aTornLineStopsAppendsUntilItIsAcknowledged() throws {
        try writeFive()
        let text = dir.read("audit.jsonl") + #"{"seq":6,"at":"2026-"#
        dir.write("audit.jsonl", text)
        #expect(try log.verify().broken?.line == 6)
        #expect(throws: PaydeskError.self) { try log.append(entry("7", attempt: "a7")) }
        #expect(dir.read("audit.jsonl") == text, "a refused append writes nothing")
        let ack = try #require(try log.acknowledge(operatorName: "m.rossi", profile: "TEST", reason: "power cut at 09:12", at: .now))
        #expect(ack.entry.seq == 6)
        #expect(ack.entry.acknowledges?.contains("incomplete line") == true)
        let next = try log.append(entry("7", attempt: "a7"))
        #expect(next.entry.seq == 7, "counts on after the acknowledgement")
        let verification = try log.verify()
        #expect(verification.broken == nil)
        #expect(verification.acknowledged.map(\.problem?.line) == [6])
    }

    @Test func aMissingTrailIsWholeAndEmpty() throws {
        let verification = try log.verify()
        #expect(verification.count == 0 && verification.broken == nil)
    }

    @Test func inDoubtIsAnIntentWithoutOutcomeThatNobodyIsWaitingFor() throws {
        try log.append(entry("1", attempt: "done"))
        try log.append(entry("1", .outcome, attempt: "done", outcome: AttemptOutcome(result: .cancelled, description: "ok")))
        try log.append(entry("2", attempt: "dead"))
        try log.append(entry("3", attempt: "live"))
        let entries = try log.entries().entries
        let attempts = AttemptHistory.attempts(entries) { _, target in target == "3" }
        #expect(attempts.map(\.id) == ["live", "dead", "done"], "newest first")
        #expect(attempts.map(\.word) == [.inFlight, .inDoubt, .cancelled])
        #expect(attempts.map(\.needsChecking) == [false, true, false])
    }

    @Test func aHeldAttemptLockReadsAsInFlight() throws {
        let lock = try #require(try AttemptLock.take(directory: dir.path, gateway: "praxis", target: "9"))
        #expect(AttemptLock.isHeld(directory: dir.path, gateway: "praxis", target: "9"))
        #expect(try AttemptLock.take(directory: dir.path, gateway: "praxis", target: "9") == nil)
        withExtendedLifetime(lock) {}
        _ = consume lock
        #expect(!AttemptLock.isHeld(directory: dir.path, gateway: "praxis", target: "9"))
    }
}
}
