import Foundation
import Testing
@testable import GatewaySimulator
@testable import PaydeskCore

/// The audit trail tried as someone covering their tracks would: deleted, cut, edited, swapped with another
/// profile's, or left behind by a head that could not be written.
extension PaydeskTests {
@Suite struct AuditTamperTests {
    let dir = TemporaryDirectory()
    var log: AuditLog { AuditLog(directory: dir.path) }

    private func entry(_ target: String, attempt: String, profile: String = "TEST") -> AuditEntry {
        AuditEntry(at: .now, operatorName: "m.rossi", profile: profile, gateway: "praxis", target: target, event: .intent, attemptId: attempt)
    }

    private func writeFive() throws {
        for k in 1...5 { try log.append(entry(String(k), attempt: "a\(k)")) }
    }

    private var lines: [String] { dir.read("audit.jsonl").split(separator: "\n").map(String.init) }

    /// Five entries, an attempt on payout 5 that left its lock file, then the trail and its head deleted.
    private func loseATrailThatLeftALock() throws {
        try writeFive()
        let lock = try #require(try AttemptLock.take(directory: dir.path, gateway: "praxis", target: "5"))
        _ = consume lock
        try FileManager.default.removeItem(atPath: log.path)
        try FileManager.default.removeItem(atPath: log.headPath)
    }

    @Test func aDeletedTrailIsNeverRestartedAndNothingIsSentTwice() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim, totalTimeout: 1)
            home.seed(payouts: [7])
            await sim.state.addPayout(7)
            await sim.state.setFault(.timeout, for: "7")
            #expect(try await home.paydesk(["cancel", "payout", "7", "--yes"]).status == 3)
            await sim.state.setFault(nil, for: "7")
            try FileManager.default.removeItem(atPath: home.dir.file("data/TEST/audit.jsonl"))

            let history = try await home.paydesk(["history"])
            #expect(history.stderr.contains("missing or empty, but audit.head records 2 entries"), "\(history.stderr)")
            let again = try await home.paydesk(["cancel", "payout", "7", "--yes"])
            #expect(again.status == 1)
            #expect(again.stderr.contains("nothing was written or sent"), "\(again.stderr)")
            #expect(again.stderr.contains("paydesk audit verify"))
            #expect(await sim.state.requestCount(for: "7") == 1, "the unknown attempt is not sent again")
            let verify = try await home.paydesk(["audit", "verify"])
            #expect(verify.status == 1)
            #expect(verify.stdout.contains("BROKEN"))

            let ack = try await home.paydesk(["audit", "acknowledge", "--reason", "trail lost with the old disk; 7 to be checked at Praxis"])
            #expect(ack.status == 0, "\(ack.stderr)")
            #expect(ack.stdout.contains("acknowledged as entry 3"), "\(ack.stdout)")
            let after = try await home.paydesk(["audit", "verify"])
            #expect(after.status == 0, "\(after.stdout)")
            #expect(after.stdout.contains("acknowledged at line 1 by \(Origin.account())"), "\(after.stdout)")
            let retry = try await home.paydesk(["cancel", "payout", "7", "--yes"])
            #expect(retry.stdout.contains("REJECTED"), "an explicit, recorded recovery lets work go on; the lost attempt had gone through: \(retry.stdout)")
            #expect(try await home.paydesk(["audit", "verify"]).status == 0)
        }
    }

    @Test func aTrailDeletedWithItsHeadIsCaughtByWhatAttemptsLeftBehind() throws {
        try loseATrailThatLeftALock()
        #expect(try log.verify().broken?.message.contains("1 attempt lock file in locks/") == true)
        let error = #expect(throws: PaydeskError.self) { try log.append(entry("6", attempt: "a6")) }
        #expect(error?.description.contains("attempts were made") == true)

        // Lock files gone too: the store still names the attempts paydesk marked cancelled.
        try FileManager.default.removeItem(atPath: dir.file("locks"))
        dir.write("payouts.jsonl", payoutLine(5, status: "cancelled", extra: #","cancel_attempt_id":"a5""#) + "\n")
        #expect(try log.verify().broken?.message.contains("1 line of payouts.jsonl marked cancelled by paydesk") == true)
        #expect(throws: PaydeskError.self) { try log.append(entry("6", attempt: "a6")) }
    }

    @Test func anAttemptRefusedBeforeItsIntentLeavesNoEvidence() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim)
            home.seed(payouts: [1])
            home.dir.write("data/TEST/sessions.jsonl", sessionLine("old", createdSecondsAgo: 900, now: .now) + "\n")
            await sim.state.addPayout(1)
            let refused = try await home.paydesk(["cancel", "session", "old", "--yes"])
            #expect(refused.stderr.contains("expired"), "\(refused.stderr)")
            let locks = (try? FileManager.default.contentsOfDirectory(atPath: home.dir.file("data/TEST/locks"))) ?? []
            #expect(locks.isEmpty, "no lock file left to read as evidence: \(locks)")
            let next = try await home.paydesk(["cancel", "payout", "1", "--yes"])
            #expect(next.status == 0, "no false tamper alarm on a fresh trail: \(next.stderr)")
        }
    }

    @Test func theTargetsOwnOldLockIsEvidenceToo() throws {
        try loseATrailThatLeftALock()
        // The next attempt on the same target holds that very lock while it writes its intent.
        let again = try #require(try AttemptLock.take(directory: dir.path, gateway: "praxis", target: "5"))
        #expect(throws: PaydeskError.self) { try log.append(entry("5", attempt: "a6")) }
        withExtendedLifetime(again) {}
    }

    @Test func aFIFOLeftAsTheHeadsTemporaryFileNeverHangs() throws {
        try writeFive()
        #expect(mkfifo(dir.file("audit.head.tmp"), 0o600) == 0)
        let appended = try log.append(entry("6", attempt: "a6"))
        #expect(appended.headWarning == nil)
        #expect(try log.verify().broken == nil)
    }

    @Test func trailTextNeverReachesTheTerminalRaw() async throws {
        let home = TemporaryDirectory()
        let log = AuditLog(directory: home.file("data/TEST"))
        try FileManager.default.createDirectory(atPath: home.file("data/TEST"), withIntermediateDirectories: true)
        for k in 1...2 {
            try log.append(AuditEntry(at: .now, operatorName: "m.rossi", profile: "TEST", gateway: "praxis", target: String(k), event: .intent, attemptId: "a\(k)"))
        }
        let text = home.read("data/TEST/audit.jsonl").replacingOccurrences(of: "m.rossi", with: "\\u001b]0;owned\\u0007")
        home.write("data/TEST/audit.jsonl", text)
        let verify = try await runPaydesk(["audit", "verify", "--home", home.path])
        #expect(verify.status == 1)
        #expect(!verify.stdout.contains("\u{1B}") && !verify.stdout.contains("\u{07}"), "\(verify.stdout)")
        let ack = try await runPaydesk(["audit", "acknowledge", "--reason", "x\u{1B}[2J", "--home", home.path])
        #expect(ack.status == 0)
        let after = try await runPaydesk(["audit", "verify", "--home", home.path])
        #expect(after.status == 0)
        #expect(!after.stdout.contains("\u{1B}"), "\(after.stdout)")
    }

    @Test func aCutOrEditedEndIsNotHealedByTheNextAppend() throws {
        try writeFive()
        let head = dir.read("audit.head")
        var edited = lines
        edited[4] = edited[4].replacingOccurrences(of: "m.rossi", with: "someone")
        dir.write("audit.jsonl", edited.joined(separator: "\n") + "\n")
        #expect(throws: PaydeskError.self) { try log.append(entry("6", attempt: "a6")) }
        #expect(lines == edited, "nothing appended")
        #expect(dir.read("audit.head") == head, "the head is not rewritten")

        dir.write("audit.jsonl", Array(edited.prefix(3)).joined(separator: "\n") + "\n")
        let error = #expect(throws: PaydeskError.self) { try log.append(entry("6", attempt: "a6")) }
        #expect(error?.description.contains("records seq 5") == true)
    }

    @Test func anAcknowledgementCoversOnlyTheTrailAsItWas() throws {
        try writeFive()
        var edited = lines
        edited[2] = edited[2].replacingOccurrences(of: "m.rossi", with: "someone")
        dir.write("audit.jsonl", edited.joined(separator: "\n") + "\n")
        #expect(try log.verify().broken?.line == 4)
        #expect(try log.acknowledge(operatorName: "auditor", profile: "TEST", reason: "line 3 edited by the migration script", at: .now) != nil)
        try log.append(entry("6", attempt: "a6"))
        let verification = try log.verify()
        #expect(verification.broken == nil)
        #expect(verification.acknowledged.first?.problem?.line == 4)
        #expect(try log.acknowledge(operatorName: "auditor", profile: "TEST", reason: "again", at: .now) == nil, "nothing left to acknowledge")

        // Changing the trail before an acknowledgement afterwards is a break of its own.
        var later = lines
        later[0] = later[0].replacingOccurrences(of: "m.rossi", with: "nobody")
        dir.write("audit.jsonl", later.joined(separator: "\n") + "\n")
        let broken = try #require(try log.verify().broken)
        #expect(broken.message.contains("changed after it was written"))
    }

    @Test func aHeadThatCouldNotBeWrittenIsAWarningNotATamperAlarm() throws {
        try writeFive()
        // A folder where the head's temporary file should go: the rename can never happen (as on a full disk).
        try FileManager.default.createDirectory(atPath: dir.file("audit.head.tmp"), withIntermediateDirectories: false)
        let first = try log.append(entry("6", attempt: "a6"))
        #expect(first.headWarning?.contains("could not be updated") == true)
        try log.append(entry("7", attempt: "a7"))
        let behind = try log.verify()
        #expect(behind.broken == nil)
        #expect(behind.headBehindBy == 2)
        try FileManager.default.removeItem(atPath: dir.file("audit.head.tmp"))
        #expect(try log.append(entry("8", attempt: "a8")).headWarning == nil)
        #expect(try log.verify().headBehindBy == nil, "the next write catches the head up")
    }

    @Test func aHeadThatCannotBeCreatedStopsTheFirstEntry() throws {
        try FileManager.default.createDirectory(atPath: dir.file("audit.head.tmp"), withIntermediateDirectories: false)
        #expect(throws: PaydeskError.self) { try log.append(entry("1", attempt: "a1")) }
        #expect(lines.isEmpty, "no trail without a head to check its end by")
    }

    @Test func aTrailFromAnotherProfileDoesNotVerify() throws {
        for k in 1...3 { try log.append(entry(String(k), attempt: "p\(k)", profile: "PROD")) }
        let broken = try #require(try log.verify(profile: "TEST").broken)
        #expect(broken.line == 1)
        #expect(broken.message.contains("of profile PROD, not TEST"))
        #expect(try log.verify(profile: "PROD").broken == nil)
        #expect(throws: PaydeskError.self) { try log.append(entry("4", attempt: "t4", profile: "TEST")) }
    }

    @Test func theCommandLineWarnsWhenTheHeadCannotFollow() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim)
            home.seed(payouts: [1, 2])
            await sim.state.addPayout(1)
            await sim.state.addPayout(2)
            #expect(try await home.paydesk(["cancel", "payout", "1", "--yes"]).status == 0)
            try FileManager.default.createDirectory(atPath: home.dir.file("data/TEST/audit.head.tmp"), withIntermediateDirectories: false)
            let result = try await home.paydesk(["cancel", "payout", "2", "--yes"])
            #expect(result.status == 0)
            #expect(result.stderr.contains("WARNING:") && result.stderr.contains("audit.head could not be updated"), "\(result.stderr)")
            let verify = try await home.paydesk(["audit", "verify"])
            #expect(verify.status == 0)
            #expect(verify.stderr.contains("behind by 2 entries (it could not be written"), "\(verify.stderr)")
        }
    }
}
}
