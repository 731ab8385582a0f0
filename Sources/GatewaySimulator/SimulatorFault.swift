/// What the simulator can do wrong on purpose, per target or at a rate, so every outcome can be seen.
public enum SimulatorFault: String, Sendable, CaseIterable, Equatable {
    /// Answer HTTP 503 (XPay with an error body); nothing is cancelled.
    case serverError = "server-error"
    /// Cancel, then never answer: the client times out. Its outcome is unknown, and it did happen.
    case timeout
    /// Cancel, then cut the connection after the headers.
    case drop
    /// Cancel, then answer 200 with a body that is not JSON.
    case malformed
    /// Praxis: cancel, then answer with a signature that does not verify.
    case badSignature = "bad-signature"
    /// Praxis: cancel, then answer without a signature.
    case noSignature = "no-signature"
    /// Answer HTTP 401, as to a wrong key.
    case unauthorized

    /// Whether the cancellation takes effect before the fault spoils the answer.
    var cancelsFirst: Bool {
        switch self {
        case .timeout, .drop, .malformed, .badSignature, .noSignature: true
        case .serverError, .unauthorized: false
        }
    }
}
