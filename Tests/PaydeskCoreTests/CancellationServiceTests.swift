import Foundation
import Testing
@testable import GatewaySimulator
@testable import Gateways
@testable import PaydeskCore

/// The service with the real clients and the simulator: refusals, write-ahead, store updates.
extension PaydeskTests {
@Suite struct CancellationServiceTests {
    let dir = TemporaryDirectory()

    private func service(readOnly: Bool = false) -> CancellationService {
        CancellationService(profile: Profile(name: "TEST", production: false, readOnly: readOnly, xpayURL: "x", praxisURL: "x"),
                            dataDirectory: dir.path, operatorName: "m.rossi")
    }

    private func seed() {
        let now = Timestamp.now
        dir.write("payouts.jsonl", [payoutLine(1), payoutLine(2, status: "approved"), payoutLine(3, extra: #","note":"VIP""#)].joined(separator: "\n") + "\n")
        dir.write("sessions.jsonl", [sessionLine("open", createdSecondsAgo: 10, now: now), sessionLine("old", createdSecondsAgo: 600, now: now),
                                     sessionLine("gone", createdSecondsAgo: 10, now: now, state: "cancelled")].joined(separator: "\n") + "\n")
    }

    @Test func writesIntentThenOutcomeAndMarksTheStore() async throws {
        seed()
        try await withSimulator(dataDirectory: dir.path) { sim in
            let report = try await service().cancel(PayoutKind.self, key: 3, reason: "customer called", gateway: sim.praxisClient())
            #expect(report.outcome.result == .cancelled)
            let entries = try AuditLog(directory: dir.path).entries().entries
            #expect(entries.map(\.event) == [.intent, .outcome])
            #expect(entries.allSatisfy { $0.attemptId == report.attemptId && $0.target == "3" && $0.gateway == "praxis" })
            #expect(entries[0].reason == "customer called")
            #expect(entries[1].outcome?.description == "Transaction canceled successfully: order_id=3; confirmed by find-transaction (cancelled, payout)")
            #expect(entries[1].outcome?.gatewayState?.state == "cancelled")
            let store = try StoreSnapshot<PayoutKind>.load(path: dir.file("payouts.jsonl"))
            let fields = store.recordFields(of: try #require(store.record(for: 3)))
            #expect(fields["status"] == .string("cancelled"))
            #expect(fields["note"] == .string("VIP"), "the rest of the record is kept")
            #expect(fields["cancelled_by"] == .string("m.rossi"))
            #expect(try AuditLog(directory: dir.path).verify().broken == nil)
        }
    }

    @Test func aRejectionIsRecordedButTheStoreIsLeftAlone() async throws {
        seed()
        try await withSimulator { sim in   // the simulator does not know payout 1
            let report = try await service().cancel(PayoutKind.self, key: 1, reason: nil, gateway: sim.praxisClient())
            #expect(report.outcome.result == .rejected)
            let store = try StoreSnapshot<PayoutKind>.load(path: dir.file("payouts.jsonl"))
            #expect(store.lineCount == 3)
        }
    }

    @Test(arguments: [
        (Int64(99), "is not in the store"),
        (2, "is approved, not pending"),
    ])
    func refusesPayoutsItMustNotTouch(_ key: Int64, _ expected: String) async throws {
        seed()
        try await withSimulator(dataDirectory: dir.path) { sim in
            let error = await #expect(throws: PaydeskError.self) {
                try await service().cancel(PayoutKind.self, key: key, reason: nil, gateway: sim.praxisClient())
            }
            #expect(error?.description.contains(expected) == true, "\(String(describing: error))")
            #expect(error?.description.contains("nothing was sent") == true)
            #expect(await sim.state.totalRequests == 0)
            #expect(!FileManager.default.fileExists(atPath: dir.file("audit.jsonl")))
        }
    }

    @Test(arguments: [("old", "is expired"), ("gone", "is cancelled"), ("nobody", "not in the store")])
    func refusesSessionsItMustNotTouch(_ id: String, _ expected: String) async throws {
        seed()
        try await withSimulator(dataDirectory: dir.path) { sim in
            let error = await #expect(throws: PaydeskError.self) {
                try await service().cancel(SessionKind.self, key: SessionID(id), reason: nil, gateway: sim.xpayClient())
            }
            #expect(error?.description.contains(expected) == true, "\(String(describing: error))")
            #expect(await sim.state.totalRequests == 0)
        }
    }

    @Test func aReadOnlyProfileSendsNothing() async throws {
        seed()
        try await withSimulator(dataDirectory: dir.path) { sim in
            await #expect(throws: PaydeskError.self) {
                try await service(readOnly: true).cancel(PayoutKind.self, key: 1, reason: nil, gateway: sim.praxisClient())
            }
            #expect(await sim.state.totalRequests == 0)
        }
    }

    @Test func anUnknownOutcomeBlocksASilentRetry() async throws {
        seed()
        try await withSimulator(dataDirectory: dir.path) { sim in
            await sim.state.setFault(.drop, for: "1")
            let first = try await service().cancel(PayoutKind.self, key: 1, reason: nil, gateway: sim.praxisClient())
            #expect(first.outcome.result == .unknown)
            // The gateway did cancel it; the store does not know. A retry must not go out unasked.
            let error = await #expect(throws: PaydeskError.self) {
                try await service().cancel(PayoutKind.self, key: 1, reason: nil, gateway: sim.praxisClient())
            }
            #expect(error?.description.contains("--retry-unknown") == true)
            #expect(await sim.state.requestCount(for: "1") == 1)

            await sim.state.setFault(nil, for: "1")
            let checked = try await service().cancel(PayoutKind.self, key: 1, reason: "checked: went through?", retryUnknown: true,
                                                     gateway: sim.praxisClient())
            #expect(checked.outcome.result == .rejected, "the simulator says it is already cancelled")
            let intents = try AuditLog(directory: dir.path).entries().entries.filter { $0.event == .intent }
            #expect(intents.last?.retryOf == first.attemptId)
        }
    }

    @Test func anInDoubtAttemptBlocksASilentRetry() async throws {
        seed()
        // A process wrote its intent and died: no outcome, no lock.
        try AuditLog(directory: dir.path).append(AuditEntry(at: .now, operatorName: "x", profile: "TEST", gateway: "praxis",
                                                            target: "1", event: .intent, attemptId: "dead"))
        try await withSimulator(dataDirectory: dir.path) { sim in
            let error = await #expect(throws: PaydeskError.self) {
                try await service().cancel(PayoutKind.self, key: 1, reason: nil, gateway: sim.praxisClient())
            }
            #expect(error?.description.contains("IN-DOUBT") == true)
            #expect(await sim.state.totalRequests == 0)
            let report = try await service().cancel(PayoutKind.self, key: 1, reason: nil, retryUnknown: true, gateway: sim.praxisClient())
            #expect(report.outcome.result == .cancelled)
        }
    }

    @Test func anAlreadyCancelledTargetIsRefusedEvenIfTheStoreMissedIt() async throws {
        seed()
        let log = AuditLog(directory: dir.path)
        try log.append(AuditEntry(at: .now, operatorName: "a", profile: "TEST", gateway: "praxis", target: "1", event: .intent, attemptId: "ok"))
        try log.append(AuditEntry(at: .now, operatorName: "a", profile: "TEST", gateway: "praxis", target: "1", event: .outcome,
                                  attemptId: "ok", outcome: AttemptOutcome(result: .cancelled, description: "done")))
        try await withSimulator(dataDirectory: dir.path) { sim in
            let error = await #expect(throws: PaydeskError.self) {
                try await service().cancel(PayoutKind.self, key: 1, reason: nil, gateway: sim.praxisClient())
            }
            #expect(error?.description.contains("already cancelled") == true)
            #expect(await sim.state.totalRequests == 0)
        }
    }

    @Test(arguments: ["directory", "full"])
    func anUnwritableAuditTrailSendsNothing(_ how: String) async throws {
        seed()
        if how == "directory" {
            try FileManager.default.createDirectory(atPath: dir.file("audit.jsonl"), withIntermediateDirectories: true)
        } else {
            try FileManager.default.createSymbolicLink(atPath: dir.file("audit.jsonl"), withDestinationPath: "/dev/full")
        }
        try await withSimulator(dataDirectory: dir.path) { sim in
            let error = await #expect(throws: PaydeskError.self) {
                try await service().cancel(PayoutKind.self, key: 1, reason: nil, gateway: sim.praxisClient())
            }
            #expect(error?.description.contains("audit") == true, "\(String(describing: error))")
            #expect(error?.description.contains("nothing was sent") == true, "\(String(describing: error))")
            #expect(await sim.state.totalRequests == 0)
            #expect(await sim.state.payoutStatus(1) == "pending")
        }
    }

    @Test func aHeldAttemptLockRefusesASecondCaller() async throws {
        seed()
        let held = try #require(try AttemptLock.take(directory: dir.path, gateway: "praxis", target: "1"))
        try await withSimulator(dataDirectory: dir.path) { sim in
            let error = await #expect(throws: PaydeskError.self) {
                try await service().cancel(PayoutKind.self, key: 1, reason: nil, gateway: sim.praxisClient())
            }
            #expect(error?.description.contains("another paydesk is cancelling") == true)
            #expect(await sim.state.totalRequests == 0)
        }
        withExtendedLifetime(held) {}
    }

    @Test func aCallInterruptedBeforeItStartsSendsAndRecordsNothing() async throws {
        seed()
        try await withSimulator(dataDirectory: dir.path) { sim in
            let client = sim.praxisClient()
            let service = service()
            let call = Task {
                while !Task.isCancelled { await Task.yield() }
                return try await service.cancel(PayoutKind.self, key: 1, reason: nil, gateway: client)
            }
            call.cancel()
            let error = await #expect(throws: PaydeskError.self) { try await call.value }
            #expect(error?.description.contains("interrupted: nothing was sent") == true)
            #expect(await sim.state.totalRequests == 0)
            #expect(!FileManager.default.fileExists(atPath: dir.file("audit.jsonl")))
        }
    }

    @Test func twoCallsOnOneTargetInOneProcessGoOutOnce() async throws {
        seed()
        try await withSimulator(dataDirectory: dir.path) { sim in
            await sim.state.setLatency(400, for: "1")
            async let a = try? service().cancel(PayoutKind.self, key: 1, reason: nil, gateway: sim.praxisClient())
            async let b = try? service().cancel(PayoutKind.self, key: 1, reason: nil, gateway: sim.praxisClient())
            let results = await [a, b].compactMap { $0?.outcome.result }
            #expect(results == [.cancelled])
            #expect(await sim.state.cancelCount(for: "1") == 1)
        }
    }
}
}
