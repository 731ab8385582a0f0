/// How a cancellation attempt ended. Exactly one of four, and only `cancelled` is a success.
public enum AttemptResult: String, Sendable, CaseIterable, Equatable {
    /// The gateway cancelled it (XPay 200; Praxis 200 with status 0 and a valid signature).
    case cancelled
    /// The gateway refused, for a reason of its own. Final.
    case rejected
    /// Nothing happened: trying again may help, or the setup is wrong.
    case failed
    /// It may have happened. Check with the gateway before retrying.
    case unknown

    /// What the operator must read, in words.
    public var meaning: String {
        switch self {
        case .cancelled: "cancelled by the gateway"
        case .rejected: "the gateway refused to cancel it"
        case .failed: "not cancelled: nothing happened at the gateway"
        case .unknown: "it may or may not have been cancelled. Check with the gateway before retrying"
        }
    }
}

/// Everything a gateway's answer told us, as the audit trail and the screens keep it.
public struct AttemptOutcome: Sendable, Equatable {
    public var result: AttemptResult
    public var httpStatus: Int?
    /// Praxis's `status`; for XPay, the error codes.
    public var gatewayStatus: String?
    public var description: String
    /// XPay's `errors[].code`, comma-separated.
    public var errorCode: String?
    /// Praxis only: whether the response's signature verified.
    public var signatureValid: Bool?
    /// XPay only: the Correlation-Id sent, for Nexi support to find the call.
    public var correlationId: String?
    public var latencyMs: Int
    /// How far the gateway's clock (its answer's `Date`) is ahead of this machine's, in seconds, when more than
    /// `ClockSkew.tolerance` apart: this machine's time sync is broken.
    public var clockSkewSeconds: Int?
    /// What the gateway said the target is (XPay's StateResponse, Praxis's find-transaction), in the few fields kept.
    public var gatewayState: GatewayState?

    public init(result: AttemptResult, httpStatus: Int? = nil, gatewayStatus: String? = nil, description: String,
                errorCode: String? = nil, signatureValid: Bool? = nil, correlationId: String? = nil, latencyMs: Int = 0,
                clockSkewSeconds: Int? = nil, gatewayState: GatewayState? = nil) {
        self.result = result
        self.httpStatus = httpStatus
        self.gatewayStatus = gatewayStatus
        self.description = description
        self.errorCode = errorCode
        self.signatureValid = signatureValid
        self.correlationId = correlationId
        self.latencyMs = latencyMs
        self.clockSkewSeconds = clockSkewSeconds
        self.gatewayState = gatewayState
    }
}

extension AttemptOutcome {
    /// The outcome's facts as JSON members, in the order the audit trail and `--json` outputs share.
    public func addFacts(to o: inout JSONObjectWriter) {
        o.add("http_status", httpStatus)
        o.add("gateway_status", gatewayStatus)
        o.add("description", description)
        o.add("error_code", errorCode)
        if let signatureValid { o.add("signature_valid", signatureValid) }
        o.add("correlation_id", correlationId)
        o.add("latency_ms", latencyMs)
        o.add("clock_skew_s", clockSkewSeconds)
        if let gatewayState { o.add("gateway_state", gatewayState.json) }
    }

    /// The facts back from a trail line written by `addFacts`, with `result`.
    static func facts(_ value: JSONValue, result: AttemptResult) -> AttemptOutcome {
        func string(_ key: String) -> String? { if case .string(let s)? = value[key] { s } else { nil } }
        func int(_ key: String) -> Int? { if case .number(let n)? = value[key] { Int(n) } else { nil } }
        var signatureValid: Bool?
        if case .bool(let b)? = value["signature_valid"] { signatureValid = b }
        return AttemptOutcome(result: result, httpStatus: int("http_status"), gatewayStatus: string("gateway_status"),
                              description: string("description") ?? "", errorCode: string("error_code"),
                              signatureValid: signatureValid, correlationId: string("correlation_id"),
                              latencyMs: int("latency_ms") ?? 0, clockSkewSeconds: int("clock_skew_s"),
                              gatewayState: GatewayState(json: value["gateway_state"]))
    }
}

/// A gateway that can cancel one target. The real clients and test doubles both fit here; the service
/// only ever sees this.
public protocol CancelGateway: Sendable {
    /// `xpay` or `praxis`, as the audit trail names it.
    var name: String { get }
    /// `orderId`: the record's own `order_id`, which an answer that names an order must match.
    func cancel(target: String, orderId: String?) async -> AttemptOutcome
}

extension CancelGateway {
    public func cancel(target: String) async -> AttemptOutcome { await cancel(target: target, orderId: nil) }
}
