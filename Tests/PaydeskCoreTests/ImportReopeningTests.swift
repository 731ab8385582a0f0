import Foundation
import Testing
@testable import GatewaySimulator
@testable import PaydeskCore

/// An import that would make a record paydesk cancelled pending again says so, naming it, and needs --force.
/// The real binary, after a real cancellation through the simulator.
extension PaydeskTests {
@Suite struct ImportReopeningTests {
    @Test func anImportDoesNotQuietlyUndoACancellation() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim)
            home.seed(payouts: [51, 52])
            await sim.state.addPayout(51)
            let cancel = try await home.paydesk(["cancel", "payout", "51", "--yes"])
            #expect(cancel.status == 0, "\(cancel.stderr)")
            let store = home.dir.file("data/TEST/payouts.jsonl")
            let before = try String(contentsOfFile: store, encoding: .utf8)

            // Yesterday's export: both still pending.
            let file = home.dir.write("export.jsonl", payoutLine(51) + "\n" + payoutLine(52) + "\n" + payoutLine(53) + "\n")
            let refused = try await home.paydesk(["import", "payouts", file])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("1 payout paydesk cancelled (51)") && refused.stderr.contains("--force"), "\(refused.stderr)")
            #expect(!refused.stderr.contains("52"), "only the cancelled one is named")
            #expect(try String(contentsOfFile: store, encoding: .utf8) == before, "nothing was imported")

            // A line that keeps it cancelled, or only touches the others, goes in.
            let fine = home.dir.write("fine.jsonl", payoutLine(51, status: "cancelled") + "\n" + payoutLine(52) + "\n")
            #expect(try await home.paydesk(["import", "payouts", fine]).status == 0)

            let forced = try await home.paydesk(["import", "payouts", file, "--force", "--json"])
            #expect(forced.status == 0, "\(forced.stderr)")
            #expect(forced.stderr.contains("WARNING: --force: 1 payout paydesk cancelled (51) is pending again"))
            #expect(try JSONValue.parse(forced.stdout)["reopened_cancelled"] == .array([.string("51")]))
            #expect(try await home.paydesk(["list", "payouts"]).stdout.contains("51"), "as asked: pending again")
        }
    }

    @Test func theStoresOwnMarkIsEnoughWithoutATrail() async throws {
        let home = TemporaryDirectory("paydesk-home")
        home.write("data/TEST/sessions.jsonl", sessionLine("s-1", createdSecondsAgo: 30, now: .now,
            state: "cancelled", extra: #","cancelled_by":"m.rossi","cancel_attempt_id":"a-1""#) + "\n"
            + sessionLine("s-2", createdSecondsAgo: 30, now: .now, state: "cancelled") + "\n")
        let file = home.write("again.jsonl", sessionLine("s-1", createdSecondsAgo: 20, now: .now) + "\n"
            + sessionLine("s-2", createdSecondsAgo: 20, now: .now) + "\n")
        let refused = try await runPaydesk(["import", "sessions", file, "--home", home.path])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("1 session paydesk cancelled (s-1)"), "s-2 was cancelled by someone else: \(refused.stderr)")
    }
}
}
