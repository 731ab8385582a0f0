import Foundation
import Testing
@testable import GatewaySimulator
@testable import Gateways
@testable import PaydeskCore

/// `paydesk check`, the real binary against the simulator over real HTTP: each verdict for both gateways, what a
/// verdict lets happen next, every Praxis success confirmed, and the cardholder's personal data kept nowhere.
extension PaydeskTests {
@Suite struct CheckWithGatewayTests {
    /// `paydesk check KIND ID --json`: its exit status and its object.
    private func check(_ home: SimulatedHome, _ kind: String, _ id: String) async throws -> (status: Int32, answer: JSONValue) {
        let result = try await home.paydesk(["check", kind, id, "--json"])
        return (result.status, try JSONValue.parse(result.stdout))
    }

    private func history(_ home: SimulatedHome, _ target: String) async throws -> [JSONValue] {
        try await home.attempts().filter { $0["target"] == .string(target) }
    }

    @Test func eachVerdictForXPay() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim, totalTimeout: 2)
            home.seed(sessions: ["s-timeout", "s-lost", "s-paid", "s-down", "s-gone"])
            let now = Timestamp.now
            for id in ["s-timeout", "s-lost", "s-down"] { await sim.state.addSession(id, createdAt: now) }
            await sim.state.addSession("s-paid", createdAt: now, state: "paid")
            await sim.state.setFault(.timeout, for: "s-timeout")
            await sim.state.setFault(.lost, for: "s-lost")

            // A timeout hid a success: the check finds it cancelled, settles the attempt and marks the store.
            #expect(try await home.paydesk(["cancel", "session", "s-timeout", "--yes"]).status == 3)
            let cancelled = try await check(home, "session", "s-timeout")
            #expect(cancelled.status == 0)
            #expect(cancelled.answer["verdict"] == .string("cancelled"))
            #expect(cancelled.answer["gateway_state"]?["operation_result"] == .string("CANCELED"))
            #expect(cancelled.answer["correlation_id"] != nil)
            let settled = try await history(home, "s-timeout")
            #expect(settled.first?["result"] == .string("checked-cancelled"))
            #expect(cancelled.answer["resolves"] == settled.first?["attempt_id"])
            #expect(!(try await home.paydesk(["list", "sessions"]).stdout.contains("s-timeout")), "the store says cancelled")
            let again = try await home.paydesk(["cancel", "session", "s-timeout", "--yes"])
            #expect(again.status == 1 && again.stderr.contains("cancelled"))

            // The request was lost: the check finds it open, and a plain retry goes ahead, naming the attempt it retries.
            #expect(try await home.paydesk(["cancel", "session", "s-lost", "--yes"]).status == 3)
            #expect(try await home.paydesk(["cancel", "session", "s-lost", "--yes"]).status == 1, "in doubt: refused")
            let open = try await check(home, "session", "s-lost")
            #expect(open.status == 0 && open.answer["verdict"] == .string("open"))
            await sim.state.setFault(nil, for: "s-lost")
            let retried = try await home.paydesk(["cancel", "session", "s-lost", "--yes"])
            #expect(retried.status == 0, "\(retried.stderr)")
            let lost = try await history(home, "s-lost")
            #expect(lost.map { $0["result"] } == [.string("cancelled"), .string("checked-open")])
            #expect(lost[0]["retry_of"] == lost[1]["attempt_id"])

            // Paid at the gateway while the store says open: closed, and a cancel is refused with the gateway's state.
            let closed = try await check(home, "session", "s-paid")
            #expect(closed.status == 0 && closed.answer["verdict"] == .string("closed"))
            let refused = try await home.paydesk(["cancel", "session", "s-paid", "--yes"])
            #expect(refused.status == 1 && refused.stderr.contains("can no longer be cancelled") && refused.stderr.contains("AUTHORIZED"))
            #expect(await sim.state.requestCount(for: "s-paid") == 1, "only the check reached the gateway")

            // The check itself fails (exit 1), or the answer settles nothing (exit 3): recorded either way.
            await sim.state.setLookupFault(.serverError, for: "s-down")
            let down = try await check(home, "session", "s-down")
            #expect(down.status == 1 && down.answer["verdict"] == .string("unknown") && down.answer["check_failed"] == .bool(true))
            let gone = try await check(home, "session", "s-gone")
            #expect(gone.status == 3 && gone.answer["check_failed"] == .bool(false))
            #expect(gone.answer["description"]?.displayText.contains("not found") == true)
            // An id that holds a query's own characters reaches the gateway as one value.
            await sim.state.addSession("s&x=1+2", createdAt: now)
            #expect(try await check(home, "session", "s&x=1+2").answer["verdict"] == .string("open"))
            let checks = try AuditLog(directory: home.dir.file("data/TEST")).entries().entries.filter { $0.event == .check }
            #expect(checks.count == 6)
            #expect(try AuditLog(directory: home.dir.file("data/TEST")).verify().broken == nil)
        }
    }

    @Test func eachVerdictForPraxis() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim, totalTimeout: 2)
            home.seed(payouts: [1, 2, 3, 4, 5, 6])
            for trace: Int64 in [1, 2, 5, 6] { await sim.state.addPayout(trace) }
            await sim.state.addPayout(3, status: "approved")
            await sim.state.addPayout(4, status: "rejected")
            await sim.state.setFault(.timeout, for: "1")
            await sim.state.setFault(.lost, for: "2")

            #expect(try await home.paydesk(["cancel", "payout", "1", "--yes"]).status == 3)
            let cancelled = try await check(home, "payout", "1")
            #expect(cancelled.status == 0 && cancelled.answer["verdict"] == .string("cancelled"))
            #expect(cancelled.answer["signature_valid"] == .bool(true))
            #expect(cancelled.answer["gateway_state"]?["state"] == .string("cancelled"))
            #expect(try await history(home, "1").first?["result"] == .string("checked-cancelled"))
            #expect(try await home.paydesk(["history", "--result", "in-doubt"]).stdout.isEmpty)

            #expect(try await home.paydesk(["cancel", "payout", "2", "--yes"]).status == 3)
            let open = try await check(home, "payout", "2")
            #expect(open.status == 0 && open.answer["verdict"] == .string("open"))
            await sim.state.setFault(nil, for: "2")
            #expect(try await home.paydesk(["cancel", "payout", "2", "--yes"]).status == 0)

            for trace in ["3", "4"] {
                let closed = try await check(home, "payout", trace)
                #expect(closed.status == 0 && closed.answer["verdict"] == .string("closed"), "\(trace)")
                #expect(try await home.paydesk(["cancel", "payout", trace, "--yes", "--retry-unknown"]).status == 1)
            }

            await sim.state.setLookupFault(.badSignature, for: "5")
            let forged = try await check(home, "payout", "5")
            #expect(forged.status == 3 && forged.answer["signature_valid"] == .bool(false))
            await sim.state.setLookupFault(.timeout, for: "6")
            let silent = try await check(home, "payout", "6")
            #expect(silent.status == 1 && silent.answer["check_failed"] == .bool(true))
            #expect(await sim.state.payoutStatus(6) == "pending", "a check changes nothing at the gateway")
        }
    }

    @Test func everyPraxisSuccessIsConfirmed() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim, totalTimeout: 2)
            home.seed(payouts: [7, 8])
            await sim.state.addPayout(7)
            await sim.state.addPayout(8)
            let agreed = try await home.paydesk(["cancel", "payout", "7", "--yes", "--json"])
            #expect(agreed.status == 0)
            #expect(try JSONValue.parse(agreed.stdout)["description"]?.displayText.contains("confirmed by find-transaction") == true)
            #expect(await sim.state.cancelCount(for: "7") == 1)
            #expect(await sim.state.requestCount(for: "7") == 2, "the cancel, then the lookup")

            // A signed success that did not happen: the lookup contradicts it, so it is unknown with both answers.
            await sim.state.setFault(.phantom, for: "8")
            let contradicted = try await home.paydesk(["cancel", "payout", "8", "--yes", "--json"])
            #expect(contradicted.status == 3)
            let said = try JSONValue.parse(contradicted.stdout)["description"]?.displayText ?? ""
            #expect(said.contains("disagree") && said.contains("Transaction canceled successfully") && said.contains("pending"))
            #expect(try await home.paydesk(["list", "payouts"]).stdout.contains("8"), "not marked cancelled in the store")
            #expect(try await check(home, "payout", "8").answer["verdict"] == .string("open"))
        }
        // Off for a gateway without the lookup: the signed success stands on its own, and nothing else is asked.
        try await withSimulator { sim in
            let home = SimulatedHome(sim, totalTimeout: 2, profileLines: "praxis_confirm = false")
            home.seed(payouts: [9])
            await sim.state.addPayout(9)
            await sim.state.setFault(.phantom, for: "9")
            let stood = try await home.paydesk(["cancel", "payout", "9", "--yes"])
            #expect(stood.status == 0)
            #expect(await sim.state.requestCount(for: "9") == 1)
        }
    }

    @Test func aProcessKilledMidCallIsResolvedByACheck() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim, totalTimeout: 20)
            home.seed(payouts: [10])
            await sim.state.addPayout(10)
            await sim.state.setFault(.timeout, for: "10")   // cancels, then never answers
            let victim = try await home.cancelReachingTheGateway(10, sim)
            kill(victim.processIdentifier, SIGKILL)
            try await victim.exited()
            #expect(try await home.attempts().first?["result"] == .string("in-doubt"))

            let checked = try await home.paydesk(["check", "payout", "10"])
            #expect(checked.status == 0, "\(checked.stderr)")
            #expect(checked.stdout.contains("CANCELLED") && checked.stdout.contains("resolves attempt"))
            let table = try await home.paydesk(["history"])
            #expect(table.stdout.contains("checked-cancelled") && !table.stdout.contains("IN-DOUBT"))
            #expect(try await home.paydesk(["history", "--result", "in-doubt", "--json"]).stdout.isEmpty)
            let refused = try await home.paydesk(["cancel", "payout", "10", "--yes"])
            #expect(refused.status == 1 && refused.stderr.contains("cancelled"))
            #expect(await sim.state.cancelCount(for: "10") == 1, "nothing sent twice")
        }
    }

    @Test func theStateResponsesPersonalDataIsKeptNowhere() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim, totalTimeout: 2)
            home.seed(sessions: ["s-1", "s-2"])
            for id in ["s-1", "s-2"] { await sim.state.addSession(id, createdAt: .now) }
            await sim.state.setFault(.timeout, for: "s-2")
            var said: [String] = []
            for arguments in [["cancel", "session", "s-1", "--yes"], ["cancel", "session", "s-2", "--yes"], ["check", "session", "s-1"],
                              ["check", "session", "s-2", "--json"], ["history"], ["history", "--json"]] {
                let result = try await home.paydesk(arguments)
                said += [result.stdout, result.stderr]
            }
            #expect(said.joined().contains("CANCEL"), "the StateResponse was read")
            var files: [String] = []
            let walker = FileManager.default.enumerator(atPath: home.dir.path)
            while let name = walker?.nextObject() as? String {
                let path = home.dir.path + "/" + name
                if let data = FileManager.default.contents(atPath: path) { files.append(String(decoding: data, as: UTF8.self)) }
            }
            #expect(files.joined().contains("PAYMENT_COMPLETE"), "the home holds the kept fields")
            for text in GatewaySimulator.personalData + ["customerInfo", "cardHolder"] {
                #expect(!files.contains { $0.contains(text) }, "\(text) was written under the home")
                #expect(!said.contains { $0.contains(text) }, "\(text) was printed")
            }
        }
    }
}
}
