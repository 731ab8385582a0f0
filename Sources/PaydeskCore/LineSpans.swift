#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A line's fields as bytes, as `LineTexts` reads them but without making a String: each known field's value as
/// written (a string's between its quotes; absent or null is nil, and a name given twice keeps the last), and the
/// unknown fields as `name=value name=value`. One is reused line after line, so a line makes no array either:
/// `paydesk list` reads half a million lines.
///
/// A line with an escape in any name or value is not read here (`read` says false): `LineTexts` decodes it.
public struct LineSpans: ~Copyable {
    /// Each known field's value in the line read last.
    @usableFromInline let values: UnsafeMutablePointer<UnsafeBufferPointer<UInt8>?>
    @usableFromInline let valueCount: Int
    private let names: [KnownName]
    /// The names in whole: compared for those longer than 16 bytes (the first and last eight compare the shorter ones).
    private let longNames: [[UInt8]]
    /// The names the last line had at each place, and the known name's index for each (-1: an unknown one).
    private let placeNames = PlaceNames<Int>(-1)
    /// The unknown fields, `name=value` each, a space between them, as written in the line.
    private var othersBase: UnsafeMutablePointer<UInt8>
    private var othersCapacity = 256
    private var othersCount = 0

    public init(_ names: FieldNames) {
        valueCount = names.names.count
        values = .allocate(capacity: valueCount)
        values.initialize(repeating: nil, count: valueCount)
        self.names = names.bytes.map(KnownName.init)
        longNames = names.bytes
        othersBase = .allocate(capacity: othersCapacity)
    }

    deinit {
        values.deallocate()
        placeNames.deallocate()
        othersBase.deallocate()
    }

    /// The value of the known field at `index` (in the `FieldNames`' order), or nil when absent or null.
    @inlinable public subscript(index: Int) -> UnsafeBufferPointer<UInt8>? {
        assert(index >= 0 && index < valueCount, "not one of the known fields")
        return values[index]
    }

    /// The unknown fields, `name=value` each, a space between them, as written in the line read last: valid until
    /// the next `read`, which may move them.
    public var others: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: othersBase, count: othersCount) }

    /// Reads `line`, a valid one; false when a name or value holds an escape (the caller then reads it through
    /// Strings: what was read before the escape is not to be used).
    public mutating func read(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        // Through pointers, not arrays: half a million lines, and an array's uniqueness check per write cost a
        // third of the reading.
        values.update(repeating: nil, count: valueCount)
        othersCount = 0
        guard let base = line.baseAddress else { return true }
        let s = JSONScanner(base, count: line.count), n = line.count
        @inline(__always) func at(_ i: Int) -> UInt8 { i < n ? base[i] : 0 }
        var i = s.skipWhitespace(0)
        guard at(i) == UInt8(ascii: "{") else { return true }
        i = s.skipWhitespace(i + 1)
        var place = 0
        while at(i) == UInt8(ascii: "\"") {
            // The name: as the line before had it here, or else looked up and kept for this place.
            let kept = place < placeNames.count ? placeNames.matched(place, base + i, n &- i) : 0
            let name: UnsafeBufferPointer<UInt8>
            let index: Int
            if kept > 0 {
                name = UnsafeBufferPointer(start: base + i + 1, count: kept - 2)
                index = placeNames.payload(place)
                i += kept
            } else {
                guard let (end, plain) = s.quickString(i) else { return true }
                guard plain else { return false }
                name = UnsafeBufferPointer(start: base + i + 1, count: end - i - 2)
                index = lookUp(name)
                if place < placeNames.count { placeNames.remember(place, base + i, end - i, index) }
                i = end
            }
            i = s.skipWhitespace(i)
            guard at(i) == UInt8(ascii: ":") else { return true }
            i = s.skipWhitespace(i + 1)
            // The value: a string's between its quotes, anything else as written.
            let value: UnsafeBufferPointer<UInt8>
            var isNull = false
            if at(i) == UInt8(ascii: "\"") {
                guard let (end, plain) = s.quickString(i) else { return true }
                guard plain else { return false }
                value = UnsafeBufferPointer(start: base + i + 1, count: end - i - 2)
                i = end
            } else {
                // A number or a word of a valid line ends at a comma, a brace or a blank; a nested value is
                // stepped over whole.
                let first = at(i)   // 0 past the end: an empty value
                var end = i
                if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
                    guard let nestedEnd = s.quickValue(i) else { return true }
                    end = nestedEnd
                    if memchr(base + i, 0x5C, end - i) != nil { return false }
                } else {
                    while end < n, base[end] != UInt8(ascii: ","), base[end] != UInt8(ascii: "}"), base[end] > 0x20 { end += 1 }
                }
                value = UnsafeBufferPointer(start: base + i, count: end - i)
                isNull = end - i == 4 && first == UInt8(ascii: "n")
                i = end
            }
            if index >= 0 {
                values[index] = isNull ? nil : value   // a name given twice: the last wins
            } else {
                addOther(name, value)   // a null stays the word "null", as LineTexts shows it
            }
            i = s.skipWhitespace(i)
            guard at(i) == UInt8(ascii: ",") else { return true }
            i = s.skipWhitespace(i + 1)
            place += 1
        }
        return true
    }

    /// The index of the known field named `name`, or -1.
    private func lookUp(_ name: UnsafeBufferPointer<UInt8>) -> Int {
        names.indices.first { Self.isName(names[$0], name, longNames[$0]) } ?? -1
    }

    /// Adds `name=value` to `others`, after a space if it holds one already.
    private mutating func addOther(_ name: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>) {
        let more = name.count + value.count + 2
        if othersCount + more > othersCapacity {
            let capacity = max(othersCapacity * 2, othersCount + more)
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            bigger.update(from: othersBase, count: othersCount)
            othersBase.deallocate()
            othersBase = bigger
            othersCapacity = capacity
        }
        if othersCount > 0 {
            othersBase[othersCount] = 0x20
            othersCount += 1
        }
        if let from = name.baseAddress { (othersBase + othersCount).update(from: from, count: name.count) }
        othersCount += name.count
        othersBase[othersCount] = UInt8(ascii: "=")
        othersCount += 1
        if let from = value.baseAddress { (othersBase + othersCount).update(from: from, count: value.count) }
        othersCount += value.count
    }

    @inline(__always)
    private static func isName(_ known: KnownName, _ name: UnsafeBufferPointer<UInt8>, _ whole: @autoclosure () -> [UInt8]) -> Bool {
        guard known.count == name.count else { return false }
        let raw = UnsafeRawPointer(name.baseAddress!)
        guard name.count >= 8 else { return KnownName.short(raw, name.count) == known.first }
        // The first and last eight bytes, one load each: the whole of a name up to 16 bytes long.
        guard raw.loadUnaligned(as: UInt64.self) == known.first,
              raw.loadUnaligned(fromByteOffset: name.count - 8, as: UInt64.self) == known.last else { return false }
        return name.count <= 16 || name.elementsEqual(whole())
    }
}
/// A known field name's length, with its first and last eight bytes as numbers (a shorter one's all, in `first`).
private struct KnownName {
    let count: Int
    let first: UInt64
    let last: UInt64

    /// All of a name shorter than eight bytes as one number: from four bytes on, its first four and its last four
    /// (overlapping), two loads instead of a byte at a time. Equal for two names of one length exactly when they are.
    @inline(__always) static func short(_ p: UnsafeRawPointer, _ count: Int) -> UInt64 {
        if count >= 4 {
            return UInt64(p.loadUnaligned(as: UInt32.self)) | UInt64(p.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)) << 32
        }
        var packed: UInt64 = 0
        for k in 0..<count { packed |= UInt64(p.load(fromByteOffset: k, as: UInt8.self)) << UInt64(8 * k) }
        return packed
    }

    init(_ bytes: [UInt8]) {
        count = bytes.count
        if bytes.count < 8 {
            first = bytes.withUnsafeBytes { Self.short($0.baseAddress!, bytes.count) }
            last = 0
        } else {
            (first, last) = bytes.withUnsafeBytes {
                ($0.loadUnaligned(as: UInt64.self), $0.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self))
            }
        }
    }
}
