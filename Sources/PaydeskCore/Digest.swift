import COpenSSL

/// Hashes through OpenSSL's EVP API: SHA-256 chains the audit trail, SHA-384 signs Praxis messages.
public enum Digest {
    public static func sha256Hex(_ bytes: some Collection<UInt8>) -> String { hex(bytes, EVP_sha256()) }
    public static func sha384Hex(_ bytes: some Collection<UInt8>) -> String { hex(bytes, EVP_sha384()) }

    private static func hex(_ bytes: some Collection<UInt8>, _ algorithm: OpaquePointer?) -> String {
        let context = EVP_MD_CTX_new()
        defer { EVP_MD_CTX_free(context) }
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let data = Array(bytes)
        guard EVP_DigestInit_ex(context, algorithm, nil) == 1,
              data.withUnsafeBytes({ EVP_DigestUpdate(context, $0.baseAddress, $0.count) }) == 1,
              EVP_DigestFinal_ex(context, &digest, &length) == 1
        else { fatalError("OpenSSL digest failed") }   // only on a broken libcrypto
        let table = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(Int(length) * 2)
        for byte in digest.prefix(Int(length)) {
            out.append(table[Int(byte >> 4)])
            out.append(table[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Compares two strings in time that depends only on their length (CRYPTO_memcmp), so a forged
    /// signature cannot be found byte by byte by timing.
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        if x.isEmpty { return true }
        return x.withUnsafeBytes { px in y.withUnsafeBytes { py in CRYPTO_memcmp(px.baseAddress, py.baseAddress, x.count) == 0 } }
    }
}
