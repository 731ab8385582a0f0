import Foundation
import Testing
@testable import GatewaySimulator
@testable import PaydeskCore

/// One shape per thing: an attempt reads the same from `cancel --json` and `history --json`, and a check the same
/// from `check --json` and history's `resolved_by`. The real binary against the simulator.
extension PaydeskTests {
@Suite struct JSONShapeTests {
    /// Each member's name and kind of value: the shape a script relies on.
    private func shape(_ value: JSONValue?) -> [String: String] {
        guard case .object(let members)? = value else { return [:] }
        var kinds: [String: String] = [:]
        for (name, member) in members {
            kinds[name] = switch member {
            case .string: "string"
            case .number: "number"
            case .bool: "bool"
            case .null: "null"
            case .array: "array"
            case .object: "object"
            }
        }
        return kinds
    }

    private func without(_ value: JSONValue?, _ names: Set<String>) -> JSONValue? {
        guard case .object(let members)? = value else { return nil }
        return .object(members.filter { !names.contains($0.0) })
    }

    @Test func anAttemptAndItsCheckHaveOneShapeEverywhere() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim, totalTimeout: 2)
            home.seed(payouts: [41], sessions: ["s-timeout"])
            await sim.state.addSession("s-timeout", createdAt: .now)
            await sim.state.addPayout(41)
            await sim.state.setFault(.timeout, for: "s-timeout")

            // An answer that proved nothing, then the check that settles it.
            let cancel = try await home.paydesk(["cancel", "session", "s-timeout", "--yes", "--json", "--reason", "customer asked"])
            #expect(cancel.status == 3, "\(cancel.stderr)")
            let cancelled = try JSONValue.parse(cancel.stdout)
            let check = try await home.paydesk(["check", "session", "s-timeout", "--json"])
            #expect(check.status == 0, "\(check.stderr)")
            let checked = try JSONValue.parse(check.stdout)
            // A plain success, for the numbers a gateway's answer carries.
            let paid = try await home.paydesk(["cancel", "payout", "41", "--yes", "--json"])
            #expect(paid.status == 0, "\(paid.stderr)")
            let payout = try JSONValue.parse(paid.stdout)

            let history = try await home.attempts()
            let settled = history.first { $0["attempt_id"] == cancelled["attempt_id"] }
            let historyPayout = history.first { $0["attempt_id"] == payout["attempt_id"] }
            #expect(settled != nil && historyPayout != nil)

            // The attempt: the same members, of the same kinds, and the same values but where it stands now.
            #expect(shape(cancelled) == shape(without(settled, ["resolved_by"])))
            #expect(without(cancelled, ["result", "needs_checking"]) == without(settled, ["result", "needs_checking", "resolved_by"]))
            #expect(cancelled["result"] == .string("unknown") && settled?["result"] == .string("checked-cancelled"))
            #expect(shape(payout) == shape(historyPayout) && payout == historyPayout)
            // The check: the same from both.
            #expect(without(checked, ["check_failed", "store_marked_cancelled"]) == settled?["resolved_by"])
            #expect(checked["check_failed"] == .bool(false) && checked["store_marked_cancelled"] == .bool(true))

            // The gateway and the bare id apart; who and when; numbers as numbers; nothing null.
            for (value, gateway, target) in [(cancelled, "xpay", "s-timeout"), (checked, "xpay", "s-timeout"), (payout, "praxis", "41")] {
                #expect(value["gateway"] == .string(gateway) && value["target"] == .string(target))
                #expect(shape(value)["at"] == "string" && shape(value)["operator"] == "string" && shape(value)["latency_ms"] == "number")
                #expect(!shape(value).values.contains("null"), "absent values are left out, never null")
            }
            #expect(shape(payout)["http_status"] == "number" && shape(payout)["signature_valid"] == "bool")
            #expect(shape(cancelled)["reason"] == "string" && shape(checked)["resolves"] == "string")
            // What it was worth, as its line said: minor units as a number, the currency beside it.
            #expect(payout["amount"] == .number("1250") && payout["currency"] == .string("EUR"))
            #expect(cancelled["amount"] == .number("990") && checked["amount"] == nil, "a check carries no amount")
            let table = try await home.paydesk(["history"])
            #expect(table.stdout.contains("AMOUNT") && table.stdout.contains("12.50 EUR") && table.stdout.contains("9.90 EUR"), "\(table.stdout)")
        }
    }
}
}
