import Foundation
import Testing
@testable import GatewaySimulator
@testable import PaydeskCore

/// `audit_syslog` through the real binary: every entry reaches a real rsyslogd, `audit verify --against` agrees with
/// its file and catches a trail rewritten consistently with its head, and a copy that cannot be delivered is loud, or
/// (`audit_syslog_required`) stops the request.
extension PaydeskTests {
@Suite struct AuditSyslogCommandTests {
    private func home(_ sim: GatewaySimulator, copy: String, required: Bool = false) -> SimulatedHome {
        let home = SimulatedHome(sim, totalTimeout: 2)
        let config = home.dir.read("config.toml")
        home.dir.write("config.toml", "audit_syslog = \"\(copy)\"\n" + (required ? "audit_syslog_required = true\n" : "") + config, mode: 0o600)
        return home
    }

    @Test(.enabled(if: RsyslogDaemon.isInstalled, "rsyslogd is not installed at /usr/sbin/rsyslogd (apt-get install rsyslog)"))
    func everyEntryReachesSyslogAndVerifyAgainstTheCopyCatchesARewrite() async throws {
        let daemon = try await RsyslogDaemon.start()
        defer { daemon.stop() }
        try await withSimulator { sim in
            let home = home(sim, copy: daemon.unixAddress)
            home.seed(payouts: [1, 2])
            await sim.state.addPayout(1)
            await sim.state.addPayout(2)
            await sim.state.setFault(.timeout, for: "2")
            #expect(try await home.paydesk(["cancel", "payout", "1", "--yes"]).status == 0)
            #expect(try await home.paydesk(["cancel", "payout", "2", "--yes"]).status == 3)
            #expect(try await home.paydesk(["check", "payout", "2"]).status == 0)
            #expect(try await daemon.waitForPaydeskLines(5), "two intents, two outcomes, one check")
            let agreed = try await home.paydesk(["audit", "verify", "--against", daemon.messagesPath])
            #expect(agreed.status == 0, "\(agreed.stdout)\(agreed.stderr)")
            #expect(agreed.stdout.contains("agrees"))

            // Someone with write access rewrites the trail and its head consistently: the chain alone passes it.
            let path = home.dir.file("data/TEST/audit.jsonl")
            var entries = try AuditLog(directory: home.dir.file("data/TEST")).entries().entries
            entries[0].reason = "customer never called"
            var lines: [String] = []
            for var e in entries {
                e.prev = lines.last.map { Digest.sha256Hex(Array($0.utf8)) } ?? AuditEntry.firstPrev
                lines.append(e.line)
            }
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
            let head = #"{"seq":\#(entries.last!.seq),"sha256":"\#(Digest.sha256Hex(Array(lines.last!.utf8)))"}"# + "\n"
            try head.write(toFile: home.dir.file("data/TEST/audit.head"), atomically: false, encoding: .utf8)
            #expect(try await home.paydesk(["audit", "verify"]).status == 0, "consistent: the chain and the head pass")
            let caught = try await home.paydesk(["audit", "verify", "--against", daemon.messagesPath, "--json"])
            #expect(caught.status == 1)
            let answer = try JSONValue.parse(caught.stdout)
            #expect(answer["copy_agrees"] == .bool(false))
            #expect(answer["copy_problem"]?.displayText.contains("entry 1 differs") == true, "\(caught.stdout)")
        }
    }

    @Test func aCopyThatCannotBeDeliveredIsLoudOrStopsTheRequest() async throws {
        try await withSimulator { sim in
            let nowhere = "unix:" + TemporaryDirectory("paydesk-no-syslog").file("log.sock")
            let loud = home(sim, copy: nowhere)
            loud.seed(payouts: [3])
            await sim.state.addPayout(3)
            let warned = try await loud.paydesk(["cancel", "payout", "3", "--yes"])
            #expect(warned.status == 0)
            #expect(warned.stderr.contains("WARNING") && warned.stderr.contains("syslog copy was not sent"))

            let strict = home(sim, copy: nowhere, required: true)
            strict.seed(payouts: [4])
            await sim.state.addPayout(4)
            let refused = try await strict.paydesk(["cancel", "payout", "4", "--yes"])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("nothing was sent"))
            #expect(await sim.state.cancelCount(for: "4") == 0)
            let history = try await strict.attempts()
            #expect(history.first?["result"] == .string("failed"), "the attempt ends, recorded: never in doubt")

            let broken = SimulatedHome(sim)
            broken.dir.write("config.toml", "audit_syslog_required = true\n" + broken.dir.read("config.toml"), mode: 0o600)
            let config = try await broken.paydesk(["history"])
            #expect(config.status == 2 && config.stderr.contains("audit_syslog"))
        }
    }

    @Test func rotatedCopiesAreReadTogetherAndEntriesOlderThanTheCopyAreCountedNotCompared() throws {
        let dir = TemporaryDirectory("paydesk-copy-rotated")
        let log = AuditLog(directory: dir.path)
        for k in 1...5 {
            try log.append(AuditEntry(at: .now, operatorName: "ana", profile: "TEST", gateway: "praxis", target: String(k), event: .intent,
                                      attemptId: "a\(k)"))
        }
        let entries = try log.entries().entries
        func copy(_ range: ClosedRange<Int>) -> String {
            range.map { AuditCopy.message(entries[$0 - 1], line: entries[$0 - 1].line, hostname: "desk", pid: 7) }.joined(separator: "\n") + "\n"
        }
        let older = dir.write("messages.1", copy(3...4)), newer = dir.write("messages", copy(5...5))
        let both = try log.disagreement(withCopy: [older, newer], profile: "TEST")
        #expect(both.problem == nil && both.predating == 2, "entries 1 and 2 were written before the copy began")
        let one = try log.disagreement(withCopy: [older], profile: "TEST")
        #expect(one.problem?.contains("entry 5") == true, "the rotated-away half is missing without it: \(one.problem ?? "nil")")
    }
}
}
