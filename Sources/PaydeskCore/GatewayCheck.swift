/// What asking a gateway for a target's state concluded. A check changes nothing at the gateway.
public enum CheckVerdict: String, Sendable, CaseIterable, Equatable {
    /// The gateway shows it cancelled.
    case cancelled
    /// Still open or pending there: nothing happened, a new attempt is safe.
    case open
    /// It ended otherwise (paid, approved, declined, expired): it can no longer be cancelled.
    case closed
    /// The check failed or was inconclusive.
    case unknown

    public var meaning: String {
        switch self {
        case .cancelled: "the gateway shows it cancelled"
        case .open: "still open at the gateway: nothing happened, a new attempt is safe"
        case .closed: "it ended otherwise at the gateway: it can no longer be cancelled"
        case .unknown: "the check did not settle it"
        }
    }

    /// Whether it settles an attempt in doubt.
    public var isConclusive: Bool { self != .unknown }

    /// How a check's facts are held in an `AttemptOutcome` (its `result`), so one type carries every answer.
    var heldAs: AttemptResult {
        switch self {
        case .cancelled: .cancelled
        case .open: .failed
        case .closed: .rejected
        case .unknown: .unknown
        }
    }
}

/// One answer to "what is this target's state?": the verdict, and the gateway's own words as an outcome's facts.
public struct GatewayCheck: Sendable, Equatable {
    public var verdict: CheckVerdict
    /// HTTP status, the gateway's status and description, the state it named, latency, Correlation-Id.
    public var facts: AttemptOutcome
    /// True when no usable answer came (not sent, timed out, refused credentials, a server error): the check
    /// failed, rather than being answered inconclusively.
    public var failed: Bool

    public init(verdict: CheckVerdict, facts: AttemptOutcome, failed: Bool = false) {
        self.verdict = verdict
        self.facts = facts
        self.facts.result = verdict.heldAs
        self.failed = verdict == .unknown && failed
    }

    /// A check that got no usable answer.
    public static func failed(_ facts: AttemptOutcome) -> GatewayCheck { GatewayCheck(verdict: .unknown, facts: facts, failed: true) }
    /// An answer that does not settle it.
    public static func inconclusive(_ facts: AttemptOutcome) -> GatewayCheck { GatewayCheck(verdict: .unknown, facts: facts) }
}

/// A gateway that can say what a target's state is, without changing it.
public protocol StateGateway: Sendable {
    /// `xpay` or `praxis`.
    var name: String { get }
    /// `orderId`: the record's own `order_id`, which an answer that names an order must match.
    func state(target: String, orderId: String?) async -> GatewayCheck
}
