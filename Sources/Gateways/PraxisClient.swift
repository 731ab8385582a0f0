import Foundation
import PaydeskCore

/// Praxis Agent API `payout-cancel`: a signed JSON request, a signed JSON answer.
public struct PraxisClient: CancelGateway {
    public let name = "praxis"
    public let baseURL: String
    let merchantId: Secret
    let applicationKey: Secret
    let secret: Secret
    let version: String
    let transport: HTTPTransport
    let timeouts: Timeouts
    let clock: @Sendable () -> Int64

    public init(baseURL: String, merchantId: Secret, applicationKey: Secret, secret: Secret, version: String = "1.2",
                transport: HTTPTransport = CurlTransport(), timeouts: Timeouts = Timeouts(),
                clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.baseURL = baseURL
        self.merchantId = merchantId
        self.applicationKey = applicationKey
        self.secret = secret
        self.version = version
        self.transport = transport
        self.timeouts = timeouts
        self.clock = clock
    }

    /// The request body, signed now (Praxis accepts it for one minute). With `masked`, the signature reads
    /// as a mask: within its minute it would be a valid request on its own.
    public func request(traceId: Int64, timestamp: Int64, masked: Bool = false) -> GatewayRequest {
        var fields: [(String, JSONValue)] = [
            ("merchant_id", .string(merchantId.reveal())),
            ("application_key", .string(applicationKey.reveal())),
            ("timestamp", .number(String(timestamp))),
            ("trace_id", .number(String(traceId))),
            ("version", .string(version)),
        ]
        fields.append(("signature", .string(masked ? "********" : PraxisSignature.sign(fields, secret: secret))))
        return GatewayRequest(url: URL(string: baseURL + "/api/payout-cancel")!,
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
        // A live signature is a valid request for a minute: it must not be kept either.
        let signature = (try? JSONValue.parse(sent.body))?["signature"]?.displayText ?? ""
        outcome = outcome.keptSafely(hiding: SecretMask([secret.reveal(), signature]))
        outcome.latencyMs = Int((DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000_000)
        return outcome
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
            return unknown("\(check == .missing ? "unsigned" : "forged or corrupted") answer (signature \(check.rawValue)"
                + (check == .invalid ? ", or praxis_secret is wrong" : "") + "); it says \"\(answer.description)\" but may not come from Praxis",
                gatewayStatus: status, signatureValid: false)
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
