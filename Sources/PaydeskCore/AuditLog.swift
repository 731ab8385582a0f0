import Foundation

/// `audit.jsonl`: append-only, one entry a line, each line carrying the SHA-256 of the line before it, so an
/// edit, a deletion or a reordering breaks the chain. `audit.head` records the last line's seq and hash, so
/// changing or cutting the end of the file is caught as well, and every append checks the trail's end
/// against it first: a trail that was cut, edited or deleted is never silently extended.
public struct AuditLog: Sendable {
    public let path: String
    public let headPath: String
    let directory: String
    /// The mode the trail, its head and the folder get when made: the owner's alone, or a shared desk's.
    let sharing: FileSharing
    /// Where every appended entry is also sent (`audit_syslog`), or nil.
    public let copy: AuditCopy?

    public init(directory: String, sharing: FileSharing = .ownerOnly, copy: AuditCopy? = nil) {
        self.copy = copy
        self.directory = directory
        self.sharing = sharing
        path = directory + "/audit.jsonl"
        headPath = directory + "/audit.head"
    }

    public struct Appended: Sendable {
        public let entry: AuditEntry
        /// Set when `audit.head` could not be updated (a full disk, a folder that refuses new files). The line is
        /// written and stands; `audit verify` will say the head is behind until a later write catches it up.
        public let headWarning: String?
        /// Set when the entry could not be sent to the syslog copy: written here, missing there. Say so loudly.
        public var copyWarning: String? = nil
    }

    /// Appends `entry` with the next seq and the chain hash, synced to disk before it returns. The trail's end is
    /// checked against `audit.head` first; when they disagree nothing is written and the error says what to run.
    /// If it throws, the caller must not act: nothing was recorded.
    @discardableResult
    public func append(_ entry: AuditEntry) throws -> Appended {
        try sharing.makeFolder(directory)
        let written: Appended = try {
            let file = try LockedFile.open(path, create: true, sharing: sharing, wait: .upTo(10))
            let tail = try checkedTail(of: file, profile: entry.profile)
            var next = entry
            next.seq = tail.seq + 1
            next.prev = tail.line.map { Digest.sha256Hex($0) } ?? AuditEntry.firstPrev
            return try write(next, to: file)
        }()   // the trail's lock is released here: a slow syslog must not hold up the other members' appends
        return copied(written)
    }

    /// The last line the chain continues from, and its seq.
    struct Tail {
        let line: [UInt8]?
        let seq: Int
    }

    /// Checks the trail's end against `audit.head`. The usual case reads only the last line; anything else is
    /// verified whole, and only a head left behind by a failed write (the chain intact since) may go on.
    private func checkedTail(of file: LockedFile, profile: String) throws -> Tail {
        let head: Head?
        do {
            head = try readHead()
        } catch {
            throw refusal(LineProblem(path: headPath, line: 1, column: nil, message: "\(error)"))
        }
        if file.size == 0 {
            let verification = try unlockedVerify(profile: profile)
            if let broken = verification.broken { throw refusal(broken) }
            // The head exists before the first line, so a missing head is always a removed one.
            if head == nil { try writeHead(seq: 0, hash: AuditEntry.firstPrev) }
            return Tail(line: nil, seq: head?.seq ?? 0)
        }
        if let head, file.lastByte == 0x0A, let last = try lastLine(of: file), Digest.sha256Hex(last) == head.hash,
           case .success(let entry) = AuditEntry.parse(last), entry.seq == head.seq, entry.profile == profile {
            return Tail(line: last, seq: entry.seq)
        }
        let verification = try unlockedVerify(profile: profile)
        if let broken = verification.broken { throw refusal(broken) }
        return Tail(line: verification.lastLine, seq: verification.lastSeq)
    }

    private func refusal(_ broken: LineProblem) -> PaydeskError {
        .failed("the audit trail does not check out (\(broken)); nothing was written or sent. Run `paydesk audit verify`; "
            + "once the cause is known, `paydesk audit acknowledge --reason TEXT` records it and lets work go on")
    }

    /// Writes `entry` as the trail's next line, ending a torn last line first, then moves the head.
    func write(_ entry: AuditEntry, to file: LockedFile) throws -> Appended {
        var bytes: [UInt8] = []
        if let end = file.lastByte, end != 0x0A { bytes.append(0x0A) }
        let line = Array(entry.line.utf8)
        bytes += line
        bytes.append(0x0A)
        let first = file.size == 0
        try file.appendAndSync(bytes)
        if first { syncDirectory(directory) }   // a new file's name must survive a crash too
        // The line is on disk: that is the record. A head that could not follow is said loudly, never hidden.
        var warning: String?
        do {
            try writeHead(seq: entry.seq, hash: Digest.sha256Hex(line))
        } catch {
            warning = "\(headPath) could not be updated (\(error)): the entry is written, but the trail's end cannot be checked "
                + "until the head catches up. Free disk space or fix the folder's permissions"
        }
        return Appended(entry: entry, headWarning: warning)
    }

    /// Sends a written entry to the syslog copy, if there is one. Only after it is written and synced: a copy is never
    /// sent of an entry the trail does not hold.
    func copied(_ written: Appended) -> Appended {
        guard let copy else { return written }
        var appended = written
        let entry = written.entry
        do {
            try copy.send(entry, line: entry.line, hostname: entry.origin?.host ?? Origin.current().host, pid: entry.origin?.pid ?? getpid())
        } catch {
            appended.copyWarning = "the audit entry \(entry.seq) is written, but its syslog copy was not sent (\(error)): the central log "
                + "lacks it, and `paydesk audit verify --against` will name it. Fix the syslog daemon or audit_syslog"
        }
        return appended
    }

    /// The bytes of the file's last non-empty line (a torn one included), without its newline.
    private func lastLine(of file: LockedFile) throws -> [UInt8]? {
        let size = file.size
        guard size > 0 else { return nil }
        var end = size
        var tail: [UInt8] = []
        var chunk = 4096
        while true {
            let start = max(0, end - chunk)
            var buffer = [UInt8](repeating: 0, count: end - start)
            guard pread(file.fd, &buffer, buffer.count, off_t(start)) == buffer.count else {
                throw PaydeskError.io("cannot read \(path): \(systemMessage())")
            }
            tail = buffer + tail
            end = start
            var trimmed = tail[...]
            while trimmed.last == 0x0A { trimmed = trimmed.dropLast() }
            if let newline = trimmed.lastIndex(of: 0x0A) { return Array(trimmed[(newline + 1)...]) }
            if start == 0 { return trimmed.isEmpty ? nil : Array(trimmed) }
            chunk *= 2
        }
    }

    // MARK: The head

    struct Head: Equatable {
        let seq: Int
        let hash: String
    }

    /// The head, or nil when there is none; it throws when one is there but is not a head (a FIFO, garbage).
    func readHead() throws -> Head? {
        guard let bytes = try RegularFile.read(headPath, followLinks: false, what: "audit head") else { return nil }
        guard let value = try? JSONValue.parse(bytes), case .number(let n)? = value["seq"], let seq = Int(n),
              case .string(let hash)? = value["sha256"] else {
            throw PaydeskError.io("\(headPath) is not an audit head (edited, or not written by paydesk)")
        }
        return Head(seq: seq, hash: hash)
    }

    func writeHead(seq: Int, hash: String) throws {
        var o = JSONObjectWriter()
        o.add("seq", seq)
        o.add("sha256", hash)
        let temporary = headPath + ".tmp"
        // Made new each time (O_EXCL): whatever was left there (a FIFO would block the open) is removed first.
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw PaydeskError.io("cannot write \(temporary): \(systemMessage())") }
        do {
            try sharing.applyMode(to: fd, path: temporary)   // renamed into place, it is the head every member reads
        } catch {
            close(fd)
            throw error
        }
        let bytes = Array((o.text + "\n").utf8)
        let ok = Foundation.write(fd, bytes, bytes.count) == bytes.count && fsync(fd) == 0
        let code = errno
        close(fd)
        guard ok else { throw PaydeskError.io("cannot write \(temporary): \(systemMessage(code))") }
        guard rename(temporary, headPath) == 0 else { throw PaydeskError.io("cannot write \(headPath): \(systemMessage())") }
    }

    // MARK: Reading

    /// Every readable entry, in file order, and the lines that are not entries (and a trail that is missing
    /// while its head says it had entries). Read under the lock, so a line being appended is never seen half written.
    public func entries() throws -> (entries: [AuditEntry], problems: [LineProblem]) {
        try underLock {
            var entries: [AuditEntry] = []
            var problems: [LineProblem] = []
            let lines = try self.lines()
            for line in lines {
                guard line.complete else {
                    problems.append(LineProblem(path: path, line: line.number, column: nil, message: "incomplete last line (a write cut short)"))
                    continue
                }
                switch AuditEntry.parse(line.bytes) {
                case .success(let entry): entries.append(entry)
                case .failure(let e): problems.append(LineProblem(path: path, line: line.number, column: nil, message: e.message))
                }
            }
            if lines.isEmpty, let head = try? readHead(), head.seq > 0 {
                problems.append(LineProblem(path: path, line: 1, column: nil, message: Self.missingTrail(head)))
            }
            return (entries, problems)
        }
    }

    static func missingTrail(_ head: Head) -> String {
        "the trail is missing or empty, but audit.head records \(head.seq) entries: it was deleted or emptied, and attempts it held "
            + "(in doubt ones too) are not shown"
    }

    /// Holds the trail's lock while `body` reads (appenders hold it while they write).
    func underLock<T>(_ body: () throws -> T) throws -> T {
        guard FileManager.default.fileExists(atPath: path) else { return try body() }
        let lock = try LockedFile.open(path, create: false, wait: .upTo(10))
        defer { withExtendedLifetime(lock) {} }
        return try body()
    }

    struct Line {
        let number: Int
        let bytes: ArraySlice<UInt8>
        /// Whether it ended with a newline.
        let complete: Bool
        /// Where it starts in the file.
        let offset: Int
    }

    /// The whole trail (empty when there is none), and its non-empty lines.
    func read() throws -> [UInt8] {
        try RegularFile.read(path, followLinks: false, what: "audit trail") ?? []
    }

    func lines() throws -> [Line] { Self.lines(of: try read()) }

    /// The first disagreement between this trail and the syslog copy in `files` (a daemon's file and its rotations;
    /// see `AuditCopyCheck`), or nil; and how many entries predate the copy (written before `audit_syslog` was set),
    /// which are not compared. The copy is read first: an entry appended meanwhile is then one the copy may lack, never
    /// one the trail lacks.
    public func disagreement(withCopy files: [String], profile: String) throws -> (problem: String?, predating: Int) {
        let copy = try files.flatMap { try AuditCopyCheck.read(file: $0, profile: profile) }
        var trail = try lines().map { String(decoding: $0.bytes, as: UTF8.self) }
        let start = copy.map(\.seq).min() ?? Int.max
        let predating = trail.prefix { line in
            (try? AuditEntry.parse(Array(line.utf8)).get()).map { $0.seq < start } ?? false
        }.count
        trail.removeFirst(predating)
        return (AuditCopyCheck.firstDisagreement(trail: trail, copy: copy), predating)
    }

    static func lines(of bytes: [UInt8]) -> [Line] {
        var out: [Line] = []
        var number = 0
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            number += 1
            if end > start { out.append(Line(number: number, bytes: bytes[start..<end], complete: end < bytes.count, offset: start)) }
            start = end + 1
        }
        return out
    }
}

extension Result {
    var successValue: Success? { if case .success(let v) = self { v } else { nil } }
}
