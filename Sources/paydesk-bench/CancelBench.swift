import ArgumentParser
import Foundation
import PaydeskCore

extension Bench {
    /// What a console's cancellation costs paydesk itself: the service asks the followers (as the console's
    /// dispatcher does) and calls a gateway that answers at once, so what is left is the lookups, the writes and
    /// their fsyncs, measured apart.
    struct CancelCost: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cancel-cost", abstract: "Time the console's cancellations on a large store, gateway aside.")
        @Option(help: "Payout lines to generate (ignored with --store).") var lines = 1_000_000
        @Option(help: "An existing payouts.jsonl to copy instead.") var store: String?
        @Option(help: "Cancellations timed.") var runs = 50

        func run() throws {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("paydesk-bench-cancel-\(getpid())").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let path = dir + "/payouts.jsonl"
            if let store { try FileManager.default.copyItem(atPath: store, toPath: path) } else { try StoreGenerator(seed: 42).writePayouts(lines: lines, to: path) }
            settleWrites()

            let lookups = FollowedLookups(sessions: StoreFollower(path: dir + "/sessions.jsonl"), payouts: StoreFollower(path: path),
                                          audit: AuditFollower(directory: dir))
            try lookups.payouts.catchUp()
            let pending = (lookups.payouts.takeChange()?.opened ?? []).map(\.key)
            try lookups.audit.catchUp()
            let service = CancellationService(profile: Profile(name: "BENCH", production: false, xpayURL: "http://127.0.0.1:1/x",
                                                               praxisURL: "http://127.0.0.1:1"),
                                              dataDirectory: dir, operatorName: "bench", lookups: lookups)
            var totals: [Double] = []
            for k in 0..<min(runs, pending.count) {
                // Spread over the file: old records and recent ones.
                let trace = pending[k * (pending.count - 1) / max(runs - 1, 1)]
                let start = now()
                let report = try blocking { try await service.cancel(PayoutKind.self, key: trace, reason: "bench", gateway: InstantGateway()) }
                totals.append(now() - start)
                guard report.outcome.result == .cancelled else { throw ValidationError("\(trace): \(report.outcome.description)") }
            }
            try lookups.audit.catchUp()
            if let trail = lookups.audit.takeChange(), trail.problemCount > 0 {
                throw ValidationError("the audit trail has \(trail.problemCount) bad line(s): \(trail.firstProblem.map { "\($0)" } ?? "")")
            }
            // The three synced writes of a cancellation (intent, outcome, the store's cancelled line), alone.
            var syncs: [Double] = []
            let probe = open(dir + "/fsync-probe", O_WRONLY | O_CREAT | O_APPEND, 0o600)
            for _ in 0..<runs {
                let start = now()
                _ = write(probe, "x\n", 2)
                fsync(probe)
                syncs.append(now() - start)
            }
            close(probe)
            let total = totals.sorted()[totals.count / 2], sync = syncs.sorted()[syncs.count / 2]
            print(String(format: "a cancellation through the followers, gateway answering at once: median %.2f ms over %d", total * 1000, totals.count))
            print(String(format: "one append + fsync on this disk: median %.2f ms (a cancellation makes three)", sync * 1000))
            print(String(format: "paydesk's own time per cancellation, beyond the gateway and the fsyncs: %.2f ms", max(0, total - 3 * sync) * 1000))
        }
    }
}

/// A gateway that cancels at once: only paydesk's own work is timed.
private struct InstantGateway: CancelGateway {
    let name = "praxis"
    func cancel(target: String, orderId: String?) async -> AttemptOutcome {
        AttemptOutcome(result: .cancelled, httpStatus: 200, gatewayStatus: "0", description: "cancelled (bench)")
    }
}
