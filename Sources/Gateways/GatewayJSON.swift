import PaydeskCore

/// Reading a gateway's JSON answer strictly: two parsers of a document with a key given twice can take
/// different values (`"status":1,"status":0`), so such an answer means nothing.
enum GatewayJSON {
    enum Problem: Error, Equatable {
        case notJSON
        case notAnObject
        case repeatedKey(String)

        var words: String {
            switch self {
            case .notJSON: "not JSON"
            case .notAnObject: "not a JSON object"
            case .repeatedKey(let key): "the key \"\(printable(key))\" is given twice"
            }
        }
    }

    /// The answer's members, in order.
    static func object(_ body: [UInt8]) -> Result<[(String, JSONValue)], Problem> {
        guard let value = try? JSONValue.parse(body) else { return .failure(.notJSON) }
        guard case .object(let members) = value else { return .failure(.notAnObject) }
        if let key = repeatedKey(in: value) { return .failure(.repeatedKey(key)) }
        return .success(members)
    }

    /// The first key given twice in one object, at any depth.
    static func repeatedKey(in value: JSONValue) -> String? {
        switch value {
        case .object(let members):
            var seen = Set<String>()
            for (key, member) in members {
                if !seen.insert(key).inserted { return key }
                if let inner = repeatedKey(in: member) { return inner }
            }
            return nil
        case .array(let items):
            return items.lazy.compactMap(repeatedKey(in:)).first
        default:
            return nil
        }
    }
}
