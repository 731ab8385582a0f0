import PaydeskCore

/// Which record a cancellation is about: the gateway (`xpay`, `praxis`) and the record's key as text.
public struct TargetID: Hashable, Sendable, CustomStringConvertible {
    public let gateway: String
    public let key: String

    public init(gateway: String, key: String) {
        self.gateway = gateway
        self.key = key
    }

    public var description: String { "\(gateway) \(key)" }
}

/// One open session or pending payout as the console lists it: its key, its time (created or requested)
/// and every field of its latest store line, unknown ones included.
public struct TargetRow: Sendable {
    public let id: TargetID
    public let time: Timestamp
    public let fields: RecordFields
    /// Fields the record kind does not know: kept and shown in the details.
    public let unknownFields: [(String, JSONValue)]

    public init(id: TargetID, time: Timestamp, fields: RecordFields, unknownFields: [(String, JSONValue)] = []) {
        self.id = id
        self.time = time
        self.fields = fields
        self.unknownFields = unknownFields
    }

    /// The amount in minor units, for sorting.
    var minorUnits: Int64 {
        if case .number(let n)? = fields["amount"], let minor = Int64(n) { return minor }
        return .min
    }
}

/// What the console shows of one profile, loaded by the runner from its store and audit trail.
public struct ConsoleData: Sendable {
    /// Sessions whose line says open (the view drops them as they expire).
    public var sessions: [TargetRow]
    /// Payouts whose line says pending.
    public var payouts: [TargetRow]
    /// The profile's attempts, newest first.
    public var attempts: [Attempt]
    /// Bad lines skipped while reading, already worded for the operator.
    public var problems: [String]

    public init(sessions: [TargetRow] = [], payouts: [TargetRow] = [], attempts: [Attempt] = [], problems: [String] = []) {
        self.sessions = sessions
        self.payouts = payouts
        self.attempts = attempts
        self.problems = problems
    }
}
