import Foundation
import Testing
@testable import Gateways
@testable import PaydeskCore

/// Checks with the gateway, from the answers alone (no network): what each answer concludes, how a check is
/// written to the trail, and what it does to the attempts and the refusal rule.
extension PaydeskTests {
@Suite struct GatewayCheckTests {
    let secret = Secret("praxis-secret-SECRET-c0ffee")
    let asked = PraxisClient.Asked(traceId: 752856, version: "1.2")
    static let personal = ["Mario Rossi-PII", "mario.rossi.pii@example.com", "Via Privata PII 1", "+39 333 000 PII"]

    /// A StateResponse as XPay documents it, with the cardholder's personal data inside `operation`.
    static func stateResponse(_ state: String, type: String? = nil, result: String? = nil) -> String {
        guard let type, let result else { return #"{"state":"\#(state)"}"# }
        return #"{"state":"\#(state)","operation":{"orderId":"ORD-1","operationId":"3470744","operationType":"\#(type)","operationResult":"\#(result)","#
            + #""operationTime":"2026-11-30 14:03:22.0","paymentMethod":"CARDS","customerInfo":{"cardHolderName":"Mario Rossi-PII","#
            + #""cardHolderEmail":"mario.rossi.pii@example.com","billingAddress":{"street":"Via Privata PII 1"},"mobilePhone":"+39 333 000 PII"}}}"#
    }

    private func xpayState(_ status: Int, _ body: String = "") -> GatewayCheck {
        XPayClient.classifyState(.success(GatewayResponse(status: status, body: Array(body.utf8))))
    }

    private func find(_ fields: [(String, JSONValue)], status: Int = 200) -> GatewayCheck {
        PraxisClient.classifyFind(.success(GatewayResponse(status: status, body: Array(JSONValue.object(fields).jsonText.utf8))), secret: secret, asked: asked)
    }

    private func signedFind(_ transactionStatus: String?, trace: Int64 = 752856, status: Int = 0, version: String = "1.2",
                            type: String = "payout", extra: [(String, JSONValue)] = []) -> [(String, JSONValue)] {
        var f: [(String, JSONValue)] = [("status", .number(String(status))),
                                        ("description", .string(status == 0 ? "Transaction found: trace_id=\(trace)" : "Transaction not found"))]
        if let transactionStatus {
            f += [("transaction_type", .string(type)), ("transaction_status", .string(transactionStatus)),
                  ("transaction_id", .number("80752856")), ("trace_id", .number(String(trace)))]
        }
        f += extra + [("version", .string(version))]
        f.append(("signature", .string(PraxisSignature.sign(f, secret: secret))))
        return f
    }

    // MARK: XPay

    @Test func xpayStateAnswers() {
        #expect(xpayState(200, Self.stateResponse("PAYMENT_METHOD_SELECTION")).verdict == .open)
        #expect(xpayState(200, Self.stateResponse("READY_FOR_PAYMENT")).verdict == .open)
        let cancelled = xpayState(200, Self.stateResponse("PAYMENT_COMPLETE", type: "CANCEL", result: "CANCELED"))
        #expect(cancelled.verdict == .cancelled)
        #expect(cancelled.facts.gatewayState == GatewayState(state: "PAYMENT_COMPLETE", operationType: "CANCEL", operationResult: "CANCELED",
                                                              operationId: "3470744", orderId: "ORD-1", operationTime: "2026-11-30 14:03:22.0"))
        #expect(xpayState(200, Self.stateResponse("PAYMENT_COMPLETE", type: "AUTHORIZATION", result: "AUTHORIZED")).verdict == .closed)
        #expect(xpayState(200, Self.stateResponse("PAYMENT_COMPLETE", type: "AUTHORIZATION", result: "DECLINED")).verdict == .closed)
        let strange = xpayState(200, Self.stateResponse("SOMETHING_NEW"))
        #expect(strange.verdict == .unknown && !strange.failed, "a state paydesk does not know is inconclusive")
        #expect(xpayState(200, Self.stateResponse("PAYMENT_COMPLETE")).verdict == .unknown, "complete without an operation settles nothing")
        #expect(xpayState(200, #"{"state":"PAYMENT_METHOD_SELECTION","state":"PAYMENT_COMPLETE"}"#).verdict == .unknown)
        #expect(xpayState(200, "<html>").verdict == .unknown)
        let notFound = xpayState(400, #"{"errors":[{"code":"PS0026","description":"session x not found"}]}"#)
        #expect(notFound.verdict == .unknown && !notFound.failed)
        #expect(notFound.facts.description == "PS0026: session x not found")
        #expect(xpayState(401).failed)
        #expect(xpayState(500).failed)
        #expect(XPayClient.classifyState(.failure(.mayHaveBeenSent("timed out"))).failed)
        #expect(XPayClient.classifyState(.failure(.notSent("refused"))).failed)
    }

    @Test func xpayCancelsStateResponseIsTheProofAndItsPersonalDataIsNeverKept() {
        func cancel(_ body: String) -> AttemptOutcome { XPayClient.classify(.success(GatewayResponse(status: 200, body: Array(body.utf8)))) }
        let proved = cancel(Self.stateResponse("PAYMENT_COMPLETE", type: "CANCEL", result: "CANCELED"))
        #expect(proved.result == .cancelled)
        #expect(proved.gatewayState?.operationResult == "CANCELED")
        let other = cancel(Self.stateResponse("PAYMENT_COMPLETE", type: "AUTHORIZATION", result: "AUTHORIZED"))
        #expect(other.result == .unknown)
        #expect(other.description.contains("AUTHORIZATION AUTHORIZED"))
        #expect(cancel("{}").result == .cancelled)
        #expect(cancel("").result == .cancelled)
        for outcome in [proved, other, xpayState(200, Self.stateResponse("PAYMENT_COMPLETE", type: "CANCEL", result: "CANCELED")).facts] {
            let kept = AuditEntry(at: .now, operatorName: "o", profile: "TEST", gateway: "xpay", target: "s", event: .outcome,
                                  attemptId: "a", outcome: outcome).line
            for text in Self.personal + ["customerInfo", "cardHolder", "billingAddress", "paymentMethod"] {
                #expect(!kept.contains(text), "\(text) reached the trail line: \(kept)")
            }
        }
    }

    // MARK: Praxis

    @Test func praxisFindAnswers() {
        #expect(find(signedFind("pending")).verdict == .open)
        #expect(find(signedFind("requested")).verdict == .open)
        let cancelled = find(signedFind("cancelled"))
        #expect(cancelled.verdict == .cancelled)
        #expect(cancelled.facts.signatureValid == true)
        #expect(cancelled.facts.gatewayState == GatewayState(state: "cancelled", operationType: "payout", operationId: "80752856"))
        #expect(find(signedFind("approved")).verdict == .closed)
        #expect(find(signedFind("declined")).verdict == .closed)
        #expect(find(signedFind("weird")).verdict == .unknown)
        // Further transaction fields are covered by the signature and never kept.
        let withCard = find(signedFind("cancelled", extra: [("card_holder", .string("Mario Rossi-PII"))]))
        #expect(withCard.verdict == .cancelled)
        #expect(!AuditEntry(at: .now, operatorName: "o", profile: "T", gateway: "praxis", target: "1", event: .check, attemptId: "c",
                            verdict: withCard.verdict, outcome: withCard.facts).line.contains("PII"))
    }

    @Test func aFindAnswerThatProvesNothingIsInconclusive() {
        let another = find(signedFind("cancelled", trace: 752857))
        #expect(another.verdict == .unknown && !another.failed, "another payout's answer")
        #expect(another.facts.description.contains("752857"))
        #expect(find(signedFind("cancelled", type: "sale")).verdict == .unknown)
        #expect(find(signedFind("cancelled", version: "11.2")).verdict == .unknown, "a version not sent: re-cut values")
        var forged = signedFind("cancelled")
        forged[forged.count - 1].1 = .string(PraxisSignature.sign(forged, secret: Secret("another")))
        #expect(find(forged).verdict == .unknown && find(forged).facts.signatureValid == false)
        #expect(find(Array(signedFind("cancelled").dropLast())).facts.signatureValid == false, "unsigned")
        var repeated = signedFind("pending")
        repeated.insert(("transaction_status", .string("cancelled")), at: 0)
        #expect(find(repeated).verdict == .unknown, "a key given twice")
        #expect(find(signedFind(nil, status: 1)).verdict == .unknown)
        #expect(find(signedFind(nil, status: -1)).failed, "a negative status is the gateway failing")
        #expect(find(signedFind("cancelled"), status: 500).failed)
        #expect(PraxisClient.classifyFind(.failure(.mayHaveBeenSent("timed out")), secret: secret, asked: asked).failed)
    }

    @Test func aFindAnswerReCutBetweenItsNumbersProvesNothing() {
        // A genuine answer for 752856 (transaction 80752856), its digits moved from trace_id to transaction_id: the
        // signature still verifies, and the trace id now reads as the one asked about.
        let genuine = signedFind("cancelled")
        var recut = genuine.map { key, value -> (String, JSONValue) in
            switch key {
            case "trace_id": (key, .number("75285"))
            case "transaction_id": (key, .number("680752856"))
            default: (key, value)
            }
        }
        #expect(PraxisSignature.check(recut, secret: secret) == .valid, "the attack keeps the signature")
        let asked75285 = PraxisClient.Asked(traceId: 75285, version: "1.2")
        let read = PraxisClient.classifyFind(.success(GatewayResponse(status: 200, body: Array(JSONValue.object(recut).jsonText.utf8))),
                                             secret: secret, asked: asked75285)
        #expect(read.verdict == .unknown, "\(read.facts.description)")
        #expect(read.facts.description.contains("does not name the payout"))
        // The record's own order id binds it too, where the description names nothing.
        recut = signedFind("cancelled", extra: [("order_id", .string("WD-1"))]).map { $0.0 == "description" ? ($0.0, .string("found")) : $0 }
        recut[recut.count - 1].1 = .string(PraxisSignature.sign(recut, secret: secret))
        func asking(_ order: String?) -> CheckVerdict {
            PraxisClient.classifyFind(.success(GatewayResponse(status: 200, body: Array(JSONValue.object(recut).jsonText.utf8))), secret: secret,
                                      asked: PraxisClient.Asked(traceId: 752856, version: "1.2", orderId: order)).verdict
        }
        #expect(asking("WD-1") == .cancelled)
        #expect(asking("WD-2") == .unknown)
        #expect(asking(nil) == .unknown)
        // Version and type are required, not merely checked when present.
        #expect(find(signedFind("cancelled").filter { $0.0 != "version" }.map { $0 }).facts.signatureValid == false)
        var noType = signedFind("cancelled").filter { $0.0 != "transaction_type" && $0.0 != "signature" }
        noType.append(("signature", .string(PraxisSignature.sign(noType, secret: secret))))
        #expect(find(noType).verdict == .unknown)
        var noVersion = signedFind("cancelled").filter { $0.0 != "version" && $0.0 != "signature" }
        noVersion.append(("signature", .string(PraxisSignature.sign(noVersion, secret: secret))))
        #expect(find(noVersion).verdict == .unknown)
    }

    @Test func aSuccessStandsOnlyWhenFindTransactionConfirmsIt() {
        let success = AttemptOutcome(result: .cancelled, httpStatus: 200, gatewayStatus: "0",
                                     description: "Transaction canceled successfully: order_id=752856", signatureValid: true)
        let confirmed = PraxisClient.confirmed(success, by: find(signedFind("cancelled")))
        #expect(confirmed.result == .cancelled)
        #expect(confirmed.description.contains("confirmed by find-transaction"))
        let contradicted = PraxisClient.confirmed(success, by: find(signedFind("pending")))
        #expect(contradicted.result == .unknown)
        #expect(contradicted.description.contains("disagree"))
        #expect(contradicted.description.contains("Transaction canceled successfully") && contradicted.description.contains("pending"),
                "both answers are recorded")
        let unconfirmed = PraxisClient.confirmed(success, by: find(signedFind("cancelled", trace: 1)))
        #expect(unconfirmed.result == .unknown)
        #expect(unconfirmed.description.contains("could not confirm"))
    }

    // MARK: The trail and the attempts

    private func entry(_ event: AuditEntry.Event, _ id: String, seq: Int, resolves: String? = nil, verdict: CheckVerdict? = nil,
                       result: AttemptResult? = nil) -> AuditEntry {
        AuditEntry(seq: seq, at: Timestamp(milliseconds: 1_795_253_400_000 + Int64(seq) * 1000), operatorName: "m.rossi", profile: "TEST",
                   gateway: "praxis", target: "752856", event: event, attemptId: id, resolves: resolves, verdict: verdict,
                   outcome: result.map { AttemptOutcome(result: $0, description: "answer") }
                       ?? verdict.map { AttemptOutcome(result: $0.heldAs, httpStatus: 200, description: "payout \($0)",
                                                       gatewayState: GatewayState(state: "approved", operationType: "payout")) })
    }

    @Test func aCheckIsWrittenAndReadBackWhole() throws {
        let check = entry(.check, "c1", seq: 3, resolves: "a1", verdict: .closed)
        let line = check.line
        #expect(line.contains(#""event":"check""#) && line.contains(#""resolves":"a1""#) && line.contains(#""verdict":"closed""#))
        #expect(!line.contains(#""result""#), "a check has a verdict, not an attempt's result")
        #expect(line.contains(#""gateway_state":{"state":"approved","operation_type":"payout"}"#))
        #expect(try AuditEntry.parse(Array(line.utf8)).get() == check)
        #expect((try? AuditEntry.parse(Array(line.replacingOccurrences(of: #""verdict":"closed","#, with: "").utf8)).get()) == nil,
                "a check without a verdict is not a check")
    }

    private func attempts(_ entries: [AuditEntry]) -> [Attempt] { AttemptHistory.attempts(entries) { _, _ in false } }

    @Test func aConclusiveCheckSettlesTheAttemptInDoubt() {
        let intent = entry(.intent, "a1", seq: 1)
        #expect(attempts([intent])[0].needsChecking)
        let failedCheck = entry(.check, "c0", seq: 2, resolves: "a1", verdict: .unknown)
        let stillInDoubt = attempts([intent, failedCheck])[0]
        #expect(stillInDoubt.needsChecking && stillInDoubt.checks.count == 1 && stillInDoubt.resultName == "in-doubt")
        for verdict in [CheckVerdict.cancelled, .open, .closed] {
            let settled = attempts([intent, failedCheck, entry(.check, "c1", seq: 3, resolves: "a1", verdict: verdict)])[0]
            #expect(!settled.needsChecking)
            #expect(settled.word == StateWord.checked(verdict))
            #expect(settled.resultName == "checked-\(verdict.rawValue)")
            #expect(settled.resolution?.attemptId == "c1")
        }
        let unknownAnswer = [entry(.intent, "a1", seq: 1), entry(.outcome, "a1", seq: 2, result: .unknown)]
        #expect(attempts(unknownAnswer + [entry(.check, "c1", seq: 3, resolves: "a1", verdict: .open)])[0].needsChecking == false)
    }

    @Test func whatAVerdictAllowsNext() {
        let intent = entry(.intent, "a1", seq: 1)
        func refusal(_ extra: [AuditEntry], retry: Bool = false) -> String? {
            let all = [intent] + extra
            return Attempt.refusal(after: attempts(all), checks: all.filter { $0.event == .check }, what: "payout 752856", retryUnknown: retry)
        }
        #expect(refusal([])?.contains("paydesk check payout 752856") == true, "in doubt: the refusal says how to check")
        #expect(refusal([entry(.check, "c1", seq: 2, resolves: "a1", verdict: .unknown)]) != nil, "an inconclusive check settles nothing")
        #expect(refusal([entry(.check, "c1", seq: 2, resolves: "a1", verdict: .open)]) == nil, "open: a plain retry may go")
        #expect(refusal([entry(.check, "c1", seq: 2, resolves: "a1", verdict: .cancelled)])?.contains("found cancelled") == true)
        let closed = refusal([entry(.check, "c1", seq: 2, resolves: "a1", verdict: .closed)], retry: true)
        #expect(closed?.contains("can no longer be cancelled") == true && closed?.contains("approved") == true,
                "closed: refused even with --retry-unknown, with the gateway's state")
        // A check of a target that had no attempt still counts.
        let alone = [entry(.check, "c1", seq: 1, verdict: .closed)]
        #expect(Attempt.refusal(after: [], checks: alone, what: "payout 752856", retryUnknown: false) != nil)
        #expect(Attempt.refusal(after: [], checks: [entry(.check, "c1", seq: 1, verdict: .open)], what: "payout 752856", retryUnknown: false) == nil)
    }
}
}

extension PaydeskTests.GatewayCheckTests {
    @Test func aSessionIdIsOneQueryValueWhateverItHolds() {
        let client = XPayClient(baseURL: "http://127.0.0.1:1/api", apiKey: Secret("k"))
        let request = client.stateRequest(sessionId: "a&b=c+d #é", correlationId: "c")
        #expect(request.method == .get && request.body.isEmpty)
        #expect(request.url.absoluteString == "http://127.0.0.1:1/api/build/state?sessionId=a%26b%3Dc%2Bd%20%23%C3%A9")
        #expect(URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.queryItems?.first?.value == "a&b=c+d #é")
    }
}
