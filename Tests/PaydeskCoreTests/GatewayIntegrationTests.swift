import Foundation
import Testing
@testable import GatewaySimulator
@testable import Gateways
@testable import PaydeskCore

/// The real clients against the simulator over real HTTP on 127.0.0.1: every outcome, every fault.
extension PaydeskTests {
@Suite struct GatewayIntegrationTests {
    @Test func xpayCancelsAnOpenSessionOnceAndRefusesTheRest() async throws {
        try await withSimulator { sim in
            await sim.state.addSession("open-1", createdAt: .now)
            await sim.state.addSession("old-1", createdAt: Timestamp.now + -400)
            await sim.state.addSession("paid-1", createdAt: .now, state: "paid")
            let client = sim.xpayClient()

            let first = await client.cancel(target: "open-1")
            #expect(first.result == .cancelled)
            #expect(first.httpStatus == 200)
            #expect(first.correlationId.map(SimulatorHandlers.isUUIDv4) == true)
            #expect(await sim.state.session("open-1")?.state == "cancelled")

            let second = await client.cancel(target: "open-1")
            #expect(second.result == .rejected)
            #expect(second.errorCode == "PS0028")
            #expect(second.correlationId != first.correlationId, "a fresh Correlation-Id each call")

            let unknown = await client.cancel(target: "nobody")
            #expect(unknown.result == .rejected)
            #expect(unknown.httpStatus == 400)
            #expect(unknown.description.contains("not found"))
            #expect(await client.cancel(target: "old-1").errorCode == "PS0027")
            #expect(await client.cancel(target: "paid-1").errorCode == "PS0029")
        }
    }

    @Test func xpayWithAWrongKeyFails() async throws {
        try await withSimulator { sim in
            await sim.state.addSession("s", createdAt: .now)
            let outcome = await sim.xpayClient(key: "wrong").cancel(target: "s")
            #expect(outcome.result == .failed)
            #expect(outcome.httpStatus == 401)
            #expect(await sim.state.session("s")?.state == "open")
        }
    }

    @Test func praxisCancelsAPendingPayoutWithASignedAnswer() async throws {
        try await withSimulator { sim in
            await sim.state.addPayout(752856)
            await sim.state.addPayout(752857, status: "approved")
            let client = sim.praxisClient()
            let ok = await client.cancel(target: "752856")
            #expect(ok.result == .cancelled)
            #expect(ok.signatureValid == true)
            #expect(ok.gatewayStatus == "0")
            #expect(ok.description == "Transaction canceled successfully: order_id=752856; confirmed by find-transaction (cancelled, payout)")
            #expect(await sim.state.payoutStatus(752856) == "cancelled")

            let again = await client.cancel(target: "752856")
            #expect(again.result == .rejected)
            #expect(again.gatewayStatus == "2")
            let notFound = await client.cancel(target: "999")
            #expect(notFound.result == .rejected)
            #expect(notFound.description == "Transaction not found: order_id=999")
            #expect(await client.cancel(target: "752857").result == .rejected)
        }
    }

    @Test func praxisChecksTheSignatureTheCredentialsAndTheTimestamp() async throws {
        try await withSimulator { sim in
            await sim.state.addPayout(1)
            let wrongSecret = await sim.praxisClient(secret: "not-it").cancel(target: "1")
            // The simulator signs its refusal with the real secret, so a client with the wrong one cannot verify it.
            #expect(wrongSecret.result == .unknown)
            #expect(await sim.state.payoutStatus(1) == "pending")

            let stale = await sim.praxisClient(clock: { Int64(Date().timeIntervalSince1970) - 120 }).cancel(target: "1")
            #expect(stale.result == .rejected)
            #expect(stale.gatewayStatus == "12")
            #expect(stale.description.contains("1 minute"))
            #expect(await sim.state.payoutStatus(1) == "pending")
        }
    }

    @Test func nothingListeningIsAPlainFailure() async throws {
        // Take a free port, then close it: nothing listens there.
        let sim = try await GatewaySimulator.start(credentials: TestCredentials.simulator)
        let client = sim.xpayClient()
        let praxis = sim.praxisClient()
        await sim.stop()
        let x = await client.cancel(target: "s")
        #expect(x.result == .failed, "\(x.description)")
        #expect(x.description.contains("refused"))
        #expect(await praxis.cancel(target: "1").result == .failed)
    }

    @Test(arguments: [
        (SimulatorFault.serverError, AttemptResult.failed, false),
        (.internalError, .failed, false),
        (.unauthorized, .failed, false),
        (.timeout, .unknown, true),
        (.drop, .unknown, true),
        (.malformed, .unknown, true),
        (.badSignature, .cancelled, true),   // XPay has no signature: the fault does not apply
        (.noSignature, .cancelled, true),
    ])
    func xpayFaults(_ fault: SimulatorFault, _ expected: AttemptResult, _ happened: Bool) async throws {
        try await withSimulator { sim in
            await sim.state.addSession("s", createdAt: .now)
            await sim.state.setFault(fault, for: "s")
            let outcome = await sim.xpayClient(timeouts: Timeouts(connect: 2, total: 2.5)).cancel(target: "s")
            #expect(outcome.result == expected, "\(fault): \(outcome.description) after \(outcome.latencyMs) ms")
            #expect(await sim.state.session("s")?.state == (happened ? "cancelled" : "open"))
            if expected == .unknown { #expect(outcome.description.contains("may have been cancelled")) }
        }
    }

    @Test(arguments: [
        (SimulatorFault.serverError, AttemptResult.failed, false),
        (.internalError, .failed, false),    // a signed negative status
        (.unauthorized, .failed, false),
        (.timeout, .unknown, true),
        (.drop, .unknown, true),
        (.malformed, .unknown, true),
        (.badSignature, .unknown, true),
        (.noSignature, .unknown, true),
    ])
    func praxisFaults(_ fault: SimulatorFault, _ expected: AttemptResult, _ happened: Bool) async throws {
        try await withSimulator { sim in
            await sim.state.addPayout(42)
            await sim.state.setFault(fault, for: "42")
            let outcome = await sim.praxisClient(timeouts: Timeouts(connect: 2, total: 2.5)).cancel(target: "42")
            #expect(outcome.result == expected, "\(fault): \(outcome.description) after \(outcome.latencyMs) ms")
            #expect(await sim.state.payoutStatus(42) == (happened ? "cancelled" : "pending"))
            if fault == .badSignature || fault == .noSignature { #expect(outcome.signatureValid == false) }
            if fault == .internalError {
                #expect(outcome.gatewayStatus == "-1")
                #expect(outcome.signatureValid == true)
            }
        }
    }

    @Test func latencyIsMeasured() async throws {
        try await withSimulator { sim in
            await sim.state.addPayout(5)
            await sim.state.setLatency(300, for: "5")
            let outcome = await sim.praxisClient().cancel(target: "5")
            #expect(outcome.result == .cancelled)
            #expect(outcome.latencyMs >= 300)
        }
    }

    @Test func faultsAtARateHitSomeCallsAndNotOthers() async throws {
        try await withSimulator { sim in
            for id in 1...40 { await sim.state.addPayout(Int64(id)) }
            await sim.state.setFaultRate(.serverError, 0.5)
            let client = sim.praxisClient()
            var results: [AttemptResult] = []
            for id in 1...40 { results.append(await client.cancel(target: String(id)).result) }
            #expect(results.contains(.failed))
            #expect(results.contains(.cancelled))
            // Each success is confirmed with find-transaction: one more request each.
            #expect(await sim.state.totalRequests == 40 + results.filter { $0 == .cancelled }.count)
        }
    }

    @Test func theSimulatorReadsTheProfilesStoreAndSeesNewRecords() async throws {
        let dir = TemporaryDirectory()
        try await withSimulator(dataDirectory: dir.path) { sim in
            dir.write("payouts.jsonl", payoutLine(10) + "\n" + payoutLine(11, status: "approved") + "\n")
            let client = sim.praxisClient()
            #expect(await client.cancel(target: "10").result == .cancelled)
            #expect(await client.cancel(target: "11").result == .rejected)
            try StoreAppender.append([Array(payoutLine(12).utf8)], to: dir.file("payouts.jsonl"))
            #expect(await client.cancel(target: "12").result == .cancelled)
            #expect(await client.cancel(target: "10").result == .rejected, "its own cancellation wins over the store's older line")
        }
    }
}
}
