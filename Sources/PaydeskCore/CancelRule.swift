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

/// Why a target must not be cancelled now, said twice: in full for a notice or an error, and in a word or two
/// for a console's key bar (`c n/a: in doubt`).
public struct CancelRefusal: Sendable, Equatable {
    public let text: String
    public let short: String

    public init(_ text: String, short: String) {
        self.text = text
        self.short = short
    }

    public static func readOnly(profile: String) -> CancelRefusal {
        CancelRefusal("profile \(profile) is read-only", short: "read-only")
    }

    /// `why` names what is missing and how to provide it (never a value).
    public static func noCredentials(gateway: String, profile: String, why: String) -> CancelRefusal {
        CancelRefusal("profile \(profile) has no credentials for \(gateway): \(why)", short: "no credentials")
    }

    /// The target's line says it is no longer open or pending (an XPay session past its 5 minutes is expired).
    public static func notOpen(_ what: String, state: String, open: String) -> CancelRefusal {
        CancelRefusal("\(what) is \(state), not \(open)" + (state == "expired" ? " (XPay sessions expire 5 minutes after creation)" : ""),
                      short: state)
    }
}

extension Attempt {
    /// Why another cancellation of a target must not be sent, given its earlier attempts (newest first) and any
    /// checks of it not joined to an attempt (the target had none), or nil. `what` names the target ("payout 752856").
    public static func refusal(after previous: [Attempt], checks: [AuditEntry] = [], what: String, retryUnknown: Bool) -> String? {
        cancelRefusal(after: previous, checks: checks, what: what, retryUnknown: retryUnknown)?.text
    }

    /// The same rule, with a short word for each reason.
    public static func cancelRefusal(after previous: [Attempt], checks: [AuditEntry] = [], what: String, retryUnknown: Bool) -> CancelRefusal? {
        if let done = previous.first(where: { if case .finished(let o) = $0.state { o.result == .cancelled } else { false } }) {
            return CancelRefusal("\(what) was already cancelled at \(done.outcome?.at.display ?? "?") by \(done.intent.operatorName) "
                                 + "(attempt \(done.id))", short: "cancelled")
        }
        let allChecks = (previous.flatMap(\.checks) + checks).sorted { $0.seq < $1.seq }
        if let found = allChecks.last(where: { $0.verdict == .cancelled }) {
            return CancelRefusal("\(what) was found cancelled at the gateway by a check at \(found.at.display) by \(found.operatorName) "
                                 + "(check \(found.attemptId))", short: "cancelled")
        }
        if let live = previous.first(where: { $0.state == .inFlight }) {
            return CancelRefusal("a cancellation of \(what) is already in flight (attempt \(live.id))", short: StateWord.inFlight.shown)
        }
        let sinceLatest = allChecks.filter { $0.seq > (previous.first?.intent.seq ?? -1) }
        if let ended = sinceLatest.last(where: { $0.verdict?.isConclusive == true }), ended.verdict == .closed {
            let state = ended.outcome?.gatewayState?.summary ?? ""
            return CancelRefusal("the gateway said at \(ended.at.display) that \(what) has ended\(state.isEmpty ? "" : " (\(state))"): "
                                 + "it can no longer be cancelled (check \(ended.attemptId))", short: "ended")
        }
        if let latest = previous.first, latest.needsChecking, !retryUnknown {
            return CancelRefusal("an earlier attempt on \(what) (\(latest.id), \(latest.intent.at.display)) is \(latest.word.shown): it may have "
                                 + "gone through. Check with the gateway first (paydesk check \(what), or v in the console); "
                                 + "if it did not go through, retry with paydesk cancel --retry-unknown",
                                 short: latest.word.shown)
        }
        return nil
    }
}
