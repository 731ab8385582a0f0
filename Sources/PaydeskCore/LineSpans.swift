/// A line's fields as bytes, as `LineTexts` reads them but without making a String: each known field's value as
/// written (a string's between its quotes; absent or null is nil, and a name given twice keeps the last), and the
/// unknown fields as `name=value name=value`. One is reused line after line, so a line makes no array either:
/// `paydesk list` reads half a million lines.
///
/// A line with an escape in any name or value is not read here (`read` says false): `LineTexts` decodes it.
public struct LineSpans {
    @usableFromInline var values: [UnsafeBufferPointer<UInt8>?]
    private let names: [KnownName]
    /// Which known name was at each position of the last line (-1: an unknown one): the next line is most
    /// likely written in the same order, so one comparison finds its name.
    private var lastOrder: [Int] = []
    /// The unknown fields, `name=value` each, a space between them, as written in the line.
    public private(set) var others: [UInt8] = []

    public init(_ names: FieldNames) {
        values = Array(repeating: nil, count: names.names.count)
        self.names = names.bytes.map(KnownName.init)
    }

    /// The value of the known field at `index` (in the `FieldNames`' order), or nil when absent or null.
    @inlinable public subscript(index: Int) -> UnsafeBufferPointer<UInt8>? { values[index] }

    /// Reads `line`; false when a name or value holds an escape (the caller then reads it through Strings:
    /// what was read before the escape is not to be used).
    public mutating func read(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        for k in values.indices { values[k] = nil }
        others.removeAll(keepingCapacity: true)
        var plain = true
        var position = 0
        MemberSpans.forEach(in: line) { m in
            guard !m.nameEscaped, !m.valueEscaped else {
                plain = false
                return false
            }
            let isNull = !m.isString && m.value.count == 4 && m.value.elementsEqual("null".utf8)
            if let index = knownIndex(of: m.name, at: position) {
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
        return plain
    }

    @inline(__always) private mutating func knownIndex(of name: UnsafeBufferPointer<UInt8>, at position: Int) -> Int? {
        if position < lastOrder.count {
            let guess = lastOrder[position]
            if guess >= 0, isName(guess, name) { return guess }
        } else {
            lastOrder.append(-1)
        }
        var found = -1
        for k in names.indices where isName(k, name) {
            found = k
            break
        }
        lastOrder[position] = found
        return found < 0 ? nil : found
    }

    @inline(__always) private func isName(_ k: Int, _ name: UnsafeBufferPointer<UInt8>) -> Bool {
        let known = names[k]
        guard known.count == name.count else { return false }
        let raw = UnsafeRawPointer(name.baseAddress!)
        guard name.count >= 8 else {
            var packed: UInt64 = 0
            for k in 0..<name.count { packed |= UInt64(name[k]) << UInt64(8 * k) }
            return packed == known.first
        }
        // The first and last eight bytes, one load each: the whole of a name up to 16 bytes long.
        guard raw.loadUnaligned(as: UInt64.self) == known.first,
              raw.loadUnaligned(fromByteOffset: name.count - 8, as: UInt64.self) == known.last else { return false }
        return name.count <= 16 || name.elementsEqual(known.bytes)
    }
}

/// A known field name's bytes, with its first and last eight as numbers (a shorter one's all, in `first`).
private struct KnownName {
    let bytes: [UInt8]
    let count: Int
    let first: UInt64
    let last: UInt64

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        count = bytes.count
        if bytes.count < 8 {
            first = bytes.enumerated().reduce(0) { $0 | UInt64($1.element) << UInt64(8 * $1.offset) }
            last = 0
        } else {
            (first, last) = bytes.withUnsafeBytes {
                ($0.loadUnaligned(as: UInt64.self), $0.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self))
            }
        }
    }
}
