import Foundation
import PaydeskCore

/// Praxis Agent API `payout-cancel` and `find-transaction`: signed JSON requests, signed JSON answers.
public struct PraxisClient: CancelGateway, StateGateway {
    public let name = "praxis"
    public let baseURL: String
    let merchantId: Secret
    let applicationKey: Secret
    let secret: Secret
    let version: String
    let transport: HTTPTransport
    let timeouts: Timeouts
    let clock: @Sendable () -> Int64
    /// Confirm every success with `find-transaction` before calling it cancelled (`praxis_confirm`).
    let confirm: Bool

    public init(baseURL: String, merchantId: Secret, applicationKey: Secret, secret: Secret, version: String = "1.2",
                transport: HTTPTransport = CurlTransport(), timeouts: Timeouts = Timeouts(), confirm: Bool = true,
                clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.baseURL = baseURL
        self.merchantId = merchantId
        self.applicationKey = applicationKey
        self.secret = secret
        self.version = version
        self.transport = transport
        self.timeouts = timeouts
        self.clock = clock
        self.confirm = confirm
    }

    /// The request body, signed now (Praxis accepts it for one minute). With `masked`, the signature reads
    /// as a mask: within its minute it would be a valid request on its own.
    public func request(traceId: Int64, timestamp: Int64, masked: Bool = false) -> GatewayRequest {
        signedRequest("/api/payout-cancel", traceId: traceId, timestamp: timestamp, masked: masked)
    }

    /// `find-transaction` for `traceId`, signed now: what Praxis says the payout is. Changes nothing.
    public func findRequest(traceId: Int64, timestamp: Int64) -> GatewayRequest {
        signedRequest("/api/find-transaction", traceId: traceId, timestamp: timestamp, masked: false)
    }

    private func signedRequest(_ path: String, traceId: Int64, timestamp: Int64, masked: Bool) -> GatewayRequest {
        var fields: [(String, JSONValue)] = [
            ("merchant_id", .string(merchantId.reveal())),
            ("application_key", .string(applicationKey.reveal())),
            ("timestamp", .number(String(timestamp))),
            ("trace_id", .number(String(traceId))),
            ("version", .string(version)),
        ]
        fields.append(("signature", .string(masked ? "********" : PraxisSignature.sign(fields, secret: secret))))
        return GatewayRequest(url: URL(string: baseURL + path)!,
                           headers: [("Content-Type", "application/json"), ("Accept", "application/json")],
                           body: Array(JSONValue.object(fields).jsonText.utf8))
    }

    /// What paydesk asked, which a genuine answer must agree with.
    public struct Asked: Sendable, Equatable {
        public let traceId: Int64
        public let version: String
        /// The record's own `order_id`, if it has one.
        public let orderId: String?

        public init(traceId: Int64, version: String, orderId: String? = nil) {
            self.traceId = traceId
            self.version = version
            self.orderId = orderId
        }
    }

    public func cancel(target: String, orderId: String?) async -> AttemptOutcome {
        guard let traceId = Int64(target) else {
            return AttemptOutcome(result: .failed, description: "trace_id \(printable(target)) is not a number; nothing was sent")
        }
        let started = DispatchTime.now()
        let sent = request(traceId: traceId, timestamp: clock())
        let result = await transport.send(sent, timeouts: timeouts)
        var outcome = Self.classify(result, secret: secret, asked: Asked(traceId: traceId, version: version, orderId: orderId))
        outcome = outcome.keptSafely(hiding: mask(sent))
        if confirm, outcome.result == .cancelled {
            // Masked again: the lookup's words must not carry this request's live signature either.
            outcome = Self.confirmed(outcome, by: await state(target: target, orderId: orderId)).keptSafely(hiding: mask(sent))
        }
        outcome.latencyMs = Int((DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000_000)
        return outcome
    }

    /// The secret, and the request's live signature (a valid request for a minute), in every form they could come back in.
    private func mask(_ sent: GatewayRequest) -> SecretMask {
        SecretMask([secret.reveal(), (try? JSONValue.parse(sent.body))?["signature"]?.displayText ?? ""])
    }

    /// A signed success stands only when `find-transaction` says the payout is cancelled: the success's signed values
    /// could have been re-cut, or replayed from another payout's answer. Anything else leaves it unknown, both answers said.
    static func confirmed(_ success: AttemptOutcome, by check: GatewayCheck) -> AttemptOutcome {
        var outcome = success
        outcome.gatewayState = check.facts.gatewayState
        if check.verdict == .cancelled {
            outcome.description += "; confirmed by find-transaction (\(check.facts.gatewayState?.summary ?? "cancelled"))"
            return outcome
        }
        outcome.result = .unknown
        outcome.description = (check.verdict == .unknown
            ? "payout-cancel said \"\(success.description)\" (status 0), but find-transaction could not confirm it (\(check.facts.description))"
            : "the gateway's answers disagree: payout-cancel said \"\(success.description)\" (status 0), but find-transaction says the payout is "
                + "\(check.facts.gatewayState?.state ?? check.verdict.rawValue)") + ". The payout may or may not have been cancelled: check again before retrying"
        return outcome
    }

    public func state(target: String, orderId: String?) async -> GatewayCheck {
        guard let traceId = Int64(target) else {
            return .failed(AttemptOutcome(result: .failed, description: "trace_id \(printable(target)) is not a number; nothing was asked"))
        }
        let started = DispatchTime.now()
        let sent = findRequest(traceId: traceId, timestamp: clock())
        let result = await transport.send(sent, timeouts: timeouts)
        var check = Self.classifyFind(result, secret: secret, asked: Asked(traceId: traceId, version: version, orderId: orderId))
        check.facts = check.facts.keptSafely(hiding: mask(sent))
        check.facts.latencyMs = Int((DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000_000)
        return check
    }

    /// What a `find-transaction` answer says: only a validly signed status-0 answer that names the payout asked about, with
    /// a transaction status paydesk knows, settles it.
    static func classifyFind(_ result: Result<GatewayResponse, TransportFailure>, secret: Secret, asked: Asked,
                             receivedAt: Timestamp = .now) -> GatewayCheck {
        let response: GatewayResponse
        switch result {
        case .failure(let failure): return failure.failedCheck
        case .success(let r): response = r
        }
        func facts(_ description: String, status: Int? = nil, signatureValid: Bool? = nil, state: GatewayState? = nil) -> AttemptOutcome {
            ClockSkew.noted(AttemptOutcome(result: .unknown, httpStatus: response.status, gatewayStatus: status.map(String.init), description: description,
                                           signatureValid: signatureValid, gatewayState: state), response, receivedAt: receivedAt)
        }
        guard response.status == 200 else { return .failed(facts("HTTP \(response.status) from the gateway; check praxis_url")) }
        let members: [(String, JSONValue)]
        switch GatewayJSON.object(response.body) {
        case .failure(let problem): return .inconclusive(facts("malformed answer: \(problem.words), not the protocol's"))
        case .success(let m): members = m
        }
        let answer: PraxisFindAnswer
        switch PraxisFindAnswer.read(members) {
        case .failure(let malformed): return .inconclusive(facts("malformed answer: \(malformed.why); it proves nothing"))
        case .success(let a): answer = a
        }
        let check = PraxisSignature.check(members, secret: secret)
        guard check == .valid else {
            return .inconclusive(facts(check.distrust(saying: answer.description), status: answer.status, signatureValid: false))
        }
        func inconclusive(_ why: String) -> GatewayCheck {
            .inconclusive(facts(why, status: answer.status, signatureValid: true, state: answer.kept))
        }
        guard answer.version == asked.version else {
            return inconclusive("the answer's version \"\(answer.version ?? "(none)")\" is not the one sent (\"\(asked.version)\"): it proves nothing; "
                + "it says \"\(answer.description)\"")
        }
        if answer.status < 0 { return .failed(facts("the gateway could not answer: \(answer.description)", status: answer.status, signatureValid: true)) }
        guard answer.status == 0 else { return inconclusive("the gateway says: \(answer.description)") }
        guard answer.traceId == asked.traceId else {
            return inconclusive("the answer is about trace_id \(answer.traceId.map(String.init) ?? "(none)"), but paydesk asked about \(asked.traceId): "
                + "it may be another payout's answer, so it proves nothing")
        }
        // `trace_id` and `transaction_id` are neighbours in the signed string: their digits could be re-cut. What binds
        // the answer to the payout is on the other side of `status`: the description naming it, or the record's order.
        guard answer.bindsPayout(asked) else {
            return inconclusive("the answer does not name the payout asked about (trace_id=\(asked.traceId) in its description, or the record's "
                + "order_id): its signed values may have been re-cut from another payout's, so it proves nothing")
        }
        guard answer.transactionType == "payout" else {
            return inconclusive("the transaction is \(answer.transactionType.map { "a \(printable($0))" } ?? "of no type"), not a payout: it proves nothing")
        }
        guard let verdict = answer.verdict else {
            return inconclusive("the payout's status is \"\(answer.transactionStatus.map(printable) ?? "(none)")\", which paydesk does not know how to read")
        }
        return GatewayCheck(verdict: verdict, facts: facts("payout \(answer.transactionStatus ?? "")", status: answer.status, signatureValid: true,
                                                           state: answer.kept))
    }

    /// HTTP 200 with a valid signature over the protocol's fields, the version sent and the order asked about:
    /// status 0 cancelled, positive rejected, negative failed. Anything else proves nothing: unknown.
    public static func classify(_ result: Result<GatewayResponse, TransportFailure>, secret: Secret, asked: Asked,
                                receivedAt: Timestamp = .now) -> AttemptOutcome {
        switch result {
        case .failure(let failure):
            return failure.outcome("payout")
        case .success(let response):
            var outcome = classify(response, secret: secret, asked: asked)
            if outcome.result == .rejected, outcome.description.lowercased().contains("expired"),
               ClockSkew.seconds(response, receivedAt: receivedAt).map({ abs($0) > ClockSkew.tolerance }) != true {
                // Praxis refuses a request over a minute old by its clock: this machine's clock is the likely cause.
                let skew = ClockSkew.seconds(response, receivedAt: receivedAt)
                outcome.description = (skew.map { "Praxis says the request expired, though its clock and this machine's agree within \(abs($0) + 1) s: "
                    + "check the time sync of this machine (NTP) and of any proxy in between" }
                    ?? "Praxis says the request expired: this machine's clock is probably more than a minute off (the answer has no Date header "
                    + "to tell by how much); fix its time sync (NTP)") + ". The gateway said: " + outcome.description
            }
            return ClockSkew.noted(outcome, response, receivedAt: receivedAt)
        }
    }

    private static func classify(_ response: GatewayResponse, secret: Secret, asked: Asked) -> AttemptOutcome {
        let parsed = GatewayJSON.object(response.body)
        let note = GatewayBody.note(response.body, parsed)
        guard response.status == 200 else {
            // A 502 or 504 comes from a proxy in front of Praxis, which may have passed the request on.
            let result: AttemptResult = (200...299).contains(response.status) || [502, 504].contains(response.status) ? .unknown : .failed
            return AttemptOutcome(result: result, httpStatus: response.status,
                                  description: "HTTP \(response.status) from the gateway" + note
                                    + (result == .failed ? "; check praxis_url" : ": not the documented 200"))
        }
        func unknown(_ why: String, gatewayStatus: String? = nil, signatureValid: Bool? = nil) -> AttemptOutcome {
            AttemptOutcome(result: .unknown, httpStatus: 200, gatewayStatus: gatewayStatus, description: why, signatureValid: signatureValid)
        }
        let members: [(String, JSONValue)]
        switch parsed {
        case .failure(let problem): return unknown("malformed answer: \(problem.words), not the protocol's" + note)
        case .success(let m): members = m
        }
        let answer: PraxisCancelAnswer
        switch PraxisCancelAnswer.read(members) {
        case .failure(let malformed): return unknown("malformed answer: \(malformed.why); it proves nothing" + note)
        case .success(let a): answer = a
        }
        let status = String(answer.status)
        let check = PraxisSignature.check(members, secret: secret)
        guard check == .valid else {
            return unknown(check.distrust(saying: answer.description), gatewayStatus: status, signatureValid: false)
        }
        guard answer.version == asked.version else {
            return unknown("the answer's version \"\(answer.version)\" is not the one sent (\"\(asked.version)\"): its signed values may have been "
                + "re-cut, so it proves nothing; it says \"\(answer.description)\"", gatewayStatus: status, signatureValid: true)
        }
        let expected = [String(asked.traceId)] + (asked.orderId.map { [$0] } ?? [])
        let named = PraxisCancelAnswer.namedOrders(in: answer.description)
        if let stranger = named.first(where: { !expected.contains($0) }) {
            return unknown("the answer names order_id=\(stranger), but paydesk asked about trace id \(asked.traceId)"
                + (asked.orderId.map { " (order \($0))" } ?? "") + ": it may be another payout's answer, replayed or re-cut, so it proves nothing; "
                + "it says \"\(answer.description)\"", gatewayStatus: status, signatureValid: true)
        }
        // Digits can move between description and status too ("Invalid signature", 10 reads as "Invalid signature1", 0):
        // a success counts only when it names the payout asked about, as Praxis's own ("…: order_id=752856") does.
        if answer.status == 0, named.isEmpty {
            return unknown("a success that does not name the payout asked about (order_id=\(asked.traceId)): its signed values may have been "
                + "re-cut from a refusal, so it proves nothing; it says \"\(answer.description)\"", gatewayStatus: status, signatureValid: true)
        }
        let result: AttemptResult = answer.status == 0 ? .cancelled : answer.status > 0 ? .rejected : .failed
        return AttemptOutcome(result: result, httpStatus: 200, gatewayStatus: status, description: answer.description, signatureValid: true)
    }
}
