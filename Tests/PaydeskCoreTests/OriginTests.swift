import Foundation
import Testing
@testable import GatewaySimulator
@testable import PaydeskCore

/// Who acted and from where: the account comes from the system, whatever the environment or the config say,
/// and every entry says where it came from. A production cancellation needs a reason on the command line too.
extension PaydeskTests {
@Suite struct OriginTests {
    @Test func theAccountIsTheSystemsNotTheEnvironmentsNorTheConfigs() async throws {
        try await withSimulator { sim in
            var home = SimulatedHome(sim)
            home.environment["USER"] = nil
            home.environment["SSH_CONNECTION"] = "10.1.2.3 55022 10.9.9.9 22"
            let config = home.dir.read("config.toml")
            home.dir.write("config.toml", "operator = \"someone-else\"\n" + config, mode: 0o600)
            home.seed(payouts: [1])
            await sim.state.addPayout(1)
            #expect(try await home.paydesk(["cancel", "payout", "1", "--yes"]).status == 0)
            let account = try #require(getpwuid(geteuid())).pointee.pw_name.map { String(cString: $0) }
            let entries = try AuditLog(directory: home.dir.file("data/TEST")).entries().entries
            #expect(entries.count == 2)
            for entry in entries {
                #expect(entry.operatorName == account, "not $USER, not the config's name")
                #expect(entry.origin?.displayName == "someone-else", "kept beside it, for people")
                #expect(entry.origin?.host == ProcessInfo.processInfo.hostName || entry.origin?.host.isEmpty == false)
                #expect(entry.origin?.tty == nil, "no terminal under the test")
                #expect(entry.origin?.sshClient == "10.1.2.3 55022")
                #expect((entry.origin?.pid ?? 0) > 0 && entry.origin?.pid != getpid(), "the paydesk process's own")
                #expect(entry.origin?.version == Origin.paydeskVersion)
            }
            let json = try #require(try await home.attempts().first)
            #expect(json["operator"] == .string(account ?? ""))
            #expect(json["display_name"] == .string("someone-else") && json["ssh_client"] == .string("10.1.2.3 55022"))
            #expect(json["host"] != nil && json["pid"] != nil && json["version"] != nil)
            #expect(try await home.paydesk(["history"]).stdout.contains("\(account ?? "?") (someone-else)"))
        }
    }

    @Test func anEntryReadsBackWithItsOriginAndOldLinesWithout() throws {
        let origin = Origin(account: "ana", displayName: "Ana B", host: "desk-1", tty: "/dev/pts/3", sshClient: "10.0.0.7 40022", pid: 4242)
        let entry = AuditEntry(seq: 1, at: Timestamp(milliseconds: 1_795_253_400_000), operatorName: "ana", profile: "TEST", gateway: "praxis",
                               target: "1", event: .intent, attemptId: "a1", origin: origin)
        #expect(try AuditEntry.parse(Array(entry.line.utf8)).get() == entry)
        #expect(entry.line.contains(#""operator":"ana","display_name":"Ana B","host":"desk-1","tty":"/dev/pts/3","ssh_client":"10.0.0.7 40022","pid":4242"#))
        var old = entry
        old.origin = nil
        #expect(try AuditEntry.parse(Array(old.line.utf8)).get().origin == nil)
        #expect(origin.who == "ana (Ana B)")
    }

    @Test func aProductionCancellationNeedsAReasonEverywhere() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim)
            home.seed(profile: "PROD", payouts: [2])
            await sim.state.addPayout(2)
            let bare = try await home.paydesk(["cancel", "payout", "2", "--profile", "PROD", "--confirm", "2"])
            #expect(bare.status == 2)
            #expect(bare.stderr.contains("--reason"))
            let blank = try await home.paydesk(["cancel", "payout", "2", "--profile", "PROD", "--confirm", "2", "--reason", "  "])
            #expect(blank.status == 2)
            #expect(await sim.state.cancelCount(for: "2") == 0, "nothing was sent")
            let given = try await home.paydesk(["cancel", "payout", "2", "--profile", "PROD", "--confirm", "2", "--reason", "customer called"])
            #expect(given.status == 0, "\(given.stderr)")
            #expect(try await home.attempts(profile: "PROD").first?["reason"] == .string("customer called"))
        }
    }
}
}
