import PaydeskCore

/// Where a listed record stands with paydesk: as stored, or what its latest attempt says.
public enum TargetStatus: Equatable, Sendable {
    /// No attempt yet: the store's word (open, pending).
    case untouched
    /// A call is on its way, from this console or another paydesk.
    case inFlight
    /// The latest attempt may or may not have happened (in doubt, or an unknown answer): check with the gateway.
    case inDoubt
    /// The gateway cancelled it; the store will say so on the next reload.
    case cancelled
    case rejected
    case failed

    /// The word in the list's status column, or nil for the store's own word.
    var label: String? {
        switch self {
        case .untouched: nil
        case .inFlight: "in flight"
        case .inDoubt: "IN DOUBT"
        case .cancelled: "cancelled"
        case .rejected: "rejected"
        case .failed: "failed"
        }
    }

    var role: ThemeRole? {
        switch self {
        case .untouched: nil
        case .inFlight: .inFlight
        case .inDoubt: .inDoubt
        case .cancelled: .ok
        case .rejected: .warning
        case .failed: .error
        }
    }

    /// What an answer leaves: an unknown one leaves the target in doubt.
    init(_ result: AttemptResult) {
        switch result {
        case .cancelled: self = .cancelled
        case .rejected: self = .rejected
        case .failed: self = .failed
        case .unknown: self = .inDoubt
        }
    }

    /// From the latest attempt on a target (attempts come newest first).
    static func of(_ attempt: Attempt) -> TargetStatus {
        switch attempt.state {
        case .inFlight: .inFlight
        case .inDoubt: .inDoubt
        case .finished(let outcome): TargetStatus(outcome.result)
        }
    }

    /// Every attempted target's status; targets with a call of ours on its way are in flight whatever the trail says.
    static func all(attempts: [Attempt], ownCalls: Set<TargetID>) -> [TargetID: TargetStatus] {
        var statuses: [TargetID: TargetStatus] = [:]
        for attempt in attempts {
            let id = TargetID(gateway: attempt.gateway, key: attempt.target)
            if statuses[id] == nil { statuses[id] = of(attempt) }
        }
        for id in ownCalls { statuses[id] = .inFlight }
        return statuses
    }
}
