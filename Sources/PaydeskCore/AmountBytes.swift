/// Amounts written as bytes: `paydesk list` shows half a million of them, and a String for each cost more than
/// the digits. `format` writes its number the same way.
extension Money {
    /// The most bytes `writeNumber` writes: a sign, 19 digits and a point.
    public static let maxNumberBytes = 24

    /// Writes `minorUnits` in major units as `format` shows them (`12.34`, `-0.05`, `1234`) at `to`, which has
    /// room for `maxNumberBytes`; how many bytes it wrote.
    @inlinable
    public static func writeNumber(_ minorUnits: Int64, exponent: Int, to: UnsafeMutablePointer<UInt8>) -> Int {
        precondition(exponent >= 0 && exponent <= 18, "an exponent beyond any currency's")   // within `maxNumberBytes`
        var magnitude = minorUnits.magnitude
        var digits = 1, power: UInt64 = 10
        while digits < 19, magnitude >= power {   // Int64's largest magnitude has 19 digits
            digits += 1
            power &*= 10
        }
        let shown = max(digits, exponent + 1)   // a whole part, if only 0
        let sign = minorUnits < 0 ? 1 : 0
        let total = sign + shown + (exponent > 0 ? 1 : 0)
        var at = total
        for k in 0..<shown {
            if k == exponent, k > 0 {
                at -= 1
                to[at] = UInt8(ascii: ".")
            }
            let (rest, digit) = magnitude.quotientAndRemainder(dividingBy: 10)
            at -= 1
            to[at] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: digit)
            magnitude = rest
        }
        if sign == 1 { to[0] = UInt8(ascii: "-") }
        return total
    }

    /// A currency's exponent from the bytes of its code (the usual 2 for a code not listed), or nil for a code
    /// beyond ASCII: such a String compares by canonical equivalence, so it is left to `format`.
    public static func exponent(ofCode code: UnsafeBufferPointer<UInt8>) -> Int? {
        if let index = lettersIndex(code) { return exponentsByLetters[index] >= 0 ? Int(exponentsByLetters[index]) : 2 }
        return code.allSatisfy { $0 < 0x80 } ? 2 : nil
    }

    /// `exponents` by their three capital letters, as one index (-1: the usual 2).
    private static let exponentsByLetters: [Int8] = {
        var table = [Int8](repeating: -1, count: 26 * 26 * 26)
        for (code, exponent) in exponents { table[lettersIndex(Array(code.utf8))!] = Int8(exponent) }
        return table
    }()

    private static func lettersIndex<C: Collection<UInt8>>(_ code: C) -> Int? {
        guard code.count == 3 else { return nil }
        var index = 0
        for byte in code {
            let letter = byte &- UInt8(ascii: "A")
            guard letter < 26 else { return nil }
            index = index * 26 + Int(letter)
        }
        return index
    }
}

extension Int64 {
    /// The number in `text`, read as `Int64(String)` reads one: an optional sign, then ASCII digits only; nil
    /// on anything else or on overflow.
    public init?(decimalText text: UnsafeBufferPointer<UInt8>) {
        var k = 0
        let negative = text.first == UInt8(ascii: "-")
        if negative || text.first == UInt8(ascii: "+") { k = 1 }
        guard k < text.count else { return nil }
        var value: Int64 = 0
        if text.count - k <= 18 {   // cannot overflow: no checks (half a million amounts)
            while k < text.count {
                let digit = text[k] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value &* 10 &+ Int64(digit)
                k += 1
            }
            self = negative ? -value : value
            return
        }
        while k < text.count {
            let digit = text[k] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = negative ? times10.subtractingReportingOverflow(Int64(digit)) : times10.addingReportingOverflow(Int64(digit))
            guard !o1, !o2 else { return nil }
            value = next
            k += 1
        }
        self = value
    }
}
