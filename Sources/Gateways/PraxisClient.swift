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

    public func cancel(target: String) async -> AttemptOutcome {
        guard let traceId = Int64(target) else {
            return AttemptOutcome(result: .failed, description: "trace_id \(target) is not a number; nothing was sent")
        }
        let started = DispatchTime.now()
        let sent = request(traceId: traceId, timestamp: clock())
        let result = await transport.send(sent, timeouts: timeouts)
        var outcome = Self.classify(result, secret: secret)
        // A live signature is a valid request for a minute: it must not be kept either.
        let signature = (try? JSONValue.parse(sent.body))?["signature"]?.displayText ?? ""
        for hidden in [secret.reveal(), signature] where hidden.count >= 4 {
            outcome.description = outcome.description.replacingOccurrences(of: hidden, with: "********")
        }
        outcome.latencyMs = Int((DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000_000)
        return outcome
    }

    /// HTTP 200 with a valid signature: status 0 cancelled, positive rejected, negative failed. A missing or
    /// invalid signature, or a body that is not the protocol's, proves nothing: unknown.
    public static func classify(_ result: Result<GatewayResponse, TransportFailure>, secret: Secret) -> AttemptOutcome {
        let response: GatewayResponse
        switch result {
        case .failure(let failure):
            return failure.outcome("payout")
        case .success(let r):
            response = r
        }
        guard response.status == 200 else {
            // A 502 or 504 comes from a proxy in front of Praxis, which may have passed the request on.
            let result: AttemptResult = (200...299).contains(response.status) || [502, 504].contains(response.status) ? .unknown : .failed
            return AttemptOutcome(result: result, httpStatus: response.status,
                                  description: "HTTP \(response.status) from the gateway" + XPayClient.bodyNote(response.body)
                                    + (result == .failed ? "; check praxis_url" : ": not the documented 200"))
        }
        guard case .object(let members)? = try? JSONValue.parse(response.body),
              case .number(let statusText)? = members.last(where: { $0.0 == "status" })?.1, let status = Int(statusText) else {
            return AttemptOutcome(result: .unknown, httpStatus: 200,
                                  description: "malformed answer: not the protocol's JSON" + XPayClient.bodyNote(response.body))
        }
        var description = ""
        if case .string(let d)? = members.last(where: { $0.0 == "description" })?.1 { description = d }
        let check = PraxisSignature.check(members, secret: secret)
        guard check == .valid else {
            return AttemptOutcome(result: .unknown, httpStatus: 200, gatewayStatus: String(status),
                                  description: "\(check == .missing ? "unsigned" : "forged or corrupted") answer (signature \(check.rawValue)"
                                    + (check == .invalid ? ", or praxis_secret is wrong" : "") + "); it says \"\(description)\" but may not come from Praxis",
                                  signatureValid: false)
        }
        let result: AttemptResult = status == 0 ? .cancelled : status > 0 ? .rejected : .failed
        return AttemptOutcome(result: result, httpStatus: 200, gatewayStatus: String(status), description: description, signatureValid: true)
    }
}
