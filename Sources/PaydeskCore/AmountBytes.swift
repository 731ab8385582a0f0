/// The amount as `LineTexts.amountText` shows it, written as bytes from a line's own bytes: `paydesk list` shows
/// half a million amounts, and a String for each cost more than the digits.
extension Money {
    /// Hands `write` the bytes of `LineTexts.amountText` for these `amount` and `currency` values (as written, nil
    /// when absent or null): none without a whole-number amount.
    public static func writeAmount(_ amount: UnsafeBufferPointer<UInt8>?, currency: UnsafeBufferPointer<UInt8>?,
                                   _ write: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard let amount, let minor = Int64(decimalText: amount) else { return }
        guard let currency, !currency.isEmpty else {
            writeDigits(of: minor, write)
            return
        }
        // Beyond ASCII, a currency's String compares by canonical equivalence: leave that to the String path.
        guard currency.allSatisfy({ $0 < 0x80 }) else {
            var text = format(minorUnits: minor, currency: String(decoding: currency, as: UTF8.self))
            text.withUTF8(write)
            return
        }
        let exponent = asciiExponent(currency) ?? 2
        if exponent == 0 {
            writeDigits(of: minor, write)
        } else {
            var divisor: UInt64 = 1
            for _ in 0..<exponent { divisor *= 10 }
            let (whole, fraction) = minor.magnitude.quotientAndRemainder(dividingBy: divisor)
            writeDigits(of: whole, negative: minor < 0, write)
            writeDigits(of: fraction, minimumCount: exponent, before: UInt8(ascii: "."), write)
        }
        withUnsafeBytes(of: UInt8(0x20)) { write($0.assumingMemoryBound(to: UInt8.self)) }
        write(currency)
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

    private static func asciiExponent(_ currency: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let index = lettersIndex(currency), exponentsByLetters[index] >= 0 else { return nil }
        return Int(exponentsByLetters[index])
    }
}

/// Hands `write` `value`'s decimal digits, as `String(value)` writes them.
public func writeDigits(of value: Int64, _ write: (UnsafeBufferPointer<UInt8>) -> Void) {
    writeDigits(of: value.magnitude, negative: value < 0, write)
}

/// Hands `write` `value`'s decimal digits in one piece: after a `-` when `negative`, after `before` when given,
/// with zeros before them up to `minimumCount`.
public func writeDigits(of value: UInt64, negative: Bool = false, minimumCount: Int = 1, before: UInt8? = nil,
                        _ write: (UnsafeBufferPointer<UInt8>) -> Void) {
    var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)   // 24 bytes: 20 digits and a sign
    withUnsafeMutableBytes(of: &buffer) { raw in
        let digits = raw.bindMemory(to: UInt8.self)
        var v = value
        var start = digits.count
        repeat {
            start -= 1
            digits[start] = UInt8(ascii: "0") + UInt8(v % 10)
            v /= 10
        } while v > 0 || digits.count - start < minimumCount && start > 2
        if negative {
            start -= 1
            digits[start] = UInt8(ascii: "-")
        }
        if let before {
            start -= 1
            digits[start] = before
        }
        write(UnsafeBufferPointer(rebasing: digits[start...]))
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
