/// Amounts are integers in minor units; how many of those make a major unit depends on the currency.
public enum Money {
    /// ISO 4217 currencies whose minor unit is not the usual hundredth.
    static let exponents: [String: Int] = [
        "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0, "RWF": 0,
        "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
        "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3, "CLF": 4, "UYW": 4,
    ]

    /// `12.34 EUR`, `1234 JPY`, `-0.05 GBP`; without a currency, the minor units as they are.
    public static func format(minorUnits: Int64, currency: String?) -> String {
        guard let currency else { return String(minorUnits) }
        let number = String(unsafeUninitializedCapacity: maxNumberBytes) {
            writeNumber(minorUnits, exponent: exponents[currency] ?? 2, to: $0.baseAddress!)
        }
        return number + " " + currency
    }
}

/// What a cancelled record was worth, as its line said when the attempt began: kept on the intent, so the
/// history shows money without reading the store again.
public struct RecordAmount: Sendable, Equatable {
    public let minorUnits: Int64
    public let currency: String?

    public init(minorUnits: Int64, currency: String?) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// From a record's fields; nil without a whole-number `amount`.
    public init?(_ fields: RecordFields) {
        guard case .number(let n)? = fields["amount"], let minor = Int64(n) else { return nil }
        if case .string(let c)? = fields["currency"] { currency = c } else { currency = nil }
        minorUnits = minor
    }

    /// `49.90 GBP`, as the console and `list` show it.
    public var text: String { Money.format(minorUnits: minorUnits, currency: currency) }
}
