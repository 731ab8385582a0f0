/// The two rules every screen and the service share, written once: when a session expires, and whether a
/// target's earlier attempts forbid sending another cancellation.

extension RecordKind {
    /// By default the state that counts is the line's own.
    public static func effectiveState(_ state: UInt8, time: Timestamp, now: Timestamp) -> UInt8 { state }

    /// Open sessions, pending payouts: what an operator can still act on at `now`.
    public static func isActionable(_ state: UInt8, time: Timestamp, now: Timestamp) -> Bool {
        effectiveState(state, time: time, now: now) == 0
    }
}

extension SessionKind {
    /// When a session created at `created` stops being cancellable: the gateway invalidates it 5 minutes on.
    public static func expiry(ofCreated created: Timestamp) -> Timestamp { created + lifetimeSeconds }

    /// An open session past its lifetime is expired: showing it as cancellable would mislead.
    public static func effectiveState(_ state: UInt8, time: Timestamp, now: Timestamp) -> UInt8 {
        state == 0 && expiry(ofCreated: time) <= now ? 2 : state
    }
}

extension Attempt {
    /// Why another cancellation of a target must not be sent, given its earlier attempts (newest first), or nil.
    /// `what` names the target ("payout 752856").
    public static func refusal(after previous: [Attempt], what: String, retryUnknown: Bool) -> String? {
        if let done = previous.first(where: { if case .finished(let o) = $0.state { o.result == .cancelled } else { false } }) {
            return "\(what) was already cancelled at \(done.outcome?.at.display ?? "?") by \(done.intent.operatorName) (attempt \(done.id))"
        }
        if let live = previous.first(where: { $0.state == .inFlight }) {
            return "a cancellation of \(what) is already in flight (attempt \(live.id))"
        }
        if let latest = previous.first, latest.needsChecking, !retryUnknown {
            return "an earlier attempt on \(what) (\(latest.id), \(latest.intent.at.display)) is \(latest.label): it may have "
                + "gone through. Check with the gateway first: if it did not, retry with paydesk cancel --retry-unknown"
        }
        return nil
    }
}
