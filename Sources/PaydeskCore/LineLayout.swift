import CLibcExtras

/// The fields the lines before had at each place, as `quickSummary` expects them on the next line: their names
/// (`PlaceNames`), and how each one's value is checked. Where a name differs, it is looked up and remembered for
/// that place. Owned by one scanning thread; its memory lives inside `with`.
struct LineLayout {
    /// How the value of the field one place held is checked.
    struct Place {
        var check = Check.unknown
        /// The known field's index in the kind's `fields`, or -1.
        var field: Int8 = -1
        /// A known field that may be null (absent).
        var nullable = false
    }

    /// How `quickSummary` checks a member's value: by the role or type of the known field it names.
    enum Check: UInt8 {
        case unknown, key, time, state, text, integer, timestamp, currency, choice
    }

    /// Unknown names one line may have for the quick pass (each is compared with the others).
    static let maxUnknown = 16

    let places = PlaceNames(Place())
    /// Where this line's unknown names are, to refuse one given twice.
    private let unknown: UnsafeMutablePointer<(start: Int, count: Int)>
    /// The date part of the last `…T…Z` timestamp read, and when its day starts: a store's lines come in time
    /// order, so most timestamps need only their time of day read.
    var day = LastDay()

    struct LastDay {
        /// `2026-11-21` as its first eight bytes and its last two.
        var firstEight: UInt64 = 0
        var lastTwo: UInt16 = 0
        /// Milliseconds since 1970 at the day's start; nothing is known before a first timestamp.
        var start: Int64 = 0
        var known = false
    }

    private init() {
        unknown = .allocate(capacity: Self.maxUnknown)
        unknown.initialize(repeating: (0, 0), count: Self.maxUnknown)
    }

    static func with<R>(_ body: (inout LineLayout) -> R) -> R {
        var layout = LineLayout()
        defer {
            layout.places.deallocate()
            layout.unknown.deallocate()
        }
        return body(&layout)
    }

    /// Remembers that place `k` holds the name at `start` (`count` bytes with its quotes), of field `field` (or nil).
    mutating func remember(_ k: Int, _ start: UnsafePointer<UInt8>, _ count: Int, field: Int?, _ fields: UnsafeBufferPointer<FieldSpec>) -> Place {
        let check: Check
        switch field {
        case nil: check = .unknown
        case 0?: check = .key
        case 1?: check = .time
        case 2?: check = .state
        case let field?:
            switch fields[field].type {
            case .text: check = .text
            case .integer: check = .integer
            case .timestamp: check = .timestamp
            case .currency: check = .currency
            case .choice: check = .choice
            }
        }
        let place = Place(check: check, field: Int8(field ?? -1), nullable: field.map { !fields[$0].required } ?? false)
        places.remember(k, start, count, place)
        return place
    }

    /// Notes an unknown name of this line (`start..<start+count` of `bytes`); false when the line had it already,
    /// or has more unknown names than are compared here.
    @inline(__always)
    func noteUnknown(_ bytes: UnsafePointer<UInt8>, _ start: Int, _ count: Int, seen: inout Int) -> Bool {
        for k in 0..<seen where unknown[k].count == count && sameBytes(bytes + unknown[k].start, bytes + start, count) { return false }
        guard seen < Self.maxUnknown else { return false }
        unknown[seen] = (start, count)
        seen += 1
        return true
    }
}

extension RecordKind {
    /// `summarize`'s answer for a line with plain values, or nil: then `summarize` reads the line the careful
    /// way, and words what is wrong if anything is. It never accepts a line `summarize` would refuse: where it is
    /// unsure (an escape in a name, the key, a time or a choice; a number with a fraction or 19 digits; a required
    /// field's null; more unknown names than it compares), it says nil.
    @inline(__always)
    static func quickSummary(_ s: JSONScanner, _ layout: inout LineLayout, _ matcher: FieldMatcher) -> LineSummary<Key>? {
        let fields = matcher.fields
        let p = s.bytes, n = s.count
        // Past the line's end reads as 0, which is none of the bytes looked for: one check where two would be.
        @inline(__always) func at(_ i: Int) -> UInt8 { i < n ? p[i] : 0 }
        var i = s.skipWhitespace(0)
        guard at(i) == UInt8(ascii: "{") else { return nil }
        i = s.skipWhitespace(i + 1)
        if at(i) == UInt8(ascii: "}") { return nil }   // no key: `summarize` says so
        var key: Key?
        var time: Timestamp?
        var state: UInt8 = 0
        var seen: UInt64 = 0, unknownCount = 0
        for k in 0..<layout.places.count {
            // The name: as the lines before had it in this place, or else looked up.
            let nameStart = i
            var member = layout.places.payload(k)
            let kept = layout.places.matched(k, p + i, n &- i)
            if kept > 0 {
                i += kept
            } else {
                guard at(i) == UInt8(ascii: "\""), let (end, plain) = s.quickString(i), plain else { return nil }
                let m = JSONScanner.Member(keyStart: i + 1, keyEnd: end - 1, keyHasEscapes: false, kind: .string,
                                           valueStart: 0, valueEnd: 0, flag: false)   // a name alone, for the matcher
                member = layout.remember(k, p + i, end - i, field: matcher.index(s, m, fingerprint: s.fingerprint(i + 1, end - 1)), fields)
                i = end
            }
            // A name given twice is worded by `summarize`.
            if member.field >= 0 {
                let bit: UInt64 = 1 << UInt64(member.field)
                guard seen & bit == 0 else { return nil }
                seen |= bit
            } else {
                guard layout.noteUnknown(p, nameStart, i - nameStart, seen: &unknownCount) else { return nil }
            }
            i = s.skipWhitespace(i)
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
                guard let end = isString ? s.quickString(i).flatMap({ $0.plain ? $0.end : nil }) : s.quickInteger(i)?.end,
                      case .success(let k) = Self.key(s, .plainValue(isString ? .string : .number, i, end))
                else { return nil }
                key = k
                i = end
            case .time:
                guard let (end, t) = s.quickTimestamp(i, &layout.day) else { return nil }
                time = t
                i = end
            case .timestamp:
                guard let (end, _) = s.quickTimestamp(i, &layout.day) else { return nil }
                i = end
            case .text:
                guard at(i) == UInt8(ascii: "\""), let (end, _) = s.quickString(i) else { return nil }
                i = end
            case .integer:
                guard let (end, _) = s.quickInteger(i) else { return nil }
                i = end
            case .currency:
                guard s.isCurrencyCode(at: i) else { return nil }
                i += 5
            case .state, .choice:
                // A choice holds no backslash: bytes equal to one are a plain string.
                guard at(i) == UInt8(ascii: "\""), let (end, _) = s.quickString(i),
                      let choice = fields[Int(member.field)].choiceIndex(s, .plainValue(.string, i, end))
                else { return nil }
                if member.check == .state { state = UInt8(choice) }
                i = end
            }
            i = s.skipWhitespace(i)
            if at(i) == UInt8(ascii: "}") {
                guard s.skipWhitespace(i + 1) == n, let key, let time else { return nil }
                return LineSummary(key: key, time: time, state: state)
            }
            guard at(i) == UInt8(ascii: ",") else { return nil }
            i = s.skipWhitespace(i + 1)
        }
        return nil   // unreachable while the places kept exceed the known fields plus `maxUnknown`; else `summarize` reads it
    }
}

extension JSONScanner.Member {
    /// A value alone (no name), written without escapes, for the rules that take a member.
    static func plainValue(_ kind: JSONScanner.Kind, _ start: Int, _ end: Int) -> JSONScanner.Member {
        JSONScanner.Member(keyStart: 0, keyEnd: 0, keyHasEscapes: false, kind: kind, valueStart: start, valueEnd: end, flag: false)
    }
}

extension JSONScanner {
    /// Where the value at `i` ends, or nil when it is not valid JSON. Strings are stepped over by `quickString`;
    /// anything else is left to `scanValue`.
    @inline(__always)
    func quickValue(_ i: Int) -> Int? {
        guard i < count else { return nil }
        if bytes[i] == UInt8(ascii: "\"") { return quickString(i)?.end }
        return (try? scanValue(i, depth: 1))?.end
    }

    /// Where the string at `i` (its opening quote) ends, and whether it is plain (no escapes), or nil when it is
    /// not valid JSON. Plain ASCII is stepped over sixteen bytes at a time (with SSE2; a byte at a time without);
    /// anything else is left to `scanString`.
    @inline(__always)
    func quickString(_ i: Int) -> (end: Int, plain: Bool)? {
        let stop = i + 1 + paydesk_string_stop(bytes + i + 1, count - i - 1)
        if stop < count, bytes[stop] == UInt8(ascii: "\"") { return (stop + 1, true) }
        return (try? scanString(i)).map { ($0.end, !$0.flag) }
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

    /// The timestamp string at `i` and where it ends, or nil when it is not one `quickSummary` can be sure of.
    /// `2026-11-21T09:30:00Z` on the same date as the last one takes only its time of day read.
    @inline(__always)
    func quickTimestamp(_ i: Int, _ day: inout LineLayout.LastDay) -> (end: Int, time: Timestamp)? {
        let c = i + 1
        guard c + 20 < count, bytes[i] == UInt8(ascii: "\"") else { return nil }
        @inline(__always) func two(_ k: Int) -> Int? {
            let a = bytes[c + k] &- UInt8(ascii: "0"), b = bytes[c + k + 1] &- UInt8(ascii: "0")
            return a < 10 && b < 10 ? Int(a) * 10 + Int(b) : nil
        }
        if bytes[c + 20] == UInt8(ascii: "\""), bytes[c + 10] == UInt8(ascii: "T"), bytes[c + 19] == UInt8(ascii: "Z"),
           bytes[c + 13] == UInt8(ascii: ":"), bytes[c + 16] == UInt8(ascii: ":"),
           let hour = two(11), let minute = two(14), let second = two(17), hour < 24, minute < 60, second < 60 {
            let firstEight = UnsafeRawPointer(bytes + c).loadUnaligned(as: UInt64.self)
            let lastTwo = UnsafeRawPointer(bytes + c + 8).loadUnaligned(as: UInt16.self)
            let sinceMidnight = Int64((hour * 3600 + minute * 60 + second) * 1000)
            if day.known, day.firstEight == firstEight, day.lastTwo == lastTwo {
                return (c + 21, Timestamp(milliseconds: day.start + sinceMidnight))
            }
            guard let t = Timestamp.parseRFC3339(UnsafeBufferPointer(start: bytes + c, count: 20)) else { return nil }
            day = LineLayout.LastDay(firstEight: firstEight, lastTwo: lastTwo, start: t.milliseconds - sinceMidnight, known: true)
            return (c + 21, t)
        }
        // Fractions of a second, an offset: read as `summarize` reads them, unless escaped.
        guard let (end, plain) = quickString(i), plain,
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
        // Most names with their quotes: the first eight and the last eight, overlapping, without a loop.
        if count <= 16 { return load(a, 0, UInt64.self) == load(b, 0, UInt64.self) && load(a, count - 8, UInt64.self) == load(b, count - 8, UInt64.self) }
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
