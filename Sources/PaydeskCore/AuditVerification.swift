import Foundation

/// Walking the audit trail's chain: what `paydesk audit verify` reports, and what every append relies on.
extension AuditLog {
    public struct Verification: Sendable, Equatable {
        /// Entries checked and found whole.
        public let count: Int
        /// The first break no acknowledgement accepts, or nil when the trail is whole.
        public let broken: LineProblem?
        /// Breaks the operator acknowledged, each with the entry that did.
        public let acknowledged: [Acknowledged]
        /// Entries written since `audit.head` was (it could not be written then): not a tamper alarm.
        public let headBehindBy: Int?
        /// The last whole line and its seq: where the next entry chains on.
        let lastLine: [UInt8]?
        let lastSeq: Int
        /// The highest seq any entry or the head has used, broken lines included: an acknowledgement counts on from it.
        let highestSeq: Int
    }

    public struct Acknowledged: Sendable, Equatable {
        /// The line of the acknowledgement.
        public let line: Int
        public let entry: AuditEntry
        /// The break this acknowledgement accepted when verify found it (nil: it accepted a trail found missing).
        public let problem: LineProblem?
    }

    /// Walks the chain from the first line: each seq one more than the last, each `prev` the hash of the line
    /// before, each entry of `profile` (when given), and the last line the one `audit.head` recorded. A break is
    /// passed only by an `acknowledge` entry after it, which chains to the trail exactly as it was.
    public func verify(profile: String? = nil) throws -> Verification {
        try underLock { try unlockedVerify(profile: profile) }
    }

    func unlockedVerify(profile: String?) throws -> Verification {
        let bytes = try read()
        // A head that is there but is no head (a FIFO, garbage) is a break of its own, named after the walk.
        var head: Head?
        var unreadableHead: LineProblem?
        do {
            head = try readHead()
        } catch {
            unreadableHead = LineProblem(path: headPath, line: 1, column: nil, message: "\(error)")
        }
        var expectedPrev = AuditEntry.firstPrev
        var expectedSeq = 1
        var count = 0
        var pending: LineProblem?
        var acknowledged: [Acknowledged] = []
        var last: (line: [UInt8], seq: Int, hash: String)?
        var headLineHash: String?
        var previousLineHash: String?
        var highestSeq = head?.seq ?? 0
        func problem(_ line: Int, _ message: String) -> LineProblem { LineProblem(path: path, line: line, column: nil, message: message) }

        for line in Self.lines(of: bytes) {
            let hash = Digest.sha256Hex(line.bytes)
            defer { previousLineHash = hash }
            let parsed = line.complete ? AuditEntry.parse(line.bytes).successValue : nil
            highestSeq = max(highestSeq, parsed?.seq ?? 0)
            if let entry = parsed, entry.event == .acknowledge {
                // It accepts what precedes it, exactly as it was then.
                guard entry.trailSHA256 == Digest.sha256Hex(bytes[..<line.offset]), entry.prev == (previousLineHash ?? AuditEntry.firstPrev) else {
                    pending = problem(line.number, "an acknowledgement whose trail before it was changed after it was written"
                        + (pending.map { " (the first break before it: line \($0.line), \($0.message))" } ?? ""))
                    continue
                }
                if let profile, entry.profile != profile {
                    pending = pending ?? problem(line.number, "an acknowledgement of profile \(entry.profile), not \(profile): a trail from another profile")
                    continue
                }
                acknowledged.append(Acknowledged(line: line.number, entry: entry, problem: pending))
                pending = nil
            } else {
                if pending != nil { continue }
                guard line.complete else {
                    pending = problem(line.number, "incomplete line (a write cut short, or the file was cut)")
                    continue
                }
                guard let entry = parsed else {
                    pending = problem(line.number, "not an audit entry (edited, or not written by paydesk)")
                    continue
                }
                guard entry.seq == expectedSeq else {
                    pending = problem(line.number, "seq is \(entry.seq), expected \(expectedSeq): a line before it was deleted or lines were reordered")
                    continue
                }
                guard entry.prev == expectedPrev else {
                    pending = problem(line.number, count == 0
                        ? "prev should be 64 zeros on the first line: lines before it were deleted"
                        : "prev does not match line \(line.number - 1): that line was edited, or lines were deleted or reordered")
                    continue
                }
                if let profile, entry.profile != profile {
                    pending = problem(line.number, "the entry is of profile \(entry.profile), not \(profile): a trail copied from another profile")
                    continue
                }
            }
            let seq = parsed!.seq
            expectedPrev = hash
            expectedSeq = seq + 1
            count += 1
            last = (Array(line.bytes), seq, hash)
            if seq == head?.seq { headLineHash = hash }
        }
        func result(_ broken: LineProblem?, behind: Int? = nil) -> Verification {
            Verification(count: count, broken: broken, acknowledged: acknowledged, headBehindBy: behind, lastLine: last?.line,
                         lastSeq: last?.seq ?? head?.seq ?? 0, highestSeq: highestSeq)
        }
        if let pending = pending ?? unreadableHead { return result(pending) }

        // The end, against audit.head.
        let headName = (headPath as NSString).lastPathComponent
        guard let last else {
            if let head, head.seq > 0 { return result(problem(1, Self.missingTrail(head))) }
            let evidence = AuditEvidence.earlierAttempts(in: directory)
            if !evidence.isEmpty {
                return result(problem(1, "the trail is missing or empty, but \(evidence.joined(separator: " and ")) show that attempts were made: "
                    + "it was deleted or emptied"))
            }
            return result(nil)
        }
        guard let head else { return result(problem(count, "\(headName) is missing or unreadable: the end of the trail cannot be checked")) }
        if head.seq == last.seq, head.hash == last.hash { return result(nil) }
        if head.seq < last.seq, headLineHash == head.hash { return result(nil, behind: last.seq - head.seq) }
        return result(problem(count, head.seq > last.seq
            ? "the trail ends at seq \(last.seq) but \(headName) records seq \(head.seq): its last lines were removed"
            : "the last line does not match \(headName): it was edited"))
    }

    /// Records that the operator has seen what `verify` finds and accepts it: an `acknowledge` entry naming the
    /// break, chained to the trail exactly as it is now (a torn last line included), after which work goes on.
    /// Nil when the trail is whole and there is nothing to acknowledge.
    public func acknowledge(operatorName: String, profile: String, reason: String, at: Timestamp, origin: Origin? = nil) throws -> Appended? {
        try sharing.makeFolder(directory)
        let written: Appended? = try {
            let file = try LockedFile.open(path, create: true, sharing: sharing, wait: .upTo(10))
            let verification = try unlockedVerify(profile: profile)
            guard let broken = verification.broken else { return nil }
            var before = try read()
            if let end = before.last, end != 0x0A { before.append(0x0A) }
            let entry = AuditEntry(seq: verification.highestSeq + 1, at: at, operatorName: operatorName, profile: profile,
                                   gateway: "", target: "", event: .acknowledge, attemptId: UUID().uuidString.lowercased(), reason: reason,
                                   acknowledges: broken.description, trailSHA256: Digest.sha256Hex(before), origin: origin,
                                   prev: Self.lines(of: before).last.map { Digest.sha256Hex($0.bytes) } ?? AuditEntry.firstPrev)
            return try write(entry, to: file)
        }()
        return written.map(copied)
    }
}
