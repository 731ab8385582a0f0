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

/// One open session or pending payout as the console lists it: its key, its time (created or requested) and
/// its latest store line, kept as bytes. Fields are read from the line only for rows someone looks at.
public struct TargetRow: Sendable {
    // The key, and whether it is a session (else a payout): not the gateway's name, which a million rows would
    // repeat. The flag last, where it packs best.
    /// The record's key as text (`id.key`, without building the id).
    let key: String
    public let time: Timestamp
    public let line: StoredLine
    private let isSession: Bool

    public init(id: TargetID, time: Timestamp, line: StoredLine) {
        self.init(key: id.key, isSession: id.gateway == SessionKind.gatewayName, time: time, line: line)
    }

    init(key: String, isSession: Bool, time: Timestamp, line: StoredLine) {
        self.key = key
        self.isSession = isSession
        self.time = time
        self.line = line
    }

    public var id: TargetID { TargetID(gateway: isSession ? SessionKind.gatewayName : PayoutKind.gatewayName, key: key) }

    /// A row from fields, as tests and the benchmark build them.
    public init(id: TargetID, time: Timestamp, fields: RecordFields) {
        self.init(id: id, time: time, line: StoredLine(Array(JSONValue.object(fields.members).jsonText.utf8)))
    }

    /// Every field of the line, unknown ones included (parsed now).
    public var fields: RecordFields { line.fields }

    /// Fields the record kind does not know: kept and shown in the details.
    public var unknownFields: [(String, JSONValue)] {
        id.gateway == SessionKind.gatewayName ? fields.unknown(SessionKind.self) : fields.unknown(PayoutKind.self)
    }
}

/// A row being drawn or sorted, with the fields its columns show read once from its line (the others are
/// skipped unread: one may be megabytes long).
struct ShownTarget {
    let row: TargetRow
    let fields: LineTexts

    private static let sessionFields = FieldNames(SessionKind.fields.map(\.name))
    private static let payoutFields = FieldNames(PayoutKind.fields.map(\.name))

    init(_ row: TargetRow) {
        self.row = row
        let known = row.id.gateway == SessionKind.gatewayName ? Self.sessionFields : Self.payoutFields
        fields = LineTexts(row.line.bytes, knownNames: known, keepingOthers: false)
    }

    var id: TargetID { row.id }
    var time: Timestamp { row.time }

    /// The amount in minor units, for sorting.
    var minorUnits: Int64 { Int64(fields.text("amount")) ?? .min }
}

/// What the console shows of one profile: each tab's rows, the attempts, and what could not be read.
public struct ConsoleData: Sendable {
    /// Sessions whose line says open (the view drops them as they expire).
    public var sessions: TargetRows
    /// Payouts whose line says pending.
    public var payouts: TargetRows
    /// The profile's attempts, newest first.
    public var attempts: [Attempt]
    /// Bad lines skipped while reading, already worded for the operator, per source.
    public var sessionsProblem: String?
    public var payoutsProblem: String?
    public var auditProblem: String?

    public init(sessions: [TargetRow] = [], payouts: [TargetRow] = [], attempts: [Attempt] = []) {
        self.sessions = TargetRows(sessions)
        self.payouts = TargetRows(payouts)
        self.attempts = attempts
    }

    /// Nothing read yet: the screen says it is loading.
    public static var loading: ConsoleData {
        var data = ConsoleData()
        data.sessions = TargetRows(loading: 0)
        data.payouts = TargetRows(loading: 0)
        return data
    }

    public var problems: [String] { [sessionsProblem, payoutsProblem, auditProblem].compactMap { $0 } }

    /// A tab's rows, to read (changes go to `sessions` or `payouts` in place: through a copy they copy every row).
    subscript(tab: ConsoleTab) -> TargetRows { tab == .sessions ? sessions : payouts }

}

/// What changed in a profile's files, as the feed read it: per tab, and the attempts when the trail changed.
public struct ConsoleDataChange: Sendable {
    public var sessions: RowChange?
    public var payouts: RowChange?
    public var attempts: [Attempt]?
    /// The trail's problem now ("" for none), when the trail changed.
    public var auditProblem: String?

    public init(sessions: RowChange? = nil, payouts: RowChange? = nil, attempts: [Attempt]? = nil, auditProblem: String? = nil) {
        self.sessions = sessions
        self.payouts = payouts
        self.attempts = attempts
        self.auditProblem = auditProblem
    }

    public var isEmpty: Bool { sessions == nil && payouts == nil && attempts == nil && auditProblem == nil }
}

/// One tab's rows that changed: opened (new or changed lines that are open) and closed keys. A fresh change
/// replaces every row.
public struct RowChange: Sendable {
    public var isFresh: Bool
    public var opened: [TargetRow]
    public var closed: [String]
    /// The store's bad lines, worded for the operator, or nil.
    public var problem: String?
    /// While the store is still being read from its start: how much of it was read (0...1).
    public var loading: Double?

    public init(isFresh: Bool = false, opened: [TargetRow] = [], closed: [String] = [], problem: String? = nil, loading: Double? = nil) {
        self.isFresh = isFresh
        self.opened = opened
        self.closed = closed
        self.problem = problem
        self.loading = loading
    }
}

extension RowChange {
    /// A follower's change as the console's rows, its bad lines worded for the operator.
    @_specialize(exported: true, where Kind == PayoutKind)
    @_specialize(exported: true, where Kind == SessionKind)
    public init<Kind: CancellableKind>(_ change: StoreFollower<Kind>.Change, path: String) {
        let problem = change.firstProblem.map {
            "\(change.problemCount) bad line(s) skipped in \(path) (the file is unchanged), first at line \($0.line): "
                + "\($0.message). `paydesk store check` lists them."
        }
        // Half a million rows at start: the key's own `description`, not `String(describing:)`'s dynamic casts,
        // and no gateway name to build and compare per row.
        let isSession = Kind.self == SessionKind.self
        self.init(isFresh: change.isFresh, opened: change.opened.map { entry in
            TargetRow(key: entry.key.description, isSession: isSession, time: entry.time, line: entry.line)
        }, closed: change.closed.map(\.description), problem: problem, loading: change.loading)
    }
}
