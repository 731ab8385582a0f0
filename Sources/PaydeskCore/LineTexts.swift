/// The names a `LineTexts` looks for, with their bytes made once (not once per line).
public struct FieldNames: Sendable {
    let names: [String]
    let bytes: [[UInt8]]

    public init(_ names: [String]) {
        self.names = names
        bytes = names.map { Array($0.utf8) }
    }
}

/// The text of a line's fields as a table shows them, read from the line's bytes without building the record:
/// `paydesk list` prints half a million of them.
public struct LineTexts {
    private var known: [String?]
    private let names: [String]
    /// Fields the kind does not know, name and text, in the line's order.
    public private(set) var others: [(String, String)] = []

    /// `keepingOthers: false` skips the fields the kind does not know without making text of them (one may be
    /// megabytes long, and a screen row does not show it).
    public init(_ line: UnsafeBufferPointer<UInt8>, knownNames fieldNames: FieldNames, keepingOthers: Bool = true) {
        let knownNames = fieldNames.names, nameBytes = fieldNames.bytes
        names = knownNames
        known = Array(repeating: nil, count: knownNames.count)
        MemberSpans.forEach(in: line) { m in
            let name = m.nameEscaped ? Self.text(m.name, escaped: true, isString: true) : nil
            let index = name.map { knownNames.firstIndex(of: $0) } ?? nameBytes.firstIndex { $0.elementsEqual(m.name) }
            if index == nil, !keepingOthers { return true }
            let value = m.value.count == 4 && !m.isString && m.value.elementsEqual("null".utf8) ? nil
                : Self.text(m.value, escaped: m.valueEscaped, isString: m.isString)
            if let index {
                known[index] = value   // a name given twice: the last wins, as everywhere
            } else {
                others.append((name ?? String(decoding: m.name, as: UTF8.self), value ?? "null"))
            }
            return true
        }
    }

    /// The field's text, or "" when absent or null.
    public func text(_ name: String) -> String {
        names.firstIndex(of: name).flatMap { known[$0] } ?? ""
    }

    /// `12.34 EUR` from `amount` and `currency`, or "" without a whole-number amount.
    public var amountText: String {
        guard let minor = Int64(text("amount")) else { return "" }
        let currency = text("currency")
        return Money.format(minorUnits: minor, currency: currency.isEmpty ? nil : currency)
    }

    /// A value's text: a string's decoded, anything else as written.
    static func text(_ span: UnsafeBufferPointer<UInt8>, escaped: Bool, isString: Bool) -> String {
        guard escaped else { return String(decoding: span, as: UTF8.self) }
        if isString {
            var quoted = [UInt8(ascii: "\"")] + Array(span)
            quoted.append(UInt8(ascii: "\""))
            if case .string(let s)? = try? JSONValue.parse(quoted) { return s }
        } else if let value = try? JSONValue.parse(Array(span)) {
            return value.displayText
        }
        return String(decoding: span, as: UTF8.self)
    }
}
