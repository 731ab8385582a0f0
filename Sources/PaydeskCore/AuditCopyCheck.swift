/// Comparing the trail with the copy a syslog daemon wrote of it (`paydesk audit verify --against FILE`). The
/// chain and `audit.head` catch an edit, but not a trail rewritten whole and re-chained with a new head; the
/// copy, written out of the operator's reach as each entry happened, does.
public enum AuditCopyCheck {
    /// One paydesk entry found in the daemon's file.
    public struct Copied: Sendable, Equatable {
        public let seq: Int
        public let profile: String
        public let attemptId: String
        public let event: String
        /// SHA-256 (hex) of the entry's line as `audit.jsonl` holds it.
        public let sha256: String
        /// Where in the daemon's file it is (1-based), so a person can look.
        public let fileLine: Int

        public init(seq: Int, profile: String, attemptId: String, event: String, sha256: String, fileLine: Int) {
            self.seq = seq
            self.profile = profile
            self.attemptId = attemptId
            self.event = event
            self.sha256 = sha256
            self.fileLine = fileLine
        }
    }

    /// Every paydesk entry of `profile` in a file a syslog daemon wrote, one message a line: raw RFC 5424 (the
    /// hash taken from paydesk's structured data), or rsyslog's traditional file format, which drops structured
    /// data (the hash is then that of the MSG, the entry's line itself). Lines of other programs, of other
    /// profiles, and anything that is neither are ignored.
    public static func read(file: String, profile: String) throws -> [Copied] {
        guard let bytes = try RegularFile.read(file, followLinks: true, what: "syslog copy") else {
            throw PaydeskError.io("the syslog copy \(file) does not exist")
        }
        var found: [Copied] = []
        var number = 0
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            number += 1
            if let copied = copied(line, fileLine: number), copied.profile == profile { found.append(copied) }
        }
        return found
    }

    /// The first disagreement between the trail's lines (in order, without newlines, as `audit.jsonl` holds
    /// them) and the copy, in words, or nil when they agree. Entries are matched by seq and compared by the
    /// SHA-256 of the line; a seq copied twice with the same hash counts once (a resent message), with two
    /// different hashes it is a disagreement (someone sent a rewritten entry after the real one).
    public static func firstDisagreement(trail lines: [String], copy: [Copied]) -> String? {
        var held: [Int: [Copied]] = [:]
        for c in copy where !(held[c.seq] ?? []).contains(where: { $0.sha256 == c.sha256 }) { held[c.seq, default: []].append(c) }

        var inTrail = Set<Int>()
        var first: (seq: Int, words: String)?
        var lastSeq = 0
        for (index, line) in lines.enumerated() {
            guard case .success(let entry) = AuditEntry.parse(Array(line.utf8)) else {
                if first == nil {
                    first = (lastSeq + 1, "line \(index + 1) of the trail is not an audit entry, so it cannot be compared with the syslog copy")
                }
                continue
            }
            lastSeq = entry.seq
            inTrail.insert(entry.seq)
            guard first == nil else { continue }
            let hash = Digest.sha256Hex(Array(line.utf8))
            let copies = held[entry.seq] ?? []
            if copies.isEmpty {
                first = (entry.seq, "entry \(entry.seq) is missing from the syslog copy")
            } else if let other = copies.first(where: { $0.sha256 != hash }) {
                first = (entry.seq, "entry \(entry.seq) differs from the syslog copy (file line \(other.fileLine))")
            }
        }
        if let extra = held.keys.filter({ !inTrail.contains($0) }).min(), first.map({ extra < $0.seq }) ?? true {
            return "the syslog copy holds entry \(extra), which the trail does not (file line \(held[extra]![0].fileLine))"
        }
        return first?.words
    }

    // MARK: Reading one line

    /// The entry a line of the daemon's file holds, of any profile, or nil when it holds none.
    static func copied(_ line: ArraySlice<UInt8>, fileLine: Int) -> Copied? {
        var text = LineReader(line)
        if text.peek == UInt8(ascii: "<") {
            return rfc5424(&text, fileLine: fileLine)
        }
        // Traditional: "Nov 21 09:30:00" (or one RFC 3339 word), the host, the tag, the message.
        if text.remaining.count > 16, text.remaining.prefix(3).allSatisfy(isLetter), text.remaining[text.remaining.startIndex + 15] == 0x20 {
            text.skip(16)
        } else {
            guard text.word() != nil else { return nil }
        }
        guard text.word() != nil, let tag = text.word() else { return nil }
        if isPaydeskTag(tag) {
            return traditionalMessage(text.remaining, fileLine: fileLine)
        }
        // A daemon that took the RFC 5424 message for a traditional one (rsyslog's imuxsock with its special
        // parser on, as on a stock /dev/log) writes its version as the tag and the rest verbatim.
        if tag.elementsEqual("1".utf8) {
            return rfc5424Remainder(&text, fileLine: fileLine)
        }
        return nil
    }

    /// "<PRI>1 " and then the rest of an RFC 5424 message.
    private static func rfc5424(_ text: inout LineReader, fileLine: Int) -> Copied? {
        guard let priority = text.word(), priority.count >= 3, priority.last == UInt8(ascii: "1"),
              let close = priority.firstIndex(of: UInt8(ascii: ">")), close == priority.index(priority.endIndex, offsetBy: -2),
              close > priority.index(after: priority.startIndex), priority.dropFirst().prefix(upTo: close).allSatisfy(isDigit) else { return nil }
        return rfc5424Remainder(&text, fileLine: fileLine)
    }

    /// TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA: paydesk's element holds all that is needed.
    private static func rfc5424Remainder(_ text: inout LineReader, fileLine: Int) -> Copied? {
        guard text.word() != nil, text.word() != nil, let app = text.word(), app.elementsEqual("paydesk".utf8),
              text.word() != nil, text.word() != nil else { return nil }
        var parameters: [String: String]?
        while text.peek == UInt8(ascii: "[") {
            guard let element = text.structuredDataElement() else { return nil }
            if element.id == AuditCopy.structuredDataID { parameters = element.parameters }
        }
        guard let p = parameters, let profile = p["profile"], let seqText = p["seq"], let seq = Int(seqText),
              let attempt = p["attempt"], let event = p["event"], let hash = p["sha256"], isSHA256(hash) else { return nil }
        return Copied(seq: seq, profile: profile, attemptId: attempt, event: event, sha256: hash, fileLine: fileLine)
    }

    /// The MSG of a traditional line: the entry's line itself, after the byte order mark paydesk sends.
    private static func traditionalMessage(_ message: ArraySlice<UInt8>, fileLine: Int) -> Copied? {
        var line = message
        let mark = Array(AuditCopy.byteOrderMark.utf8)
        if line.starts(with: mark) { line = line.dropFirst(mark.count) }
        guard case .success(let entry) = AuditEntry.parse(line) else { return nil }
        return Copied(seq: entry.seq, profile: entry.profile, attemptId: entry.attemptId, event: entry.event.rawValue,
                      sha256: Digest.sha256Hex(line), fileLine: fileLine)
    }

    /// `paydesk[PID]`, as rsyslog writes an RFC 5424 message's tag, or `paydesk[PID]:` / `paydesk:` as in RFC 3164.
    private static func isPaydeskTag(_ tag: ArraySlice<UInt8>) -> Bool {
        var rest = tag
        guard rest.starts(with: "paydesk".utf8) else { return false }
        rest = rest.dropFirst("paydesk".count)
        if rest.last == UInt8(ascii: ":") { rest = rest.dropLast() }
        if rest.isEmpty { return true }
        return rest.count > 2 && rest.first == UInt8(ascii: "[") && rest.last == UInt8(ascii: "]") && rest.dropFirst().dropLast().allSatisfy(isDigit)
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    private static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }
    private static func isSHA256(_ s: String) -> Bool {
        s.utf8.count == 64 && s.utf8.allSatisfy { isDigit($0) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    /// Reading a line left to right: words separated by one space, and RFC 5424's structured data.
    struct LineReader {
        private(set) var remaining: ArraySlice<UInt8>

        init(_ line: ArraySlice<UInt8>) { remaining = line }

        var peek: UInt8? { remaining.first }

        mutating func skip(_ count: Int) { remaining = remaining.dropFirst(count) }

        /// The next word and the spaces after it; nil at the end of the line.
        mutating func word() -> ArraySlice<UInt8>? {
            while remaining.first == 0x20 { remaining = remaining.dropFirst() }
            guard !remaining.isEmpty else { return nil }
            let end = remaining.firstIndex(of: 0x20) ?? remaining.endIndex
            let word = remaining[..<end]
            remaining = remaining[end...]
            if remaining.first == 0x20 { remaining = remaining.dropFirst() }
            return word
        }

        /// `[ID name="value" ...]`, values unescaped (`\"`, `\\`, `\]`); nil when it is not well formed.
        mutating func structuredDataElement() -> (id: String, parameters: [String: String])? {
            guard remaining.first == UInt8(ascii: "[") else { return nil }
            remaining = remaining.dropFirst()
            func name() -> String? {
                let end = remaining.firstIndex { $0 == 0x20 || $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "]") } ?? remaining.endIndex
                guard end > remaining.startIndex else { return nil }
                defer { remaining = remaining[end...] }
                return String(decoding: remaining[..<end], as: UTF8.self)
            }
            guard let id = name() else { return nil }
            var parameters: [String: String] = [:]
            while true {
                guard let c = remaining.first else { return nil }
                remaining = remaining.dropFirst()
                if c == UInt8(ascii: "]") { break }
                guard c == 0x20, let key = name(), remaining.first == UInt8(ascii: "="),
                      remaining.dropFirst().first == UInt8(ascii: "\"") else { return nil }
                remaining = remaining.dropFirst(2)
                var value: [UInt8] = []
                while true {
                    guard let v = remaining.first else { return nil }
                    remaining = remaining.dropFirst()
                    if v == UInt8(ascii: "\"") { break }
                    if v == UInt8(ascii: "\\"), let next = remaining.first,
                       next == UInt8(ascii: "\"") || next == UInt8(ascii: "\\") || next == UInt8(ascii: "]") {
                        value.append(next)
                        remaining = remaining.dropFirst()
                    } else {
                        value.append(v)
                    }
                }
                parameters[key] = String(decoding: value, as: UTF8.self)
            }
            if remaining.first == 0x20 { remaining = remaining.dropFirst() }
            return (id, parameters)
        }
    }
}
