/// What the index keeps of one valid line: its key, its time and its state.
/// Everything else stays in the line's bytes until someone looks at the record.
public struct LineSummary<Key: Sendable>: Sendable {
    public let key: Key
    public let time: Timestamp
    /// Index into the kind's `states`.
    public let state: UInt8
}

/// Why one line is not a record: where, and what to do about it.
public struct LineError: Error, Sendable, Equatable {
    /// 1-based column (byte) of a syntax error, when there is one.
    public let column: Int?
    public let message: String
}

/// Finds which known field a member names, without allocating: a fingerprint compare, then bytes if needed.
/// It holds its tables by pointer, valid only inside `FieldMatcher.with`: copying field specs (and so
/// retaining their arrays) per member cost a fifth of the load time.
struct FieldMatcher {
    let fields: UnsafeBufferPointer<FieldSpec>
    private let fingerprints: UnsafeBufferPointer<UInt64>

    static func with<R>(_ fields: [FieldSpec], _ body: (FieldMatcher) -> R) -> R {
        let fingerprints = fields.map { JSONScanner($0.nameBytes.baseAddress!, count: $0.nameBytes.count).fingerprint(0, $0.nameBytes.count) }
        return fields.withUnsafeBufferPointer { f in
            fingerprints.withUnsafeBufferPointer { fp in body(FieldMatcher(fields: f, fingerprints: fp)) }
        }
    }

    /// Which field the member names.
    @inline(__always)
    func index(_ s: JSONScanner, _ m: JSONScanner.Member, fingerprint fp: UInt64) -> Int? {
        if m.keyHasEscapes {
            let name = s.decodeString(m.keyStart, m.keyEnd, hasEscapes: true)
            return fields.firstIndex { $0.name == name }
        }
        for i in fingerprints.indices where fingerprints[i] == fp {
            if m.keyEnd - m.keyStart <= 7 || s.equals(m.keyStart, m.keyEnd, fields[i].nameBytes) { return i }
        }
        return nil
    }
}

/// The unknown names seen so far on one line, to refuse a field given twice (known fields are counted by
/// bit). Reused from line to line, so it allocates once per scan, not once per line.
struct SeenNames {
    private var names: [(fingerprint: UInt64, start: Int, end: Int, escaped: Bool)] = []

    init() { names.reserveCapacity(32) }

    mutating func reset() { names.removeAll(keepingCapacity: true) }

    /// Records the member's name; false if the line already had it.
    @inline(__always)
    mutating func insert(_ s: JSONScanner, _ m: JSONScanner.Member, fingerprint: UInt64) -> Bool {
        for n in names {
            if n.escaped || m.keyHasEscapes {
                // Rare: compare the names as text.
                if s.decodeString(n.start, n.end, hasEscapes: n.escaped) == s.decodeString(m.keyStart, m.keyEnd, hasEscapes: m.keyHasEscapes) {
                    return false
                }
            } else if n.fingerprint == fingerprint, m.keyEnd - m.keyStart <= 7 || s.equals(n.start, n.end, m.keyStart, m.keyEnd) {
                return false
            }
        }
        names.append((fingerprint, m.keyStart, m.keyEnd, m.keyHasEscapes))
        return true
    }
}

extension RecordKind {
    /// Checks one line (without its newline) against the kind's fields: most lines in one quick pass that expects
    /// the names of the lines before, the others member by member.
    @inline(__always)
    static func summarize(_ s: JSONScanner, _ matcher: FieldMatcher, _ seenNames: inout SeenNames,
                          _ layout: inout LineLayout) -> Result<LineSummary<Key>, LineError> {
        if let summary = quickSummary(s, &layout, matcher) { return .success(summary) }
        return summarize(s, matcher, &seenNames)
    }

    /// Checks one line member by member, and words everything wrong with it.
    static func summarize(_ s: JSONScanner, _ matcher: FieldMatcher, _ seenNames: inout SeenNames) -> Result<LineSummary<Key>, LineError> {
        let fields = matcher.fields
        seenNames.reset()
        var seen: UInt64 = 0
        var key: Result<Key, FieldError>?
        var time: Timestamp?
        var state: UInt8 = 0
        var problems: [String] = []
        do {
            var cursor = try s.openObject()
            while let (m, next) = try s.nextMember(cursor) {
                cursor = next
                let fingerprint = s.fingerprint(m.keyStart, m.keyEnd)
                guard let index = matcher.index(s, m, fingerprint: fingerprint) else {
                    guard seenNames.insert(s, m, fingerprint: fingerprint) else { return .failure(appearsTwice(s, m)) }
                    continue
                }
                let bit: UInt64 = 1 << UInt64(index)
                guard seen & bit == 0 else { return .failure(appearsTwice(s, m)) }
                seen |= bit
                switch index {
                case 0:
                    key = Self.key(s, m)
                case 1:
                    time = FieldSpec.timestamp(s, m)
                    if time == nil { problems.append(fields[1].problem(s, m) ?? "\(fields[1].name) is not a timestamp") }
                case 2:
                    if m.kind == .null { continue }
                    guard let choice = fields[2].choiceIndex(s, m) else { problems.append(fields[2].problem(s, m) ?? "bad \(fields[2].name)"); continue }
                    state = UInt8(choice)
                default:
                    if let problem = fields[index].problem(s, m) { problems.append(problem) }
                }
            }
        } catch let error as JSONScanner.SyntaxError {
            return .failure(LineError(column: error.offset + 1, message: "not valid JSON: \(error.message)"))
        } catch {
            return .failure(LineError(column: nil, message: "\(error)"))
        }
        switch key {
        case .none: problems.insert("the key \(fields[0].name) is missing", at: 0)
        case .failure(let e)?: problems.insert(e.message, at: 0)
        case .success?: break
        }
        if seen & 2 == 0 { problems.append("\(fields[1].name) is missing") }
        guard problems.isEmpty, case .success(let k)? = key, let t = time else {
            return .failure(LineError(column: nil, message: problems.joined(separator: "; ")))
        }
        return .success(LineSummary(key: k, time: t, state: state))
    }

    private static func appearsTwice(_ s: JSONScanner, _ m: JSONScanner.Member) -> LineError {
        LineError(column: m.keyStart, message:
            "the field \(printable(s.decodeString(m.keyStart, m.keyEnd, hasEscapes: m.keyHasEscapes))) appears twice")
    }

    /// Checks a line given as bytes, as the importer does.
    public static func summarize(line: [UInt8]) -> Result<LineSummary<Key>, LineError> {
        line.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, !buffer.isEmpty else {
                return .failure(LineError(column: nil, message: "empty line"))
            }
            var seenNames = SeenNames()
            return FieldMatcher.with(fields) { summarize(JSONScanner(base, count: buffer.count), $0, &seenNames) }
        }
    }
}
