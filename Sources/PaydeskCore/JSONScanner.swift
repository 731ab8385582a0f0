import CLibcExtras

/// A strict, allocation-free JSON (RFC 8259) scanner over one line of bytes.
///
/// The store loads a million lines in well under a second, so the hot path never builds values:
/// it validates and reports where each top-level member's key and value sit. Values are decoded
/// only for the few fields the index needs, and whole records only when someone looks at them.
public struct JSONScanner {
    let bytes: UnsafePointer<UInt8>
    let count: Int

    /// Nesting deeper than this is refused rather than risking the stack on hostile input.
    static let maxDepth = 64

    struct SyntaxError: Error, Equatable {
        /// Byte offset within the line, 0-based.
        let offset: Int
        let message: String
    }

    public enum Kind: UInt8 { case string, number, object, array, bool, null }

    /// One member of the top-level object: where its key and value are, and what the value is.
    public struct Member {
        let keyStart: Int       // first byte inside the quotes
        let keyEnd: Int         // the closing quote
        let keyHasEscapes: Bool
        let kind: Kind
        let valueStart: Int
        let valueEnd: Int       // one past the value
        /// For strings: whether the content holds backslash escapes. For numbers: whether it has a fraction or exponent.
        let flag: Bool
    }

    /// Whether the value at `i` is a three-letter currency code in capitals, quotes and all (`"EUR"`).
    @inline(__always) func isCurrencyCode(at i: Int) -> Bool {
        i + 5 <= count && bytes[i] == UInt8(ascii: "\"") && bytes[i + 4] == UInt8(ascii: "\"")
            && bytes[i + 1] &- UInt8(ascii: "A") < 26 && bytes[i + 2] &- UInt8(ascii: "A") < 26 && bytes[i + 3] &- UInt8(ascii: "A") < 26
    }

    init(_ bytes: UnsafePointer<UInt8>, count: Int) {
        self.bytes = bytes
        self.count = count
    }

    @inline(__always) func skipWhitespace(_ start: Int) -> Int {
        var i = start
        while i < count {
            let c = bytes[i]
            // Mostly there is none: one compare says so.
            if c <= 0x20, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1 } else { break }
        }
        return i
    }

    /// Where iteration over the members of the line's object stands: before the next member, or done.
    struct Cursor {
        fileprivate var index: Int
        fileprivate var done: Bool
    }

    /// Checks the line opens an object; the cursor stands before its first member.
    func openObject() throws -> Cursor {
        let i = skipWhitespace(0)
        guard i < count, bytes[i] == UInt8(ascii: "{") else {
            throw SyntaxError(offset: i, message: i < count ? "expected a JSON object starting with '{'" : "empty line")
        }
        let j = skipWhitespace(i + 1)
        if j < count, bytes[j] == UInt8(ascii: "}") {
            try expectEnd(j + 1)
            return Cursor(index: j + 1, done: true)
        }
        return Cursor(index: j, done: false)
    }

    /// The member at the cursor and the cursor after it, or nil after the last (having checked nothing follows the object).
    func nextMember(_ cursor: Cursor) throws -> (Member, Cursor)? {
        if cursor.done { return nil }
        var i = cursor.index
        guard i < count, bytes[i] == UInt8(ascii: "\"") else {
            throw SyntaxError(offset: i, message: "expected a field name in double quotes")
        }
        let key = try scanString(i)
        i = skipWhitespace(key.end)
        guard i < count, bytes[i] == UInt8(ascii: ":") else {
            throw SyntaxError(offset: i, message: "expected ':' after the field name")
        }
        i = skipWhitespace(i + 1)
        let valueStart = i
        let value = try scanValue(i, depth: 1)
        let member = Member(keyStart: key.contentStart, keyEnd: key.end - 1, keyHasEscapes: key.flag,
                            kind: value.kind, valueStart: valueStart, valueEnd: value.end, flag: value.flag)
        i = skipWhitespace(value.end)
        guard i < count else { throw SyntaxError(offset: i, message: "the object is not closed: expected ',' or '}'") }
        if bytes[i] == UInt8(ascii: ",") {
            return (member, Cursor(index: skipWhitespace(i + 1), done: false))
        } else if bytes[i] == UInt8(ascii: "}") {
            try expectEnd(i + 1)
            return (member, Cursor(index: i + 1, done: true))
        }
        throw SyntaxError(offset: i, message: "expected ',' or '}' after a value")
    }

    private func expectEnd(_ start: Int) throws {
        let i = skipWhitespace(start)
        if i < count { throw SyntaxError(offset: i, message: "unexpected text after the closing '}'") }
    }

    struct Scanned {
        let end: Int
        let kind: Kind
        let flag: Bool
        var contentStart: Int = 0
    }

    func scanValue(_ start: Int, depth: Int) throws -> Scanned {
        guard start < count else { throw SyntaxError(offset: start, message: "expected a value") }
        switch bytes[start] {
        case UInt8(ascii: "\""):
            return try scanString(start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try scanNumber(start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            guard depth < Self.maxDepth else { throw SyntaxError(offset: start, message: "nested deeper than \(Self.maxDepth) levels") }
            return try scanContainer(start, depth: depth + 1)
        case UInt8(ascii: "t"):
            return Scanned(end: try expectLiteral("true", at: start), kind: .bool, flag: false)
        case UInt8(ascii: "f"):
            return Scanned(end: try expectLiteral("false", at: start), kind: .bool, flag: false)
        case UInt8(ascii: "n"):
            return Scanned(end: try expectLiteral("null", at: start), kind: .null, flag: false)
        default:
            throw SyntaxError(offset: start, message: "expected a value (string, number, object, array, true, false or null)")
        }
    }

    private func expectLiteral(_ word: StaticString, at start: Int) throws -> Int {
        let n = word.utf8CodeUnitCount
        guard start + n <= count else { throw SyntaxError(offset: start, message: "expected '\(word)'") }
        let w = word.utf8Start
        for k in 0..<n where bytes[start + k] != w[k] {
            throw SyntaxError(offset: start, message: "expected '\(word)'")
        }
        return start + n
    }

    private func scanContainer(_ start: Int, depth: Int) throws -> Scanned {
        let isObject = bytes[start] == UInt8(ascii: "{")
        let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
        var i = skipWhitespace(start + 1)
        if i < count, bytes[i] == close {
            return Scanned(end: i + 1, kind: isObject ? .object : .array, flag: false)
        }
        while true {
            if isObject {
                guard i < count, bytes[i] == UInt8(ascii: "\"") else {
                    throw SyntaxError(offset: i, message: "expected a field name in double quotes")
                }
                i = skipWhitespace(try scanString(i).end)
                guard i < count, bytes[i] == UInt8(ascii: ":") else {
                    throw SyntaxError(offset: i, message: "expected ':' after the field name")
                }
                i = skipWhitespace(i + 1)
            }
            i = skipWhitespace(try scanValue(i, depth: depth).end)
            guard i < count else {
                throw SyntaxError(offset: i, message: isObject ? "an object is not closed" : "an array is not closed")
            }
            if bytes[i] == UInt8(ascii: ",") {
                i = skipWhitespace(i + 1)
            } else if bytes[i] == close {
                return Scanned(end: i + 1, kind: isObject ? .object : .array, flag: false)
            } else {
                throw SyntaxError(offset: i, message: isObject ? "expected ',' or '}'" : "expected ',' or ']'")
            }
        }
    }

    /// `start` is the opening quote. The result's `flag` says whether the content holds escapes.
    func scanString(_ start: Int) throws -> Scanned {
        var i = start + 1
        var escaped = false
        while i < count {
            i += paydesk_string_stop(bytes + i, count - i)   // to the next quote, backslash, control or non-ASCII byte
            guard i < count else { break }
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                return Scanned(end: i + 1, kind: .string, flag: escaped, contentStart: start + 1)
            } else if c == UInt8(ascii: "\\") {
                escaped = true
                guard i + 1 < count else { break }
                switch bytes[i + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                     UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 2
                case UInt8(ascii: "u"):
                    guard i + 6 <= count, (2..<6).allSatisfy({ Self.hexValue(bytes[i + $0]) != nil }) else {
                        throw SyntaxError(offset: i, message: "a \\u escape needs four hex digits")
                    }
                    i += 6
                default:
                    throw SyntaxError(offset: i, message: "unknown escape '\\\(Character(UnicodeScalar(bytes[i + 1])))' in a string")
                }
            } else if c < 0x20 {
                throw SyntaxError(offset: i, message: "a control character inside a string must be escaped")
            } else if c < 0x80 {
                i += 1
            } else {
                i = try skipUTF8Sequence(i)
            }
        }
        throw SyntaxError(offset: start, message: "a string is not closed")
    }

    /// Validates one multi-byte UTF-8 sequence (no overlongs, no surrogates, nothing past U+10FFFF).
    private func skipUTF8Sequence(_ i: Int) throws -> Int {
        let c = bytes[i]
        let length: Int
        var lower: UInt8 = 0x80, upper: UInt8 = 0xBF
        switch c {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lower = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; upper = 0x9F
        case 0xF0: length = 4; lower = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; upper = 0x8F
        default: throw SyntaxError(offset: i, message: "invalid UTF-8")
        }
        guard i + length <= count else { throw SyntaxError(offset: i, message: "invalid UTF-8") }
        let second = bytes[i + 1]
        guard second >= lower, second <= upper else { throw SyntaxError(offset: i, message: "invalid UTF-8") }
        for k in 2..<max(2, length) where bytes[i + k] & 0xC0 != 0x80 {
            throw SyntaxError(offset: i, message: "invalid UTF-8")
        }
        return i + length
    }

    /// The result's `flag` is true when the number has a fraction or an exponent (so it is not an integer).
    func scanNumber(_ start: Int) throws -> Scanned {
        var i = start
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < count, isDigit(bytes[i]) else { throw SyntaxError(offset: start, message: "a number needs digits") }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
            if i < count, isDigit(bytes[i]) { throw SyntaxError(offset: start, message: "a number must not start with 0") }
        } else {
            while i < count, isDigit(bytes[i]) { i += 1 }
        }
        var fractional = false
        if i < count, bytes[i] == UInt8(ascii: ".") {
            fractional = true
            i += 1
            guard i < count, isDigit(bytes[i]) else { throw SyntaxError(offset: i, message: "a decimal point needs digits after it") }
            while i < count, isDigit(bytes[i]) { i += 1 }
        }
        if i < count, bytes[i] | 0x20 == UInt8(ascii: "e") {
            fractional = true
            i += 1
            if i < count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < count, isDigit(bytes[i]) else { throw SyntaxError(offset: i, message: "an exponent needs digits") }
            while i < count, isDigit(bytes[i]) { i += 1 }
        }
        return Scanned(end: i, kind: .number, flag: fractional)
    }

    @inline(__always) private func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }

    static func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(c - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(c - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(c - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    // MARK: Decoding the few values the index needs

    /// The text of a string whose content is `start..<end` (between the quotes), escapes resolved.
    func decodeString(_ start: Int, _ end: Int, hasEscapes: Bool) -> String {
        if !hasEscapes {
            return String(decoding: UnsafeBufferPointer(start: bytes + start, count: end - start), as: UTF8.self)
        }
        var out = [UInt8]()
        out.reserveCapacity(end - start)
        var i = start
        while i < end {
            let c = bytes[i]
            guard c == UInt8(ascii: "\\") else { out.append(c); i += 1; continue }
            let e = bytes[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4(i)
                i += 4
                // A surrogate pair spells one scalar; a lone surrogate becomes U+FFFD rather than failing.
                if scalar >= 0xD800, scalar < 0xDC00, i + 6 <= end, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                    let low = hex4(i + 2)
                    if low >= 0xDC00, low < 0xE000 {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                }
                let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default: out.append(e)   // \" \\ \/
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func hex4(_ i: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 << 4 | (Self.hexValue(bytes[i + $1]) ?? 0) }
    }

    /// An integer literal `start..<end` (already validated as a JSON number without fraction), or nil past Int64.
    func decodeInt64(_ start: Int, _ end: Int) -> Int64? {
        var i = start
        let negative = bytes[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        var value: Int64 = 0
        if end - i <= 18 {   // cannot overflow: no checks (keys and amounts are read a million times)
            while i < end {
                value = value &* 10 &+ Int64(bytes[i] &- UInt8(ascii: "0"))
                i += 1
            }
            return negative ? -value : value
        }
        while i < end {
            let d = Int64(bytes[i] &- UInt8(ascii: "0"))
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = negative ? m.subtractingReportingOverflow(d) : m.addingReportingOverflow(d)
            if o1 || o2 { return nil }
            value = s
            i += 1
        }
        return value
    }

    /// Whether `start..<end` spells exactly `word` (ASCII).
    @inline(__always) func equals(_ start: Int, _ end: Int, _ word: UnsafeBufferPointer<UInt8>) -> Bool {
        guard end - start == word.count else { return false }
        guard let w = word.baseAddress else { return true }
        return sameBytes(bytes + start, w, word.count)
    }

    /// Whether two byte ranges of the line are equal.
    @inline(__always) func equals(_ a: Int, _ aEnd: Int, _ b: Int, _ bEnd: Int) -> Bool {
        aEnd - a == bEnd - b && sameBytes(bytes + a, bytes + b, aEnd - a)
    }

    /// The first seven bytes of `start..<end` (zero-padded) with the length in the top byte: two names
    /// of up to seven bytes are equal exactly when their fingerprints are.
    @inline(__always) func fingerprint(_ start: Int, _ end: Int) -> UInt64 {
        let n = end - start
        var v: UInt64 = 0
        if start + 8 <= count {   // one load where the line has the room: names are read for every member
            let kept = UInt64(min(n, 7))
            v = UnsafeRawPointer(bytes + start).loadUnaligned(as: UInt64.self).littleEndian & ((1 << (8 * kept)) &- 1)
        } else {
            for k in 0..<min(n, 7) { v |= UInt64(bytes[start + k]) << (8 * UInt64(k)) }
        }
        return v | UInt64(truncatingIfNeeded: n) << 56
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
