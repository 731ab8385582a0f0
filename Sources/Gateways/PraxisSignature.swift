import PaydeskCore

/// Praxis's signature, both ways: take every field but `signature`, order the keys alphabetically,
/// concatenate their values (integers in decimal) without separators, append the merchant secret, and
/// take the SHA-384 in lower-case hex. (The seed's table says sha256; its own example, and Praxis's
/// "How to build a signature" page, are SHA-384.)
public enum PraxisSignature {
    /// The signature of `fields` (`signature` itself, if present, is left out).
    public static func sign(_ fields: [(String, JSONValue)], secret: Secret) -> String {
        Digest.sha384Hex(Array(signedText(fields, secret: secret).utf8))
    }

    /// The text that is hashed. Internal: it holds the secret.
    static func signedText(_ fields: [(String, JSONValue)], secret: Secret) -> String {
        let ordered = fields.filter { $0.0 != "signature" }.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        return ordered.map { $0.1.displayText }.joined() + secret.reveal()
    }

    public enum Check: String, Sendable, Equatable {
        case valid, invalid, missing

        /// Why an answer signed this way proves nothing, quoting what it says.
        func distrust(saying description: String) -> String {
            "\(self == .missing ? "unsigned" : "forged or corrupted") answer (signature \(rawValue)"
                + (self == .invalid ? ", or praxis_secret is wrong" : "") + "); it says \"\(description)\" but may not come from Praxis"
        }
    }

    /// Checks a response object's `signature` against the rest of it, in constant time.
    public static func check(_ response: [(String, JSONValue)], secret: Secret) -> Check {
        guard case .string(let given)? = response.last(where: { $0.0 == "signature" })?.1, !given.isEmpty else { return .missing }
        return Digest.constantTimeEquals(given.lowercased(), sign(response, secret: secret)) ? .valid : .invalid
    }
}
