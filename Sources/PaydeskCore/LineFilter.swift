#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether a store line has a field whose value contains the filter text, ignoring case, read from the line's
/// bytes without allocating: a fast search of the whole line first (most lines fail it), then only the values
/// are searched, so a field's name ("order_id") never matches. Values written with escapes, and filter text
/// beyond ASCII, are compared as decoded text (rare, and slower).
public struct LineFilter: Sendable {
    public let text: String
    private let lowered: [UInt8]
    private let isASCII: Bool

    public init(_ text: String) {
        self.text = text
        isASCII = text.utf8.allSatisfy { $0 < 0x80 }
        lowered = Array(text.utf8).map(Self.lower)
    }

    public var isEmpty: Bool { text.isEmpty }

    /// Whether every line this filter matches also matches `other`'s: a narrower filter searches only the
    /// rows the wider one kept.
    public func narrows(_ other: LineFilter) -> Bool {
        isASCII && other.isASCII && lowered.withUnsafeBufferPointer { Self.contains($0, other.lowered) }
    }

    public func matches(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !lowered.isEmpty else { return true }
        guard isASCII else { return decodedMatch(line) }
        let hasEscapes = line.baseAddress.map { memchr($0, 0x5C, line.count) != nil } ?? false
        if !Self.contains(line, lowered) { return hasEscapes && decodedMatch(line) }
        var found = false
        MemberSpans.forEach(in: line) { member in
            found = member.valueEscaped ? decodedMatch(member.value, asString: member.isString) : Self.contains(member.value, lowered)
            return !found
        }
        return found
    }

    /// Whether `text` (any case) contains the filter text.
    public func matches(_ text: String) -> Bool {
        guard !lowered.isEmpty else { return true }
        if isASCII {
            var text = text
            return text.withUTF8 { Self.contains($0, lowered) }
        }
        return text.range(of: self.text, options: .caseInsensitive) != nil
    }

    private func decodedMatch(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard case .object(let members)? = try? JSONValue.parse(line) else { return false }
        return members.contains { matches($0.1.displayText) }
    }

    private func decodedMatch(_ span: UnsafeBufferPointer<UInt8>, asString: Bool) -> Bool {
        matches(LineTexts.text(span, escaped: true, isString: asString))
    }

    @inline(__always) static func lower(_ c: UInt8) -> UInt8 { c &- 65 < 26 ? c | 0x20 : c }

    /// Whether `haystack` contains `needle` (lower-case), ignoring ASCII case. `memchr` finds each candidate
    /// start in either case, so long values are crossed at memory speed.
    public static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard let base = haystack.baseAddress, haystack.count >= needle.count else { return false }
        let first = needle[0]
        let other = first &- 97 < 26 ? first - 32 : first
        let last = haystack.count - needle.count
        var from = 0
        var nextA = -1, nextB = -1   // the next start of each case at or after `from`, or Int.max for none
        func next(_ byte: UInt8, _ at: Int) -> Int {
            guard at <= last, let p = memchr(base + at, Int32(byte), last - at + 1) else { return Int.max }
            return UnsafeRawPointer(p) - UnsafeRawPointer(base)
        }
        while from <= last {
            if nextA < from { nextA = next(first, from) }
            if nextB < from { nextB = other == first ? nextA : next(other, from) }
            let at = min(nextA, nextB)
            if at == Int.max { return false }
            var k = 1
            while k < needle.count, lower(base[at + k]) == needle[k] { k += 1 }
            if k == needle.count { return true }
            from = at + 1
        }
        return false
    }
}
