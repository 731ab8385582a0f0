/// A line's fields as bytes, as `LineTexts` reads them but without making a String: each known field's value as
/// written (a string's between its quotes; absent or null is nil, and a name given twice keeps the last), and the
/// unknown fields as `name=value name=value`. One is reused line after line, so a line makes no array either:
/// `paydesk list` reads half a million lines.
///
/// A line with an escape in any name or value is not read here (`read` says false): `LineTexts` decodes it.
public struct LineSpans {
    @usableFromInline var values: [UnsafeBufferPointer<UInt8>?]
    private let names: [KnownName]
    /// The names in whole, for those longer than 16 bytes (the first and last eight compare the shorter ones).
    private let longNames: [[UInt8]]
    /// Which known name was at each position of the last line (-1: an unknown one): the next line is most
    /// likely written in the same order, so one comparison finds its name.
    private var lastOrder = [Int](repeating: -1, count: 32)
    /// The unknown fields, `name=value` each, a space between them, as written in the line.
    public private(set) var others: [UInt8] = []

    public init(_ names: FieldNames) {
        values = Array(repeating: nil, count: names.names.count)
        self.names = names.bytes.map(KnownName.init)
        longNames = names.bytes
    }

    /// The value of the known field at `index` (in the `FieldNames`' order), or nil when absent or null.
    @inlinable public subscript(index: Int) -> UnsafeBufferPointer<UInt8>? { values[index] }

    /// Reads `line`; false when a name or value holds an escape (the caller then reads it through Strings:
    /// what was read before the escape is not to be used).
    public mutating func read(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        var plain = true
        // Written through their buffers, and `others` moved out meanwhile: half a million lines, and a check of
        // uniqueness per write cost a third of the reading.
        var others: [UInt8] = []
        swap(&others, &self.others)
        others.removeAll(keepingCapacity: true)
        defer { swap(&others, &self.others) }
        let names = names, longNames = longNames
        values.withUnsafeMutableBufferPointer { values in
            lastOrder.withUnsafeMutableBufferPointer { lastOrder in
                names.withUnsafeBufferPointer { names in
                    for k in values.indices { values[k] = nil }
                    var position = 0
                    MemberSpans.forEach(in: line) { m in
                        guard !m.nameEscaped, !m.valueEscaped else {
                            plain = false
                            return false
                        }
                        let isNull = !m.isString && m.value.count == 4 && m.value.elementsEqual("null".utf8)
                        if let index = Self.knownIndex(of: m.name, at: position, names, longNames, lastOrder) {
                            values[index] = isNull ? nil : m.value
                        } else {
                            // A null stays the word "null", as LineTexts shows it.
                            if !others.isEmpty { others.append(0x20) }
                            others.append(contentsOf: m.name)
                            others.append(UInt8(ascii: "="))
                            others.append(contentsOf: m.value)
                        }
                        position += 1
                        return true
                    }
                }
            }
        }
        return plain
    }

    @inline(__always)
    private static func knownIndex(of name: UnsafeBufferPointer<UInt8>, at position: Int, _ names: UnsafeBufferPointer<KnownName>,
                                   _ longNames: [[UInt8]], _ lastOrder: UnsafeMutableBufferPointer<Int>) -> Int? {
        if position < lastOrder.count {
            let guess = lastOrder[position]
            if guess >= 0, isName(names[guess], name, longNames[guess]) { return guess }
        }
        var found = -1
        for k in names.indices where isName(names[k], name, longNames[k]) {
            found = k
            break
        }
        if position < lastOrder.count { lastOrder[position] = found }
        return found < 0 ? nil : found
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
