/// What the simulator can do wrong on purpose, per target or at a rate, so every outcome can be seen.
/// The faults that spoil an answer (timeout, drop, malformed, the signature ones) cancel first, as a lost
/// answer would: the operator then really must check with the gateway. `lost` and `phantom` are the two
/// ways an answer can be wrong about what happened, which only that check can show.
/// Set with `setFault`/`setFaultRate` they act on cancels; `setLookupFault` sets some of them on lookups.
public enum SimulatorFault: String, Sendable, CaseIterable, Equatable {
    /// Answer HTTP 500 (XPay with its `errors` body); nothing is cancelled.
    case serverError = "server-error"
    /// Praxis: a signed answer with a negative status (an internal error at Praxis); nothing is cancelled.
    case internalError = "internal-error"
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
    /// Cancel, then answer HTTP 502 as a proxy in front of the gateway would.
    case proxyError = "proxy-error"
    /// Cancel, then answer 200 with a 20 MB (signed) description.
    case oversized
    /// Cancel, then answer 200 gzip-encoded, though nobody asked for it.
    case compressed
    /// Praxis: the genuine signed refusal re-cut at a `0` into a "success" that keeps the same signature.
    case recut
    /// Praxis: the genuine signed refusal with `"status":0` added after its own status. XPay: cancel, then a
    /// 200 body with `sessionId` given twice.
    case repeatedKey = "repeated-key"
    /// Praxis: a genuine signed success, for another payout; nothing is cancelled.
    case replay
    /// The gateway echoes the credentials it knows, JSON-escaped with `\/`, in its refusal's code and text.
    case echo
    /// A refusal whose code and text carry terminal escapes (ESC, OSC 52, CR LF, C1 CSI) to forge a line.
    case controlCodes = "control-codes"
    /// The request is lost: never processed (nothing is cancelled), and no answer comes (the client times out).
    case lost
    /// A success that did not happen: nothing is cancelled, but the answer says it was (Praxis: the genuine
    /// signed status-0 answer; XPay: the 200 StateResponse of a cancelled session).
    case phantom
}
