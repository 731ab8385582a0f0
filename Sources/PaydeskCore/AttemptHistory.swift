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

    public init(intent: AuditEntry, outcome: AuditEntry?, state: State, checks: [AuditEntry] = []) {
        self.intent = intent
        self.outcome = outcome
        self.state = state
        self.checks = checks
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

    /// The label as a single word for filters and JSON: `in-doubt`, `in-flight`, `cancelled`, `checked-open`, ...
    public var resultName: String { label.replacingOccurrences(of: ": ", with: "-").replacingOccurrences(of: " ", with: "-") }

    /// `cancelled`, `rejected`, `failed`, `unknown`, `in doubt`, `in flight`, or for an attempt in doubt that a
    /// check settled, what the gateway showed: `checked: cancelled`, `checked: open`, `checked: closed`.
    public var label: String {
        if let verdict = resolution?.verdict { return "checked: \(verdict.rawValue)" }
        switch state {
        case .inFlight: return "in flight"
        case .inDoubt: return "in doubt"
        case .finished(let o): return o.result.rawValue
        }
    }

    /// Every value `resultName` takes.
    public static let resultNames = AttemptResult.allCases.map(\.rawValue) + ["in-doubt", "in-flight"]
        + CheckVerdict.allCases.filter(\.isConclusive).map { "checked-\($0.rawValue)" }
}

public enum AttemptHistory {
    /// Joins `entries` into attempts, newest first. `isInFlight(gateway, target)` tells a live call from a dead one.
    /// A check goes with the attempt it resolves, or else with the target's latest attempt before it.
    public static func attempts(_ entries: [AuditEntry], isInFlight: (String, String) -> Bool) -> [Attempt] {
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
            let state: Attempt.State
            if let o = outcome?.outcome {
                state = .finished(o)
            } else {
                state = isInFlight(intent.gateway, intent.target) ? .inFlight : .inDoubt
            }
            attempts.append(Attempt(intent: intent, outcome: outcome, state: state, checks: checks[intent.attemptId] ?? []))
        }
        return attempts.reversed()
    }

    /// The attempts of one profile, reading its audit trail and its locks.
    public static func load(directory: String) throws -> (attempts: [Attempt], problems: [LineProblem]) {
        let (entries, problems) = try AuditLog(directory: directory).entries()
        let attempts = attempts(entries) { AttemptLock.isHeld(directory: directory, gateway: $0, target: $1) }
        return (attempts, problems)
    }
}
