/// What a store line must hold, per kind of record. The two kinds differ only in this table,
/// so the loader, importer and compactor are written once.
public protocol RecordKind: Sendable {
    associatedtype Key: Hashable & Comparable & Sendable & CustomStringConvertible & IndexKey

    /// "session" or "payout": used in messages.
    static var noun: String { get }
    /// "sessions.jsonl" or "payouts.jsonl".
    static var fileName: String { get }
    /// The known fields. By convention the first is the key, the second the timestamp, the third the state.
    static var fields: [FieldSpec] { get }
    /// The state's values; the first is the default when the field is absent (open, pending).
    static var states: [String] { get }

    /// The key out of a member of the line, or why it is not one.
    static func key(_ scanner: JSONScanner, _ member: JSONScanner.Member) -> Result<Key, FieldError>
    /// The key as typed by a person on the command line.
    static func key(parsing text: String) -> Key?
    /// The state (index into `states`) that counts at `now`, which may differ from the line's.
    static func effectiveState(_ state: UInt8, time: Timestamp, now: Timestamp) -> UInt8
    /// Reads a store file of this kind (see `StoreSnapshot.load`).
    static func loadStore(path: String) throws -> StoreSnapshot<Self>
}

/// One known field of a store line and the type its value must have.
/// Its byte tables live for the whole run, outside reference counting: the loader reads them for
/// every member of a million lines, and retaining arrays there cost a fifth of the load time.
/// It holds no reference-counted value at all, so copying one is free.
public struct FieldSpec: @unchecked Sendable {
    public enum ValueType: Sendable, Equatable {
        case text, integer, timestamp, currency
        /// One of `choices`.
        case choice
    }
    public let type: ValueType
    public let required: Bool
    let nameBytes: UnsafeBufferPointer<UInt8>
    let choiceBytes: UnsafeBufferPointer<UnsafeBufferPointer<UInt8>>

    public var name: String { String(decoding: nameBytes, as: UTF8.self) }
    public var choices: [String] { choiceBytes.map { String(decoding: $0, as: UTF8.self) } }

    public init(_ name: String, _ type: ValueType, required: Bool = false, choices: [String] = []) {
        self.type = type
        self.required = required
        nameBytes = Self.permanent(Array(name.utf8))
        choiceBytes = Self.permanent(choices.map { Self.permanent(Array($0.utf8)) })
    }

    /// A copy that is never freed: field specs are static tables.
    private static func permanent<T>(_ values: [T]) -> UnsafeBufferPointer<T> {
        let p = UnsafeMutableBufferPointer<T>.allocate(capacity: max(values.count, 1))
        _ = p.initialize(from: values)
        return UnsafeBufferPointer(start: p.baseAddress, count: values.count)
    }

    /// For a `choice` field: which of the choices the member spells, or nil.
    @inline(__always)
    func choiceIndex(_ s: JSONScanner, _ m: JSONScanner.Member) -> Int? {
        guard m.kind == .string else { return nil }
        if m.flag {   // written with escapes: rare, compare as text
            let text = s.decodeString(m.valueStart + 1, m.valueEnd - 1, hasEscapes: true)
            return choices.firstIndex(of: text)
        }
        for k in 0..<choiceBytes.count where s.equals(m.valueStart + 1, m.valueEnd - 1, choiceBytes[k]) { return k }
        return nil
    }

    /// A timestamp member's value (escapes resolved), or nil if it is not RFC 3339.
    static func timestamp(_ s: JSONScanner, _ m: JSONScanner.Member) -> Timestamp? {
        guard m.kind == .string else { return nil }
        if m.flag { return Timestamp.parseRFC3339(s.decodeString(m.valueStart + 1, m.valueEnd - 1, hasEscapes: true)) }
        return Timestamp.parseRFC3339(UnsafeBufferPointer(start: s.bytes + m.valueStart + 1, count: m.valueEnd - m.valueStart - 2))
    }

    /// Why a value does not fit, in words, or nil when it fits. `null` counts as absent for optional fields.
    @inline(__always)
    func problem(_ s: JSONScanner, _ m: JSONScanner.Member) -> String? {
        if m.kind == .null { return required ? "\(name) must not be null" : nil }
        switch type {
        case .text:
            return m.kind == .string ? nil : "\(name) must be a string, not \(m.kind.noun)"
        case .integer:
            guard m.kind == .number, !m.flag, s.decodeInt64(m.valueStart, m.valueEnd) != nil else {
                return "\(name) must be a whole number (minor units), not \(m.kind == .number ? "a fraction or a number this large" : m.kind.noun)"
            }
            return nil
        case .timestamp:
            guard m.kind == .string else { return "\(name) must be an RFC 3339 timestamp string, not \(m.kind.noun)" }
            return Self.timestamp(s, m) == nil ? "\(name) is not an RFC 3339 timestamp such as 2026-11-21T09:30:00Z" : nil
        case .currency:
            guard m.kind == .string else { return "\(name) must be a three-letter ISO 4217 code string, not \(m.kind.noun)" }
            let ok = m.valueEnd - m.valueStart == 5 && s.isCurrencyCode(at: m.valueStart)
            return ok ? nil : "\(name) must be a three-letter ISO 4217 code in capitals, such as EUR"
        case .choice:
            if choiceIndex(s, m) != nil { return nil }
            return "\(name) must be one of \(choices.joined(separator: ", "))" + (m.kind == .string ? "" : ", not \(m.kind.noun)")
        }
    }
}

public struct FieldError: Error, Sendable, Equatable {
    public let message: String
}

extension JSONScanner.Kind {
    var noun: String {
        switch self {
        case .string: "a string"
        case .number: "a number"
        case .object: "an object"
        case .array: "an array"
        case .bool: "true/false"
        case .null: "null"
        }
    }
}

/// An XPay Build payment session (`sessions.jsonl`), keyed by its `session_id`.
public enum SessionKind: RecordKind {
    public static let noun = "session"
    public static let fileName = "sessions.jsonl"
    public static let states = ["open", "cancelled", "expired", "paid"]
    public static let fields: [FieldSpec] = [
        FieldSpec("session_id", .text, required: true),
        FieldSpec("created_at", .timestamp, required: true),
        FieldSpec("state", .choice, choices: states),
        FieldSpec("order_id", .text),
        FieldSpec("amount", .integer),
        FieldSpec("currency", .currency),
        FieldSpec("customer_id", .text),
        FieldSpec("description", .text),
    ]
    /// The seed: a session not cancelled is invalidated 5 minutes after it was created.
    static let lifetimeSeconds: Int64 = 300

    public static func key(_ s: JSONScanner, _ m: JSONScanner.Member) -> Result<SessionID, FieldError> {
        guard m.kind == .string else { return .failure(FieldError(message: "session_id must be a string, not \(m.kind.noun)")) }
        let id = s.decodeString(m.valueStart + 1, m.valueEnd - 1, hasEscapes: m.flag)
        guard !id.isEmpty, !id.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            return .failure(FieldError(message: "session_id must be non-empty, without spaces"))
        }
        return .success(SessionID(id))
    }

    public static func key(parsing text: String) -> SessionID? {
        text.isEmpty || text.contains(where: { $0.isWhitespace }) ? nil : SessionID(text)
    }

    // Written per kind so the loader is specialized for it: generic, it runs several times slower.
    public static func loadStore(path: String) throws -> StoreSnapshot<SessionKind> { try StoreSnapshot(path: path) }
}

/// A Praxis payout (`payouts.jsonl`), keyed by its integer `trace_id`.
public enum PayoutKind: RecordKind {
    public static let noun = "payout"
    public static let fileName = "payouts.jsonl"
    public static let states = ["pending", "cancelled", "approved", "rejected"]
    public static let fields: [FieldSpec] = [
        FieldSpec("trace_id", .integer, required: true),
        FieldSpec("requested_at", .timestamp, required: true),
        FieldSpec("status", .choice, choices: states),
        FieldSpec("order_id", .text),
        FieldSpec("amount", .integer),
        FieldSpec("currency", .currency),
        FieldSpec("customer_id", .text),
        FieldSpec("payment_method", .text),
    ]

    public static func key(_ s: JSONScanner, _ m: JSONScanner.Member) -> Result<Int64, FieldError> {
        guard m.kind == .number, !m.flag, let id = s.decodeInt64(m.valueStart, m.valueEnd), id > 0 else {
            return .failure(FieldError(message: "trace_id must be a positive whole number, not \(m.kind == .number ? "this number" : m.kind.noun)"))
        }
        return .success(id)
    }

    public static func key(parsing text: String) -> Int64? {
        guard let id = Int64(text), id > 0 else { return nil }
        return id
    }

    public static func loadStore(path: String) throws -> StoreSnapshot<PayoutKind> { try StoreSnapshot(path: path) }
}
