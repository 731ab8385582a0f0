import PaydeskCore

/// A `payout-cancel` answer read strictly. Its signature covers the values concatenated with no separator, so
/// a genuine answer can be re-cut (`"…order_id=752850"`, `1`, `"1.2"` reads the same as `"…order_id=75285"`,
/// `0`, `"11.2"`) or padded with a field of its own. So every field the signature covers must be one Praxis
/// documents, of its one type, given once; the version must be the one sent; and an order the description
/// names must be the one asked about.
struct PraxisCancelAnswer: Equatable {
    let status: Int
    let description: String
    let version: String

    /// The answer's fields, or why they are not the protocol's.
    static func read(_ members: [(String, JSONValue)]) -> Result<PraxisCancelAnswer, Malformed> {
        var status: Int?, description: String?, version: String?
        for (key, value) in members where key != "signature" {
            switch (key, value) {
            case ("description", .string(let text)): description = text
            case ("version", .string(let text)): version = text
            case ("status", .number(let text)):
                guard isPlainInteger(text), let n = Int(text) else { return .failure(Malformed(why: "status \(text) is not a whole number written plainly")) }
                status = n
            case ("description", _), ("version", _): return .failure(Malformed(why: "\(key) is not a string"))
            case ("status", _): return .failure(Malformed(why: "status is not a number"))
            default: return .failure(Malformed(why: "it carries a field Praxis does not document (\"\(printable(key))\"), which the signature would cover"))
            }
        }
        guard let status, let description, let version else {
            return .failure(Malformed(why: "description, status and version are all required"))
        }
        return .success(PraxisCancelAnswer(status: status, description: description, version: version))
    }

    struct Malformed: Error, Equatable { let why: String }

    /// `0`, `12`, `-1`: no sign but a minus, no leading zero, no fraction or exponent, not `-0`.
    static func isPlainInteger(_ text: String) -> Bool {
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        return digits == "0" ? !text.hasPrefix("-") : digits.first != "0"
    }

    /// Every `order_id=N` the description names (Praxis writes the order it acted on there).
    static func namedOrders(in description: String) -> [String] {
        var found: [String] = []
        var rest = Substring(description)
        while let range = rest.range(of: "order_id=") {
            let value = rest[range.upperBound...].prefix { !$0.isWhitespace && !",;:()[]{}\"'".contains($0) }
            found.append(String(value.hasSuffix(".") ? value.dropLast() : value))
            rest = rest[range.upperBound...]
        }
        return found
    }
}
