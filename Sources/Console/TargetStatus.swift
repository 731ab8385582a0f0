import PaydeskCore

/// Where a listed record stands with paydesk: as stored, or what its latest attempt says.
public enum TargetStatus: Equatable, Sendable, CaseIterable {
    /// No attempt yet: the store's word (open, pending).
    case untouched
    /// A call is on its way, from this console or another paydesk.
    case inFlight
    /// The latest attempt's process died mid-call (an intent without outcome): it may have happened. Check with the gateway.
    case inDoubt
    /// The latest attempt's answer proved nothing: it may have happened. Check with the gateway.
    case unknown
    /// The gateway cancelled it; the store will say so on the next reload.
    case cancelled
    case rejected
    case failed
    /// Was in doubt; a check with the gateway found it cancelled. The store will say so on the next reload.
    case checkedCancelled
    /// A check with the gateway found it ended otherwise (paid, approved, declined): it can no longer be cancelled.
    case closed
    /// This console is asking the gateway what it is now.
    case checking

    /// The word in the list's status column, or nil for the store's own word: one of the words `history` prints.
    var word: StateWord? {
        switch self {
        case .untouched: nil
        case .inFlight: .inFlight
        case .inDoubt: .inDoubt
        case .unknown: .unknown
        case .cancelled: .cancelled
        case .rejected: .rejected
        case .failed: .failed
        case .checkedCancelled: .checkedCancelled
        case .closed: .checkedClosed
        case .checking: .checking
        }
    }

    /// The word as the screen shows it (IN-DOUBT, UNKNOWN in capitals), or nil for the store's own word.
    var label: String? { word?.shown }

    var role: ThemeRole? {
        switch self {
        case .untouched: nil
        case .inFlight: .inFlight
        case .inDoubt, .unknown: .inDoubt
        case .cancelled, .checkedCancelled: .ok
        case .rejected: .warning
        case .failed: .error
        case .closed: .warning
        case .checking: .inFlight
        }
    }

    /// Where a row goes when the list sorts by status, ascending: what needs a person first (in doubt, unknown),
    /// then calls on their way, then the answers, then the rows nobody has touched.
    var sortRank: Int64 {
        switch self {
        case .inDoubt: 0
        case .unknown: 1
        case .checking: 2
        case .inFlight: 3
        case .failed: 4
        case .rejected: 5
        case .closed: 6
        case .cancelled, .checkedCancelled: 7
        case .untouched: 8
        }
    }

    /// What an answer leaves: an unknown one leaves the target in doubt.
    init(_ result: AttemptResult) { self.init(StateWord(result)) }

    /// The row's status for an attempt's word. Found open by a check, the row shows the store's word again.
    init(_ word: StateWord) {
        switch word {
        case .inFlight: self = .inFlight
        case .checking: self = .checking
        case .inDoubt: self = .inDoubt
        case .unknown: self = .unknown
        case .cancelled: self = .cancelled
        case .rejected: self = .rejected
        case .failed: self = .failed
        case .checkedCancelled: self = .checkedCancelled
        case .checkedOpen: self = .untouched
        case .checkedClosed: self = .closed
        }
    }

    /// From the latest attempt on a target (attempts come newest first): its word, the one `history` prints.
    static func of(_ attempt: Attempt) -> TargetStatus { TargetStatus(attempt.word) }

    /// Every attempted target's status; targets with a call of ours on its way are in flight whatever the trail says,
    /// and those we are checking are being checked.
    static func all(attemptsByTarget: [TargetID: [Attempt]], ownCalls: Set<TargetID>, ownChecks: Set<TargetID>) -> [TargetID: TargetStatus] {
        var statuses = attemptsByTarget.compactMapValues { $0.first.map(of) }
        for id in ownChecks { statuses[id] = .checking }
        for id in ownCalls { statuses[id] = .inFlight }
        return statuses.filter { $0.value != .untouched }
    }
}
