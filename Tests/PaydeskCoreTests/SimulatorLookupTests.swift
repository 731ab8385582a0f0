import Foundation
import Testing
@testable import GatewaySimulator
@testable import Gateways
@testable import PaydeskCore

/// The simulator's state lookups (XPay `build/state`, Praxis `find-transaction`) over real HTTP: each answer,
/// the checks they share with the cancels, their own faults, and the `lost` and `phantom` cancels that only a
/// lookup can unmask.
extension PaydeskTests {
@Suite struct SimulatorLookupTests {
    // MARK: XPay build/state

    @Test func xpayStateSaysWhereEachSessionStands() async throws {
        let now = try #require(Timestamp.parseRFC3339("2026-11-30T14:03:22Z"))
        try await withSimulator(clockStoppedAt: now) { sim in
            await sim.state.addSession("open-1", createdAt: now + -60)
            await sim.state.addSession("paid-1", createdAt: now + -60, state: "paid")
            await sim.state.addSession("expired-1", createdAt: now + -60, state: "expired")
            await sim.state.addSession("old-1", createdAt: now + -301)
            let calls = RawCalls(sim)

            let open = try await calls.xpayState("open-1").get()
            #expect(open.status == 200)
            #expect(open.text == #"{"state":"PAYMENT_METHOD_SELECTION"}"#)

            let paid = try await calls.xpayState("paid-1").get()
            #expect(paid.status == 200)
            let operationId = try #require(try JSONValue.parse(paid.body)["operation"]?["operationId"]?.displayText)
            #expect(!operationId.isEmpty && operationId.allSatisfy(\.isASCII) && operationId.allSatisfy(\.isNumber))
            #expect(paid.text == Self.completed("paid-1", operationId: operationId, "AUTHORIZATION", "AUTHORIZED", at: "2026-11-30 14:03:22.0"))
            let again = try await calls.xpayState("paid-1").get()
            #expect(try JSONValue.parse(again.body)["operation"]?["operationId"]?.displayText == operationId, "stable")
            let other = try await calls.xpayState("paid-2").get()
            #expect(other.status == 400, "paid-2 is not known")

            for expired in ["expired-1", "old-1"] {
                let answer = try await calls.xpayState(expired).get()
                #expect(answer.status == 400, "\(expired)")
                #expect(answer.text == #"{"errors":[{"code":"PS0027","description":"session ID has expired"}]}"#, "\(expired)")
            }
            let unknown = try await calls.xpayState("nobody").get()
            #expect(unknown.status == 400)
            #expect(unknown.text == #"{"errors":[{"code":"PS0026","description":"session ID not found"}]}"#)

            // Looked up, counted, never changed.
            #expect(await sim.state.session("open-1")?.state == "open")
            #expect(await sim.state.session("paid-1")?.state == "paid")
            #expect(await sim.state.session("old-1")?.state == "open")
            #expect(await sim.state.requestCount(for: "open-1") == 1)
            #expect(await sim.state.requestCount(for: "paid-1") == 2)
            #expect(await sim.state.requestCount(for: "nobody") == 1)
        }
        #expect(SimulatedStateResponse.operationTime(try #require(Timestamp.parseRFC3339("2026-01-02T03:04:05.987Z"))) == "2026-01-02 03:04:05.9")
        #expect(SimulatedStateResponse.operationId(of: "a") != SimulatedStateResponse.operationId(of: "b"))
    }

    @Test func xpayCancelAnswersAStateResponseThatTheLookupRepeats() async throws {
        try await withSimulator { sim in
            await sim.state.addSession("s-1", createdAt: .now)
            await sim.state.addSession("s-2", createdAt: .now)
            let calls = RawCalls(sim)

            let cancel = try await calls.xpayCancel("s-1").get()
            #expect(cancel.status == 200)
            let cancelled = try JSONValue.parse(cancel.body)
            #expect(cancelled["state"] == .string("PAYMENT_COMPLETE"))
            #expect(cancelled["operation"]?["orderId"] == .string("ORD-s-1"))
            #expect(cancelled["operation"]?["operationType"] == .string("CANCEL"))
            #expect(cancelled["operation"]?["operationResult"] == .string("CANCELED"))
            for personal in GatewaySimulator.personalData { #expect(cancel.text.contains(personal), "\(personal)") }
            #expect(await sim.state.session("s-1")?.state == "cancelled")

            let state = try await calls.xpayState("s-1").get()
            #expect(state.status == 200)
            let looked = try JSONValue.parse(state.body)
            #expect(looked["state"] == .string("PAYMENT_COMPLETE"))
            #expect(looked["operation"]?["operationType"] == .string("CANCEL"))
            #expect(looked["operation"]?["operationResult"] == .string("CANCELED"))
            #expect(looked["operation"]?["operationId"] == cancelled["operation"]?["operationId"])
            #expect(await sim.state.requestCount(for: "s-1") == 2)

            // paydesk's own client still reads the new 200 as a cancellation.
            #expect(await sim.xpayClient().cancel(target: "s-2").result == .cancelled)
            #expect(await sim.state.session("s-2")?.state == "cancelled")
        }
    }

    @Test func xpayStateRefusesWhatCancelRefuses() async throws {
        try await withSimulator { sim in
            await sim.state.addSession("s", createdAt: .now)
            let calls = RawCalls(sim)

            let wrongKey = try await calls.xpayState("s", key: "wrong").get()
            #expect(wrongKey.status == 401)
            #expect(wrongKey.body.isEmpty)
            for correlation in ["not-a-uuid", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"] {   // the second is version 1
                let answer = try await calls.xpayState("s", correlationId: correlation).get()
                #expect(answer.status == 400, "\(correlation)")
                #expect(answer.xpayErrorCode == "PS0001", "\(correlation)")
            }
            for missing in [nil, ""] as [String?] {
                let answer = try await calls.xpayState(missing).get()
                #expect(answer.status == 400)
                #expect(answer.xpayErrorCode == "PS0002")
            }
            #expect(await sim.state.requestCount(for: "s") == 0, "refused before the session was read")
            #expect(await sim.state.totalRequests == 5)
            #expect(await sim.state.session("s")?.state == "open")
        }
    }

    // MARK: Praxis find-transaction

    @Test func praxisFindTransactionSaysWhereEachPayoutStands() async throws {
        try await withSimulator { sim in
            await sim.state.addPayout(751001)
            await sim.state.addPayout(751002, status: "approved")
            await sim.state.addPayout(751003, status: "rejected")
            let calls = RawCalls(sim)

            for (traceId, status) in [(751001, "pending"), (751002, "approved"), (751003, "declined")] as [(Int64, String)] {
                let fields = try await calls.findTransaction(traceId).signedFields()
                #expect(fields.map(\.0) == ["status", "description", "transaction_type", "transaction_status", "transaction_id",
                                            "trace_id", "version", "signature"], "\(traceId)")
                let answer = JSONValue.object(fields)
                #expect(answer["status"] == .number("0"))
                #expect(answer["description"] == .string("Transaction found: trace_id=\(traceId)"))
                #expect(answer["transaction_type"] == .string("payout"))
                #expect(answer["transaction_status"] == .string(status), "\(traceId)")
                #expect(answer["transaction_id"] == .number(String(80_000_000 + traceId)))
                #expect(answer["trace_id"] == .number(String(traceId)))
                #expect(answer["version"] == .string("1.2"))
            }

            let unknown = try await calls.findTransaction(751999).signedFields()
            #expect(unknown.map(\.0) == ["status", "description", "version", "signature"])
            #expect(JSONValue.object(unknown)["status"] == .number("1"))
            #expect(JSONValue.object(unknown)["description"] == .string("Transaction not found: trace_id=751999"))

            // Looked up, counted, never changed.
            #expect(await sim.state.payoutStatus(751001) == "pending")
            #expect(await sim.state.payoutStatus(751002) == "approved")
            #expect(await sim.state.payoutStatus(751003) == "rejected")
            #expect(await sim.state.payoutStatus(751999) == nil)
            for traceId in [751001, 751002, 751003, 751999] { #expect(await sim.state.requestCount(for: String(traceId)) == 1) }
        }
    }

    @Test func praxisFindTransactionSeesARealCancel() async throws {
        try await withSimulator { sim in
            await sim.state.addPayout(752001)
            let calls = RawCalls(sim)
            let cancel = try await calls.payoutCancel(752001).signedFields()
            #expect(JSONValue.object(cancel)["status"] == .number("0"))
            #expect(await sim.state.payoutStatus(752001) == "cancelled")

            let found = JSONValue.object(try await calls.findTransaction(752001).signedFields())
            #expect(found["status"] == .number("0"))
            #expect(found["transaction_status"] == .string("cancelled"))
            #expect(await sim.state.requestCount(for: "752001") == 2)
        }
    }

    @Test func praxisFindTransactionRefusesWhatCancelRefuses() async throws {
        try await withSimulator { sim in
            await sim.state.addPayout(753001)
            let calls = RawCalls(sim)

            let forged = JSONValue.object(try await calls.findTransaction(753001, secret: "not-the-secret").signedFields())
            #expect(forged["status"] == .number("11"))
            #expect(forged["description"] == .string("Invalid signature"))

            let old = Int64(Date().timeIntervalSince1970) - 120
            let expired = JSONValue.object(try await calls.findTransaction(753001, timestamp: old).signedFields())
            #expect(expired["status"] == .number("12"))
            #expect(expired["description"]?.displayText.hasPrefix("Request expired") == true)

            #expect(await sim.state.requestCount(for: "753001") == 0, "refused before the payout was read")
            #expect(await sim.state.payoutStatus(753001) == "pending")
        }
    }

    // MARK: Lookup faults

    @Test func lookupsFollowTheirOwnFaults() async throws {
        try await withSimulator { sim in
            for traceId in 754001...754006 { await sim.state.addPayout(Int64(traceId)) }
            await sim.state.addSession("s-500", createdAt: .now)
            await sim.state.addSession("s-badsig", createdAt: .now)
            await sim.state.setLookupFault(.timeout, for: "754001")
            await sim.state.setLookupFault(.serverError, for: "754002")
            await sim.state.setLookupFault(.badSignature, for: "754003")
            await sim.state.setLookupFault(.noSignature, for: "754004")
            await sim.state.setLookupFault(.internalError, for: "754005")
            await sim.state.setLookupFault(.malformed, for: "754006")
            await sim.state.setLookupFault(.serverError, for: "s-500")
            await sim.state.setLookupFault(.badSignature, for: "s-badsig")
            let calls = RawCalls(sim)

            let started = DispatchTime.now()
            let timedOut = await RawCalls(sim, timeouts: Timeouts(connect: 1, total: 1.5)).findTransaction(754001)
            guard case .failure(.mayHaveBeenSent) = timedOut else {
                Issue.record("a lookup that is never answered is a transport failure, got \(timedOut)")
                return
            }
            #expect(Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9 < 4)

            let serverError = try await calls.findTransaction(754002).get()
            #expect(serverError.status == 500)
            let xpayServerError = try await calls.xpayState("s-500").get()
            #expect(xpayServerError.status == 500)
            #expect(xpayServerError.xpayErrorCode == "PS0000")

            let badSignature = try await calls.findTransaction(754003).get()
            #expect(PraxisSignature.check(try badSignature.fields(), secret: Secret(TestCredentials.praxisSecret)) == .invalid)
            #expect(JSONValue.object(try badSignature.fields())["transaction_status"] == .string("pending"), "the answer is otherwise genuine")
            let noSignature = try await calls.findTransaction(754004).get()
            #expect(PraxisSignature.check(try noSignature.fields(), secret: Secret(TestCredentials.praxisSecret)) == .missing)

            let internalError = JSONValue.object(try await calls.findTransaction(754005).signedFields())
            #expect(internalError["status"] == .number("-1"))

            let malformed = try await calls.findTransaction(754006).get()
            #expect(malformed.status == 200)
            #expect((try? JSONValue.parse(malformed.body)) == nil)

            let xpayUnsigned = try await calls.xpayState("s-badsig").get()
            #expect(xpayUnsigned.text == #"{"state":"PAYMENT_METHOD_SELECTION"}"#, "XPay signs nothing: it answers as it would")

            for traceId in 754001...754006 { #expect(await sim.state.payoutStatus(Int64(traceId)) == "pending") }
        }
    }

    @Test func cancelAndLookupFaultsAreApart() async throws {
        try await withSimulator { sim in
            await sim.state.addPayout(755001)
            await sim.state.addPayout(755002)
            await sim.state.addSession("s-cancel-ok", createdAt: .now)
            await sim.state.setLookupFault(.serverError, for: "755001")
            await sim.state.setLookupFault(.unauthorized, for: "s-cancel-ok")
            await sim.state.setFault(.timeout, for: "755002")
            let calls = RawCalls(sim)

            // A lookup fault leaves the cancel alone...
            #expect(JSONValue.object(try await calls.payoutCancel(755001).signedFields())["status"] == .number("0"))
            #expect(try await calls.findTransaction(755001).get().status == 500)
            #expect(try await calls.xpayCancel("s-cancel-ok").get().status == 200)
            #expect(try await calls.xpayState("s-cancel-ok").get().status == 401)

            // ...and a cancel fault the lookup: the payout that timed out on cancel can be checked.
            let timedOut = await RawCalls(sim, timeouts: Timeouts(connect: 1, total: 1.5)).payoutCancel(755002)
            guard case .failure(.mayHaveBeenSent) = timedOut else {
                Issue.record("the cancel should have timed out, got \(timedOut)")
                return
            }
            let checked = JSONValue.object(try await calls.findTransaction(755002).signedFields())
            #expect(checked["transaction_status"] == .string("cancelled"), "a timeout cancels first, as a lost answer would")

            // Rate faults are the cancels' only.
            await sim.state.addPayout(755003)
            await sim.state.setFaultRate(.serverError, 1)
            #expect(JSONValue.object(try await calls.findTransaction(755003).signedFields())["transaction_status"] == .string("pending"))
            #expect(try await calls.payoutCancel(755003).get().status == 500)
            #expect(await sim.state.payoutStatus(755003) == "pending")
        }
    }

    @Test func latencyDelaysLookupsToo() async throws {
        try await withSimulator { sim in
            await sim.state.addPayout(756001)
            await sim.state.setLatency(400, for: "756001")
            let started = DispatchTime.now()
            _ = try await RawCalls(sim).findTransaction(756001).signedFields()
            #expect(Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9 >= 0.4)
        }
    }

    // MARK: Cancels whose answer is wrong about what happened

    @Test func aLostCancelIsNeverProcessedAndNeverAnswered() async throws {
        try await withSimulator { sim in
            await sim.state.addPayout(757001)
            await sim.state.addSession("s-lost", createdAt: .now)
            await sim.state.setFault(.lost, for: "757001")
            await sim.state.setFault(.lost, for: "s-lost")
            let impatient = RawCalls(sim, timeouts: Timeouts(connect: 1, total: 1.5))

            async let payout = impatient.payoutCancel(757001)
            async let session = impatient.xpayCancel("s-lost")
            for result in await [payout, session] {
                guard case .failure(.mayHaveBeenSent) = result else {
                    Issue.record("a lost request gets no answer, got \(result)")
                    continue
                }
            }
            #expect(await sim.state.payoutStatus(757001) == "pending")
            #expect(await sim.state.session("s-lost")?.state == "open")

            let calls = RawCalls(sim)
            let found = JSONValue.object(try await calls.findTransaction(757001).signedFields())
            #expect(found["transaction_status"] == .string("pending"))
            let state = try await calls.xpayState("s-lost").get()
            #expect(state.text == #"{"state":"PAYMENT_METHOD_SELECTION"}"#)
        }
    }

    @Test func aPhantomCancelSaysSuccessButChangesNothing() async throws {
        try await withSimulator { sim in
            await sim.state.addPayout(758001)
            await sim.state.addSession("s-phantom", createdAt: .now)
            await sim.state.setFault(.phantom, for: "758001")
            await sim.state.setFault(.phantom, for: "s-phantom")
            let calls = RawCalls(sim)

            let praxis = JSONValue.object(try await calls.payoutCancel(758001).signedFields())
            #expect(praxis["status"] == .number("0"))
            #expect(praxis["description"] == .string("Transaction canceled successfully: order_id=758001"))
            #expect(await sim.praxisClient().cancel(target: "758001").result == .unknown, "only find-transaction tells it from a success")
            #expect(await sim.state.payoutStatus(758001) == "pending")
            #expect(JSONValue.object(try await calls.findTransaction(758001).signedFields())["transaction_status"] == .string("pending"))

            let xpay = try await calls.xpayCancel("s-phantom").get()
            #expect(xpay.status == 200)
            #expect(try JSONValue.parse(xpay.body)["operation"]?["operationResult"] == .string("CANCELED"))
            #expect(await sim.state.session("s-phantom")?.state == "open")
            #expect(try await calls.xpayState("s-phantom").get().text == #"{"state":"PAYMENT_METHOD_SELECTION"}"#)
        }
    }

    /// A completed session's StateResponse as the brief writes it.
    static func completed(_ sessionId: String, operationId: String, _ type: String, _ result: String, at time: String) -> String {
        #"{"state":"PAYMENT_COMPLETE","operation":{"orderId":"ORD-\#(sessionId)","operationId":"\#(operationId)","operationType":"\#(type)","#
            + #""operationResult":"\#(result)","operationTime":"\#(time)","paymentMethod":"CARDS","paymentCircuit":"VISA","#
            + #""operationAmount":"1000","operationCurrency":"EUR","customerInfo":{"cardHolderName":"Mario Rossi-PII","#
            + #""cardHolderEmail":"mario.rossi.pii@example.com","billingAddress":{"name":"Mario Rossi-PII","street":"Via Privata PII 1","#
            + #""city":"Milano","postCode":"20121","country":"ITA"},"mobilePhone":"+39 333 000 PII"}}}"#
    }
}
}

/// Requests made by hand, as any client could make them, so the simulator's side is what is tested.
private struct RawCalls {
    let sim: GatewaySimulator
    let timeouts: Timeouts

    init(_ sim: GatewaySimulator, timeouts: Timeouts = Timeouts(connect: 4, total: 5)) {
        self.sim = sim
        self.timeouts = timeouts
    }

    /// `GET build/state`; with a nil `sessionId`, no query at all.
    func xpayState(_ sessionId: String?, key: String = TestCredentials.xpayKey,
                   correlationId: String = UUID().uuidString.lowercased()) async -> Result<GatewayResponse, TransportFailure> {
        var url = sim.xpayURL + "/build/state"
        if let sessionId { url += "?sessionId=" + sessionId.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }
        return await CurlTransport().send(GatewayRequest(method: .get, url: URL(string: url)!,
                                                         headers: [("Accept", "application/json"), ("X-Api-Key", key), ("Correlation-Id", correlationId)],
                                                         body: []), timeouts: timeouts)
    }

    func xpayCancel(_ sessionId: String) async -> Result<GatewayResponse, TransportFailure> {
        await CurlTransport().send(sim.xpayClient().request(sessionId: sessionId, correlationId: UUID().uuidString.lowercased()), timeouts: timeouts)
    }

    func payoutCancel(_ traceId: Int64) async -> Result<GatewayResponse, TransportFailure> {
        await CurlTransport().send(sim.praxisClient().request(traceId: traceId, timestamp: Int64(Date().timeIntervalSince1970)), timeouts: timeouts)
    }

    func findTransaction(_ traceId: Int64, timestamp: Int64 = Int64(Date().timeIntervalSince1970),
                         secret: String = TestCredentials.praxisSecret) async -> Result<GatewayResponse, TransportFailure> {
        var fields: [(String, JSONValue)] = [
            ("merchant_id", .string(TestCredentials.merchant)), ("application_key", .string(TestCredentials.application)),
            ("trace_id", .number(String(traceId))), ("version", .string("1.2")), ("timestamp", .number(String(timestamp))),
        ]
        fields.append(("signature", .string(PraxisSignature.sign(fields, secret: Secret(secret)))))
        return await CurlTransport().send(GatewayRequest(method: .post, url: URL(string: sim.praxisURL + "/api/find-transaction")!,
                                                         headers: [("Content-Type", "application/json"), ("Accept", "application/json")],
                                                         body: Array(JSONValue.object(fields).jsonText.utf8)), timeouts: timeouts)
    }
}

private extension GatewayResponse {
    var text: String { String(decoding: body, as: UTF8.self) }

    /// The first `errors[].code` of an XPay refusal.
    var xpayErrorCode: String? {
        guard case .array(let errors)? = (try? JSONValue.parse(body))?["errors"] else { return nil }
        return errors.first?["code"]?.displayText
    }

    /// The body's members; the test fails if it is not a JSON object.
    func fields() throws -> [(String, JSONValue)] {
        guard case .object(let fields) = try JSONValue.parse(body) else { throw LookupTestFailure("not a JSON object: \(text)") }
        return fields
    }
}

private extension Result<GatewayResponse, TransportFailure> {
    /// A Praxis answer's members, once its HTTP status is 200 and its signature verifies.
    func signedFields() throws -> [(String, JSONValue)] {
        let response = try get()
        guard response.status == 200 else { throw LookupTestFailure("HTTP \(response.status): \(response.text)") }
        let fields = try response.fields()
        guard PraxisSignature.check(fields, secret: Secret(TestCredentials.praxisSecret)) == .valid else {
            throw LookupTestFailure("the answer's signature does not verify: \(response.text)")
        }
        return fields
    }
}

private struct LookupTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// `withSimulator`, on a clock that stands still at `now`.
private func withSimulator<T>(clockStoppedAt now: Timestamp, _ body: (GatewaySimulator) async throws -> T) async throws -> T {
    try await withSimulator(state: SimulatorState(clock: { now }), body)
}
