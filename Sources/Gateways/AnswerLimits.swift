/// How much of a gateway's answer paydesk reads and keeps: an answer can be hostile, so none is unbounded.
public enum AnswerLimits {
    /// Read at most this much of an answer, headers and body together; past it the call is unknown.
    public static let maxAnswerBytes = 64 * 1024
    /// Gateway text (a description, an error code) kept in the audit trail and shown is cut to this many bytes.
    public static let maxKeptTextBytes = 1024

    /// `text` cut to `maxKeptTextBytes` at a character boundary, marked as cut with its whole length.
    public static func kept(_ text: String) -> String {
        let count = text.utf8.count
        guard count > maxKeptTextBytes else { return text }
        var out = ""
        var used = 0
        for scalar in text.unicodeScalars {
            let n = String(scalar).utf8.count
            if used + n > maxKeptTextBytes { break }
            out.unicodeScalars.append(scalar)
            used += n
        }
        return out + " …[cut: \(count) bytes in all]"
    }
}
