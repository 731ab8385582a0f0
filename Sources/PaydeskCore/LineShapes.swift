/// The field names, in order, of the last few lines `summarize` accepted. A store's writer puts the same fields
/// in the same order on every line (one or two layouts), so `quickSummary` can check a line against a known
/// layout in one tight pass: one compare per name, and each value checked by its field's type.
/// Owned by one scanning thread; its memory lives inside `LineShapes.with`.
struct LineShapes {
    /// One member of a layout: how its value is checked, and where its name is in `names` (quotes included).
    struct Member {
        let check: Check
        /// The known field's index in the kind's `fields`, or -1.
        let field: Int8
        /// A known field that may be null (absent).
        let nullable: Bool
        let nameStart: UInt16
        let nameCount: UInt16
    }

    /// How `quickSummary` checks a member's value: by the role or type of the known field it names.
    enum Check: UInt8 {
        case unknown, key, time, state, text, integer, timestamp, currency, choice
    }

    static let kept = 4
    static let maxMembers = 32
    static let maxNameBytes = 512

    private let members: UnsafeMutablePointer<Member>   // `kept` rows of `maxMembers`
    private let names: UnsafeMutablePointer<UInt8>      // `kept` rows of `maxNameBytes`
    private let counts: UnsafeMutablePointer<Int>       // `kept`
    /// Layouts learned so far, and the one the last line had (tried first).
    private(set) var learned = 0
    private var latest = 0
    /// The date part of the last `…T…Z` timestamp read, and when its day starts: a store's lines come in time
    /// order, so most timestamps need only their time of day read.
    var day = (date: UInt64(0), rest: UInt16(0), start: Int64(0), known: false)

    private init() {
        members = .allocate(capacity: Self.kept * Self.maxMembers)
        names = .allocate(capacity: Self.kept * Self.maxNameBytes)
        counts = .allocate(capacity: Self.kept)
    }

    static func with<R>(_ body: (inout LineShapes) -> R) -> R {
        var shapes = LineShapes()
        defer {
            shapes.members.deallocate()
            shapes.names.deallocate()
            shapes.counts.deallocate()
        }
        return body(&shapes)
    }

    /// The `k`th layout to try, counting from the last line's (`k < learned`).
    func shape(_ k: Int) -> (index: Int, members: UnsafeBufferPointer<Member>, names: UnsafePointer<UInt8>) {
        let index = latest + k < learned ? latest + k : latest + k - learned
        return (index, UnsafeBufferPointer(start: members + index * Self.maxMembers, count: counts[index]),
                UnsafePointer(names + index * Self.maxNameBytes))
    }

    mutating func matched(_ index: Int) { latest = index }

    /// Remembers the layout of a line `summarize` accepted (so without a name given twice), unless a name has
    /// escapes (then bytes would not compare as names) or the layout is too large to be worth it.
    mutating func learn(_ s: JSONScanner, _ matcher: FieldMatcher) {
        let index = learned < Self.kept ? learned : (latest + Self.kept - 1) % Self.kept
        let row = members + index * Self.maxMembers, rowNames = names + index * Self.maxNameBytes
        counts[index] = 0   // a layout half overwritten is never tried
        var count = 0, used = 0
        guard var cursor = try? s.openObject() else { return }
        while let (m, next) = try? s.nextMember(cursor) {
            let length = m.keyEnd + 1 - (m.keyStart - 1)   // with its quotes
            guard !m.keyHasEscapes, count < Self.maxMembers, used + length <= Self.maxNameBytes else { return }
            let check: Check
            let field = matcher.index(s, m, fingerprint: s.fingerprint(m.keyStart, m.keyEnd))
            switch field {
            case nil: check = .unknown
            case 0?: check = .key
            case 1?: check = .time
            case 2?: check = .state
            case let field?:
                switch matcher.fields[field].type {
                case .text: check = .text
                case .integer: check = .integer
                case .timestamp: check = .timestamp
                case .currency: check = .currency
                case .choice: check = .choice
                }
            }
            (rowNames + used).update(from: s.bytes + m.keyStart - 1, count: length)
            row[count] = Member(check: check, field: Int8(field ?? -1), nullable: field.map { !matcher.fields[$0].required } ?? false, nameStart: UInt16(used), nameCount: UInt16(length))
            used += length
            count += 1
            cursor = next
        }
        counts[index] = count
        if learned < Self.kept { learned += 1 }
        latest = index
    }
}

extension RecordKind {
    /// `summarize`'s answer for a line with a known layout and plain values, or nil: then `summarize` reads the
    /// line the careful way, and words what is wrong if anything is. It never accepts a line `summarize` would
    /// refuse: where this is unsure (escapes, a fraction, a timestamp with an offset, a null), it says nil.
    @inline(__always)
    static func quickSummary(_ s: JSONScanner, _ shapes: inout LineShapes, _ fields: UnsafeBufferPointer<FieldSpec>) -> LineSummary<Key>? {
        for k in 0..<shapes.learned {
            let shape = shapes.shape(k)
            if let summary = quickSummary(s, shape.members, shape.names, fields, &shapes.day) {
                shapes.matched(shape.index)
                return summary
            }
        }
        return nil
    }

    @inline(__always)
    private static func quickSummary(_ s: JSONScanner, _ members: UnsafeBufferPointer<LineShapes.Member>, _ names: UnsafePointer<UInt8>,
                                     _ fields: UnsafeBufferPointer<FieldSpec>,
                                     _ day: inout (date: UInt64, rest: UInt16, start: Int64, known: Bool)) -> LineSummary<Key>? {
        let p = s.bytes, n = s.count
        // Past the line's end reads as 0, which is none of the bytes looked for: one check where two would be.
        @inline(__always) func at(_ i: Int) -> UInt8 { i < n ? p[i] : 0 }
        var i = s.skipWhitespace(0)
        guard at(i) == UInt8(ascii: "{") else { return nil }
        i = s.skipWhitespace(i + 1)
        var key: Key?
        var time: Timestamp?
        var state: UInt8 = 0
        var left = members.count
        for member in members {
            // The name, as the layout has it, quotes and all.
            let length = Int(member.nameCount)
            guard i + length <= n, sameBytes(p + i, names + Int(member.nameStart), length) else { return nil }
            i = s.skipWhitespace(i + length)
            guard at(i) == UInt8(ascii: ":") else { return nil }
            i = s.skipWhitespace(i + 1)
            // The value, as its field wants it.
            switch member.check {
            case _ where member.nullable && at(i) == UInt8(ascii: "n"):
                guard at(i + 1) == UInt8(ascii: "u"), at(i + 2) == UInt8(ascii: "l"), at(i + 3) == UInt8(ascii: "l") else { return nil }
                i += 4   // absent; a state stays the first
            case .unknown:
                guard let end = s.quickValue(i) else { return nil }
                i = end
            case .key:
                let isString = at(i) == UInt8(ascii: "\"")
                guard let end = isString ? s.quickValue(i).flatMap({ s.isPlainString(i, $0) ? $0 : nil }) : s.quickInteger(i)?.end,
                      case .success(let k) = Self.key(s, JSONScanner.Member(
                          keyStart: 0, keyEnd: 0, keyHasEscapes: false, kind: isString ? .string : .number,
                          valueStart: i, valueEnd: end, flag: false))
                else { return nil }
                key = k
                i = end
            case .time:
                guard let (end, t) = s.quickTimestamp(i, &day) else { return nil }
                time = t
                i = end
            case .timestamp:
                guard let (end, _) = s.quickTimestamp(i, &day) else { return nil }
                i = end
            case .text:
                guard at(i) == UInt8(ascii: "\""), let end = s.quickValue(i) else { return nil }
                i = end
            case .integer:
                guard let (end, _) = s.quickInteger(i) else { return nil }
                i = end
            case .currency:
                guard at(i) == UInt8(ascii: "\""), at(i + 4) == UInt8(ascii: "\""),
                      p[i + 1] &- UInt8(ascii: "A") < 26, p[i + 2] &- UInt8(ascii: "A") < 26, p[i + 3] &- UInt8(ascii: "A") < 26
                else { return nil }
                i += 5
            case .state, .choice:
                guard at(i) == UInt8(ascii: "\""), let end = s.quickValue(i), s.isPlainString(i, end),
                      let choice = fields[Int(member.field)].choiceIndex(s, JSONScanner.Member(
                          keyStart: 0, keyEnd: 0, keyHasEscapes: false, kind: .string, valueStart: i, valueEnd: end, flag: false))
                else { return nil }
                if member.check == .state { state = UInt8(choice) }
                i = end
            }
            i = s.skipWhitespace(i)
            left -= 1
            guard at(i) == (left == 0 ? UInt8(ascii: "}") : UInt8(ascii: ",")) else { return nil }
            i = s.skipWhitespace(i + 1)
        }
        guard i == n, let key, let time else { return nil }
        return LineSummary(key: key, time: time, state: state)
    }
}

extension JSONScanner {
    /// Where the value at `i` ends, or nil when it is not valid JSON. Strings without escapes or non-ASCII
    /// bytes are stepped over here; anything else is left to `scanValue`.
    @inline(__always)
    func quickValue(_ i: Int) -> Int? {
        guard i < count else { return nil }
        if bytes[i] == UInt8(ascii: "\"") {
            var j = i + 1
            while j + 8 <= count {
                let special = specialBytes(j)
                if special == 0 { j += 8; continue }
                j += special.trailingZeroBitCount >> 3
                if bytes[j] == UInt8(ascii: "\"") { return j + 1 }
                return (try? scanString(i))?.end
            }
            while j < count {
                let c = bytes[j]
                if c == UInt8(ascii: "\"") { return j + 1 }
                if c == UInt8(ascii: "\\") || c < 0x20 || c >= 0x80 { return (try? scanString(i))?.end }
                j += 1
            }
            return nil
        }
        return (try? scanValue(i, depth: 1))?.end
    }

    /// The integer at `i` and where it ends, when it is written as JSON writes one, without a fraction or an
    /// exponent, in at most 18 digits (so it fits); else nil.
    @inline(__always)
    func quickInteger(_ i: Int) -> (end: Int, value: Int64)? {
        var j = i
        let negative = j < count && bytes[j] == UInt8(ascii: "-")
        if negative { j += 1 }
        let first = j
        var value: Int64 = 0
        while j < count, bytes[j] &- UInt8(ascii: "0") < 10 {
            value = value &* 10 &+ Int64(bytes[j] &- UInt8(ascii: "0"))
            j += 1
        }
        let digits = j - first
        guard digits > 0, digits <= 18, digits == 1 || bytes[first] != UInt8(ascii: "0") else { return nil }
        if j < count, bytes[j] == UInt8(ascii: ".") || bytes[j] | 0x20 == UInt8(ascii: "e") { return nil }
        return (j, negative ? -value : value)
    }

    /// Whether `start..<end`, a valid value, is a string without escapes.
    @inline(__always)
    func isPlainString(_ start: Int, _ end: Int) -> Bool {
        guard bytes[start] == UInt8(ascii: "\"") else { return false }
        for k in (start + 1)..<(end - 1) where bytes[k] == UInt8(ascii: "\\") { return false }
        return true
    }

    /// The timestamp string at `i` and where it ends, or nil when it is not one `quickSummary` can be sure of.
    /// `2026-11-21T09:30:00Z` on the same date as the last one takes only its time of day read.
    @inline(__always)
    func quickTimestamp(_ i: Int, _ day: inout (date: UInt64, rest: UInt16, start: Int64, known: Bool)) -> (Int, Timestamp)? {
        let c = i + 1
        guard c + 20 < count, bytes[i] == UInt8(ascii: "\"") else { return nil }
        @inline(__always) func two(_ k: Int) -> Int? {
            let a = bytes[c + k] &- UInt8(ascii: "0"), b = bytes[c + k + 1] &- UInt8(ascii: "0")
            return a < 10 && b < 10 ? Int(a) * 10 + Int(b) : nil
        }
        if bytes[c + 20] == UInt8(ascii: "\""), bytes[c + 10] == UInt8(ascii: "T"), bytes[c + 19] == UInt8(ascii: "Z"),
           bytes[c + 13] == UInt8(ascii: ":"), bytes[c + 16] == UInt8(ascii: ":"),
           let hour = two(11), let minute = two(14), let second = two(17), hour < 24, minute < 60, second < 60 {
            let date = UnsafeRawPointer(bytes + c).loadUnaligned(as: UInt64.self)
            let rest = UnsafeRawPointer(bytes + c + 8).loadUnaligned(as: UInt16.self)
            let sinceMidnight = Int64((hour * 3600 + minute * 60 + second) * 1000)
            if day.known, day.date == date, day.rest == rest {
                return (c + 21, Timestamp(milliseconds: day.start + sinceMidnight))
            }
            guard let t = Timestamp.parseRFC3339(UnsafeBufferPointer(start: bytes + c, count: 20)) else { return nil }
            day = (date, rest, t.milliseconds - sinceMidnight, true)
            return (c + 21, t)
        }
        // Fractions of a second, an offset: read as `summarize` reads them, unless escaped.
        guard let end = quickValue(i), isPlainString(i, end),
              let t = Timestamp.parseRFC3339(UnsafeBufferPointer(start: bytes + c, count: end - 1 - c)) else { return nil }
        return (end, t)
    }
}

/// Whether `a` and `b` hold the same `count` bytes: a few loads for the short names of a store line.
@inline(__always)
func sameBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    @inline(__always) func load<T: FixedWidthInteger>(_ p: UnsafePointer<UInt8>, _ k: Int, _: T.Type) -> T {
        UnsafeRawPointer(p + k).loadUnaligned(as: T.self)
    }
    if count >= 8 {
        var k = 0
        while k + 8 < count {
            if load(a, k, UInt64.self) != load(b, k, UInt64.self) { return false }
            k += 8
        }
        return load(a, count - 8, UInt64.self) == load(b, count - 8, UInt64.self)   // the last eight, overlapping
    }
    if count >= 4 { return load(a, 0, UInt32.self) == load(b, 0, UInt32.self) && load(a, count - 4, UInt32.self) == load(b, count - 4, UInt32.self) }
    if count >= 2 { return load(a, 0, UInt16.self) == load(b, 0, UInt16.self) && a[count - 1] == b[count - 1] }
    return count == 0 || a[0] == b[0]
}
