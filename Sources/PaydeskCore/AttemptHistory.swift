/// Attempts joined intent to outcome, and to the checks made of them since, as every view of history shows them.
public struct Attempt: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        /// A paydesk is waiting for the gateway right now.
        case inFlight
        /// An intent with no outcome and nobody waiting: the process died mid-call. It may have happened.
        case inDoubt
        case finished(AttemptOutcome)
    }

    public let intent: AuditEntry
    public let outcome: AuditEntry?
    public let state: State
    /// Checks of the target's state with its gateway made after this attempt (and before the next), in trail order:
    /// those that resolve it, and any made later of the target.
    public let checks: [AuditEntry]
    /// A check of the target with its gateway is on its way now (only ever the target's latest attempt).
    public let beingChecked: Bool

    public init(intent: AuditEntry, outcome: AuditEntry?, state: State, checks: [AuditEntry] = [], beingChecked: Bool = false) {
        self.intent = intent
        self.outcome = outcome
        self.state = state
        self.checks = checks
        self.beingChecked = beingChecked
    }

    public var id: String { intent.attemptId }
    public var target: String { intent.target }
    public var gateway: String { intent.gateway }

    /// In doubt, or finished unknown, whether or not a check has settled it since.
    public var wasInDoubt: Bool {
        switch state {
        case .inDoubt: true
        case .finished(let o): o.result == .unknown
        case .inFlight: false
        }
    }

    /// The latest check that settled this attempt (made to resolve it, and conclusive), if any.
    public var resolution: AuditEntry? {
        guard wasInDoubt else { return nil }
        return checks.last { $0.resolves == id && $0.verdict?.isConclusive == true }
    }

    /// In doubt or unknown, and not settled by a check: the operator must check with the gateway before trying again.
    public var needsChecking: Bool { wasInDoubt && resolution == nil }

    /// Where it stands, in the word the console, `history` and `--result` share.
    public var word: StateWord {
        if beingChecked { return .checking }
        if let verdict = resolution?.verdict, let checked = StateWord.checked(verdict) { return checked }
        switch state {
        case .inFlight: return .inFlight
        case .inDoubt: return .inDoubt
        case .finished(let o): return StateWord(o.result)
        }
    }

    /// The word in lower case, as JSON gives it: `in-doubt`, `in-flight`, `cancelled`, `checked-open`, ...
    public var resultName: String { word.rawValue }
}

public enum AttemptHistory {
    /// Joins `entries` into attempts, newest first. `isInFlight(gateway, target)` tells a live call from a dead one;
    /// `isChecking(gateway, target)` whether a check of the target is on its way (said on its latest attempt).
    /// A check goes with the attempt it resolves, or else with the target's latest attempt before it.
    public static func attempts(_ entries: [AuditEntry], isInFlight: (String, String) -> Bool,
                                isChecking: (String, String) -> Bool = { _, _ in false }) -> [Attempt] {
        var outcomes: [String: AuditEntry] = [:]
        var checks: [String: [AuditEntry]] = [:]
        var latestIntent: [String: String] = [:]   // "gateway target": attempt id
        for entry in entries {
            switch entry.event {
            case .outcome: outcomes[entry.attemptId] = entry
            case .intent: latestIntent["\(entry.gateway) \(entry.target)"] = entry.attemptId
            case .check:
                if let attempt = entry.resolves ?? latestIntent["\(entry.gateway) \(entry.target)"] { checks[attempt, default: []].append(entry) }
            case .acknowledge: break
            }
        }
        var attempts: [Attempt] = []
        for intent in entries where intent.event == .intent {
            let outcome = outcomes[intent.attemptId]
            let latest = latestIntent["\(intent.gateway) \(intent.target)"] == intent.attemptId
            let checking = latest && isChecking(intent.gateway, intent.target)
            let state: Attempt.State
            if let o = outcome?.outcome {
                state = .finished(o)
            } else {
                // A check holds the attempt lock too: then the attempt is in doubt, and being checked.
                state = !checking && isInFlight(intent.gateway, intent.target) ? .inFlight : .inDoubt
            }
            attempts.append(Attempt(intent: intent, outcome: outcome, state: state, checks: checks[intent.attemptId] ?? [],
                                    beingChecked: checking))
        }
        return attempts.reversed()
    }

    /// The attempts of one profile, reading its audit trail and its locks.
    public static func load(directory: String) throws -> (attempts: [Attempt], problems: [LineProblem]) {
        let (entries, problems) = try AuditLog(directory: directory).entries()
        let attempts = attempts(entries, isInFlight: { AttemptLock.isHeld(directory: directory, gateway: $0, target: $1) },
                                isChecking: { CheckLock.isHeld(directory: directory, gateway: $0, target: $1) })
        return (attempts, problems)
    }
}
