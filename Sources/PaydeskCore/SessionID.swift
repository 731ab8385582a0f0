/// An XPay session id, compared byte for byte. Swift's `String` equality treats canonically equivalent
/// text as equal ("café" spelled with é or with e and a combining accent), which would merge two
/// different sessions into one record; the gateway compares bytes, so do we.
public struct SessionID: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let text: String

    public init(_ text: String) { self.text = text }
    public init(stringLiteral text: String) { self.text = text }

    public var description: String { text }

    public static func == (a: SessionID, b: SessionID) -> Bool { a.text.utf8.elementsEqual(b.text.utf8) }

    public static func < (a: SessionID, b: SessionID) -> Bool { a.text.utf8.lexicographicallyPrecedes(b.text.utf8) }

    public func hash(into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
