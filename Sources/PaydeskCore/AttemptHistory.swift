/// Attempts joined intent to outcome, as every view of history shows them.
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

    public var id: String { intent.attemptId }
    public var target: String { intent.target }
    public var gateway: String { intent.gateway }

    /// In doubt, or finished unknown: the operator must check with the gateway before trying again.
    public var needsChecking: Bool {
        switch state {
        case .inDoubt: true
        case .finished(let o): o.result == .unknown
        case .inFlight: false
        }
    }

    /// The label as a single word for filters and JSON: `in-doubt`, `in-flight`, `cancelled`, ...
    public var resultName: String { label.replacingOccurrences(of: " ", with: "-") }

    /// `cancelled`, `rejected`, `failed`, `unknown`, `in doubt` or `in flight`.
    public var label: String {
        switch state {
        case .inFlight: "in flight"
        case .inDoubt: "in doubt"
        case .finished(let o): o.result.rawValue
        }
    }
}

public enum AttemptHistory {
    /// Joins `entries` into attempts, newest first. `isInFlight(gateway, target)` tells a live call from a dead one.
    public static func attempts(_ entries: [AuditEntry], isInFlight: (String, String) -> Bool) -> [Attempt] {
        var outcomes: [String: AuditEntry] = [:]
        for entry in entries where entry.event == .outcome { outcomes[entry.attemptId] = entry }
        var attempts: [Attempt] = []
        for intent in entries where intent.event == .intent {
            let outcome = outcomes[intent.attemptId]
            let state: Attempt.State
            if let o = outcome?.outcome {
                state = .finished(o)
            } else {
                state = isInFlight(intent.gateway, intent.target) ? .inFlight : .inDoubt
            }
            attempts.append(Attempt(intent: intent, outcome: outcome, state: state))
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
