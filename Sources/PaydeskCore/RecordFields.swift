import Foundation

/// Every field of one record, in its line's order, with the lookups the screens and tables need.
public struct RecordFields: Sendable {
    public let members: [(String, JSONValue)]

    public init(_ members: [(String, JSONValue)]) { self.members = members }

    public subscript(name: String) -> JSONValue? {
        members.last { $0.0 == name }?.1
    }

    /// The field as a person reads it, or "" when absent or null.
    public func text(_ name: String) -> String {
        switch self[name] {
        case nil, .null?: ""
        case let value?: value.displayText
        }
    }

    /// `12.34 EUR` from `amount` and `currency`, or "" without an amount.
    public var amountText: String { RecordAmount(self)?.text ?? "" }

    /// Fields the kind does not know: kept and shown, never dropped.
    public func unknown<Kind: RecordKind>(_ kind: Kind.Type) -> [(String, JSONValue)] {
        let known = Set(Kind.fields.map(\.name))
        return members.filter { !known.contains($0.0) }
    }
}

extension StoreSnapshot {
    public func recordFields(of record: StoredRecord<Kind.Key>) -> RecordFields { RecordFields(fields(of: record)) }
}
