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

    @inline(__always) static func forEach(in line: UnsafeBufferPointer<UInt8>, _ body: (Member) -> Bool) {
        guard let base = line.baseAddress else { return }
        let n = line.count
        var i = 0
        func skipBlanks() { while i < n, base[i] == 0x20 || base[i] == 0x09 || base[i] == 0x0D { i += 1 } }
        /// From an opening quote at `i`: moves past the closing one; returns the content's end and whether it has
        /// escapes. Eight bytes at a time up to the first quote or backslash (a line has some twenty strings).
        func skipString() -> (end: Int, escaped: Bool) {
            let ones: UInt64 = 0x0101_0101_0101_0101
            var j = i + 1
            var escaped = false
            while j < n {
                if j + 8 <= n {
                    let w = UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self)
                    let quote = w ^ (ones &* 0x22), slash = w ^ (ones &* 0x5C)
                    // The lowest byte flagged is exactly the first quote or backslash.
                    let hit = ((quote &- ones) & ~quote | (slash &- ones) & ~slash) & (ones &* 0x80)
                    if hit == 0 {
                        j += 8
                        continue
                    }
                    j += hit.trailingZeroBitCount / 8
                }
                switch base[j] {
                case 0x22:
                    i = j + 1
                    return (j, escaped)
                case 0x5C:
                    escaped = true
                    j += 2   // the escaped byte, a quote or not, is content
                default:
                    j += 1
                }
            }
            i = n
            return (n, escaped)
        }
        skipBlanks()
        guard i < n, base[i] == UInt8(ascii: "{") else { return }
        i += 1
        while i < n {
            skipBlanks()
            guard i < n, base[i] == 0x22 else { return }   // '}' or the end
            let nameStart = i + 1
            let (nameEnd, nameEscaped) = skipString()
            let name = UnsafeBufferPointer(start: base + nameStart, count: nameEnd - nameStart)
            skipBlanks()
            guard i < n, base[i] == UInt8(ascii: ":") else { return }
            i += 1
            skipBlanks()
            guard i < n else { return }
            let start = i
            let member: Member
            switch base[i] {
            case 0x22:
                let (end, escaped) = skipString()
                member = Member(name: name, nameEscaped: nameEscaped, value: UnsafeBufferPointer(start: base + start + 1, count: end - start - 1),
                                valueEscaped: escaped, isString: true)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                var escaped = false
                while i < n {
                    let c = base[i]
                    if c == 0x22 { escaped = skipString().escaped || escaped; continue }
                    if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") { depth += 1 }
                    if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") { depth -= 1 }
                    i += 1
                    if depth == 0 { break }
                }
                member = Member(name: name, nameEscaped: nameEscaped, value: UnsafeBufferPointer(start: base + start, count: i - start),
                                valueEscaped: escaped, isString: false)
            default:
                while i < n, base[i] != UInt8(ascii: ","), base[i] != UInt8(ascii: "}"), base[i] != 0x20, base[i] != 0x09 { i += 1 }
                member = Member(name: name, nameEscaped: nameEscaped, value: UnsafeBufferPointer(start: base + start, count: i - start),
                                valueEscaped: false, isString: false)
            }
            if !body(member) { return }
            skipBlanks()
            if i < n, base[i] == UInt8(ascii: ",") { i += 1 }
        }
    }
}
