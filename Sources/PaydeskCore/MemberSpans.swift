#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The members of a valid JSON object line, each as bytes: its name, and its value (a string's between its
/// quotes, anything else as written), with whether each holds escapes. `body` returns false to stop.
enum MemberSpans {
    struct Member {
        let name: UnsafeBufferPointer<UInt8>
        let nameEscaped: Bool
        let value: UnsafeBufferPointer<UInt8>
        let valueEscaped: Bool
        let isString: Bool
    }

    /// Strings are stepped over sixteen bytes at a time, and only a line's nested values are searched for a
    /// backslash: `paydesk list` and the console's filter read half a million lines.
    @inline(__always) static func forEach(in line: UnsafeBufferPointer<UInt8>, _ body: (Member) -> Bool) {
        guard let base = line.baseAddress else { return }
        let n = line.count
        let s = JSONScanner(base, count: n)
        var i = s.skipWhitespace(0)
        guard i < n, base[i] == UInt8(ascii: "{") else { return }
        i = s.skipWhitespace(i + 1)
        while i < n, base[i] == UInt8(ascii: "\"") {
            guard let name = s.quickString(i) else { return }
            let nameSpan = UnsafeBufferPointer(start: base + i + 1, count: name.end - i - 2)
            i = s.skipWhitespace(name.end)
            guard i < n, base[i] == UInt8(ascii: ":") else { return }
            i = s.skipWhitespace(i + 1)
            guard i < n else { return }
            let member: Member
            if base[i] == UInt8(ascii: "\"") {
                guard let value = s.quickString(i) else { return }
                member = Member(name: nameSpan, nameEscaped: !name.plain, value: UnsafeBufferPointer(start: base + i + 1, count: value.end - i - 2),
                                valueEscaped: !value.plain, isString: true)
                i = value.end
            } else {
                guard let end = s.quickValue(i) else { return }
                let nested = base[i] == UInt8(ascii: "{") || base[i] == UInt8(ascii: "[")
                member = Member(name: nameSpan, nameEscaped: !name.plain, value: UnsafeBufferPointer(start: base + i, count: end - i),
                                valueEscaped: nested && memchr(base + i, 0x5C, end - i) != nil, isString: false)
                i = end
            }
            if !body(member) { return }
            i = s.skipWhitespace(i)
            guard i < n, base[i] == UInt8(ascii: ",") else { return }
            i = s.skipWhitespace(i + 1)
        }
    }
}
