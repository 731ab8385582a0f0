/// A JSON value that keeps what the store holds exactly: member order, and numbers as written
/// (an amount of 12345678901234567890 or 1.10 is shown and re-written unchanged).
public enum JSONValue: Equatable, Sendable {
    case string(String)
    case number(String)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case let (.string(x), .string(y)), let (.number(x), .number(y)): return x == y
        case let (.bool(x), .bool(y)): return x == y
        case (.null, .null): return true
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// Parses one JSON document (a line of the store, say).
    public static func parse(_ text: some Collection<UInt8>) throws -> JSONValue {
        let bytes = Array(text)
        return try bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, !buffer.isEmpty else {
                throw JSONScanner.SyntaxError(offset: 0, message: "empty input")
            }
            let scanner = JSONScanner(base, count: buffer.count)
            let start = scanner.skipWhitespace(0)
            let (value, end) = try build(scanner, at: start, depth: 1)
            let rest = scanner.skipWhitespace(end)
            guard rest == buffer.count else { throw JSONScanner.SyntaxError(offset: rest, message: "unexpected text after the value") }
            return value
        }
    }

    public static func parse(_ text: String) throws -> JSONValue { try parse(Array(text.utf8)) }

    private static func build(_ s: JSONScanner, at i: Int, depth: Int) throws -> (JSONValue, Int) {
        let scanned = try s.scanValue(i, depth: depth)
        switch scanned.kind {
        case .string:
            return (.string(s.decodeString(i + 1, scanned.end - 1, hasEscapes: scanned.flag)), scanned.end)
        case .number:
            return (.number(String(decoding: UnsafeBufferPointer(start: s.bytes + i, count: scanned.end - i), as: UTF8.self)), scanned.end)
        case .bool:
            return (.bool(s.bytes[i] == UInt8(ascii: "t")), scanned.end)
        case .null:
            return (.null, scanned.end)
        case .array, .object:
            // Already validated by scanValue: walk it again, building.
            let isObject = scanned.kind == .object
            var members: [(String, JSONValue)] = []
            var elements: [JSONValue] = []
            var j = s.skipWhitespace(i + 1)
            while s.bytes[j] != UInt8(ascii: isObject ? "}" : "]") {
                var key = ""
                if isObject {
                    let k = try s.scanString(j)
                    key = s.decodeString(j + 1, k.end - 1, hasEscapes: k.flag)
                    j = s.skipWhitespace(s.skipWhitespace(k.end) + 1)
                }
                let (value, end) = try build(s, at: j, depth: depth + 1)
                if isObject { members.append((key, value)) } else { elements.append(value) }
                j = s.skipWhitespace(end)
                if s.bytes[j] == UInt8(ascii: ",") { j = s.skipWhitespace(j + 1) }
            }
            return (isObject ? .object(members) : .array(elements), scanned.end)
        }
    }

    /// Compact JSON text, members in their order.
    public var jsonText: String {
        var out = ""
        write(to: &out)
        return out
    }

    public func write(to out: inout String) {
        switch self {
        case .string(let s): JSONValue.writeString(s, to: &out)
        case .number(let n): out += n
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            out += "["
            for (k, item) in items.enumerated() {
                if k > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (k, (key, value)) in members.enumerated() {
                if k > 0 { out += "," }
                JSONValue.writeString(key, to: &out)
                out += ":"
                value.write(to: &out)
            }
            out += "}"
        }
    }

    public static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where isUnprintable(scalar):
                // C0 and C1 controls, DEL, line separators and bidi overrides: a \u escape, so no reader's
                // terminal acts on them.
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    /// The value as a person reads it in a table cell: strings without quotes, everything else as JSON.
    public var displayText: String {
        if case .string(let s) = self { return s }
        return jsonText
    }

    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last(where: { $0.0 == key })?.1
    }
}

/// Building JSON output by hand, without Foundation's reordering.
public struct JSONObjectWriter {
    private var members: [(String, JSONValue)] = []
    public init() {}
    public mutating func add(_ key: String, _ value: String?) { if let value { members.append((key, .string(value))) } }
    public mutating func add(_ key: String, _ value: Int?) { if let value { members.append((key, .number(String(value)))) } }
    public mutating func add(_ key: String, _ value: Int64?) { if let value { members.append((key, .number(String(value)))) } }
    public mutating func add(_ key: String, _ value: Bool) { members.append((key, .bool(value))) }
    public mutating func add(_ key: String, _ value: JSONValue) { members.append((key, value)) }
    public var value: JSONValue { .object(members) }
    public var text: String { value.jsonText }
}
