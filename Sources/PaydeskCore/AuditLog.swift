import Foundation

/// `audit.jsonl`: append-only, one entry a line, each line carrying the SHA-256 of the line before it, so an
/// edit, a deletion or a reordering breaks the chain. `audit.head` records the last line's seq and hash, so
/// changing or cutting the end of the file is caught as well.
public struct AuditLog: Sendable {
    public let path: String
    public let headPath: String

    public init(directory: String) {
        path = directory + "/audit.jsonl"
        headPath = directory + "/audit.head"
    }

    /// Appends `entry` with the next seq and the chain hash, synced to disk before it returns.
    /// If it throws, the caller must not act: nothing was recorded.
    @discardableResult
    public func append(_ entry: AuditEntry) throws -> AuditEntry {
        let directory = (path as NSString).deletingLastPathComponent
        let existed = FileManager.default.fileExists(atPath: path)
        if !existed { try makePrivateDirectory(directory) }
        let file = try LockedFile.open(path, create: true, wait: .upTo(10))
        let last = try lastLine(of: file)
        var next = entry
        // The last line gives the seq; if a crash tore it, the highest seq in the file does.
        let lastSeq = try last.flatMap { AuditEntry.parse($0).map(\.seq).successValue } ?? unlockedEntries().entries.map(\.seq).max()
        next.seq = (lastSeq ?? 0) + 1
        next.prev = last.map { Digest.sha256Hex($0) } ?? AuditEntry.firstPrev
        var bytes: [UInt8] = []
        if let end = file.lastByte, end != 0x0A { bytes.append(0x0A) }   // end a torn line: verify will name it
        let line = Array(next.line.utf8)
        bytes += line
        bytes.append(0x0A)
        try file.appendAndSync(bytes)
        if !existed { syncDirectory(directory) }
        // The line is on disk: that is the record. A head that could not be updated is flagged by verify,
        // and must not make the caller believe the entry was not written.
        try? writeHead(seq: next.seq, hash: Digest.sha256Hex(line))
        return next
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

    private func writeHead(seq: Int, hash: String) throws {
        var o = JSONObjectWriter()
        o.add("seq", seq)
        o.add("sha256", hash)
        let temporary = headPath + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw PaydeskError.io("cannot write \(temporary): \(systemMessage())") }
        let bytes = Array((o.text + "\n").utf8)
        let ok = write(fd, bytes, bytes.count) == bytes.count && fsync(fd) == 0
        close(fd)
        guard ok, rename(temporary, headPath) == 0 else { throw PaydeskError.io("cannot write \(headPath): \(systemMessage())") }
    }

    /// Every readable entry, in file order, and the lines that are not entries. Read under the lock, so a
    /// line being appended is never seen half written.
    public func entries() throws -> (entries: [AuditEntry], problems: [LineProblem]) {
        try underLock { try unlockedEntries() }
    }

    /// Holds the trail's lock while `body` reads (appenders hold it while they write).
    private func underLock<T>(_ body: () throws -> T) throws -> T {
        guard FileManager.default.fileExists(atPath: path) else { return try body() }
        let lock = try LockedFile.open(path, create: false, wait: .upTo(10))
        defer { withExtendedLifetime(lock) {} }
        return try body()
    }

    private func unlockedEntries() throws -> (entries: [AuditEntry], problems: [LineProblem]) {
        var entries: [AuditEntry] = []
        var problems: [LineProblem] = []
        for (number, line, complete) in try lines() {
            guard complete else {
                problems.append(LineProblem(path: path, line: number, column: nil, message: "incomplete last line (a write cut short)"))
                continue
            }
            switch AuditEntry.parse(line) {
            case .success(let entry): entries.append(entry)
            case .failure(let e): problems.append(LineProblem(path: path, line: number, column: nil, message: e.message))
            }
        }
        return (entries, problems)
    }

    /// Each non-empty line with its number and whether it ended with a newline.
    private func lines() throws -> [(Int, ArraySlice<UInt8>, Bool)] {
        guard let data = FileManager.default.contents(atPath: path) else {
            if FileManager.default.fileExists(atPath: path) { throw PaydeskError.io("cannot read \(path)") }
            return []
        }
        let bytes = [UInt8](data)
        var out: [(Int, ArraySlice<UInt8>, Bool)] = []
        var number = 0
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            number += 1
            if end > start { out.append((number, bytes[start..<end], end < bytes.count)) }
            start = end + 1
        }
        return out
    }

    public struct Verification: Sendable, Equatable {
        /// Entries checked and found whole.
        public let count: Int
        /// The first line that breaks the chain and why, or nil when the trail is whole.
        public let broken: LineProblem?
    }

    /// Walks the chain from the first line: each seq one more than the last, each `prev` the hash of the line
    /// before, and the last line the one `audit.head` recorded.
    public func verify() throws -> Verification {
        try underLock { try unlockedVerify() }
    }

    private func unlockedVerify() throws -> Verification {
        var expectedPrev = AuditEntry.firstPrev
        var count = 0
        var lastHash: String?
        func broken(_ line: Int, _ message: String) -> Verification {
            Verification(count: count, broken: LineProblem(path: path, line: line, column: nil, message: message))
        }
        var previousHash: String?
        for (number, line, complete) in try lines() {
            guard complete else { return broken(number, "incomplete line (a write cut short, or the file was cut)") }
            guard case .success(let entry) = AuditEntry.parse(line) else {
                return broken(number, "not an audit entry (edited, or not written by paydesk)")
            }
            guard entry.seq == count + 1 else {
                return broken(number, "seq is \(entry.seq), expected \(count + 1): a line before it was deleted or lines were reordered")
            }
            guard entry.prev == expectedPrev else {
                return broken(number, count == 0
                    ? "prev should be 64 zeros on the first line: lines before it were deleted"
                    : "prev does not match line \(number - 1): that line was edited, or lines were deleted or reordered")
            }
            previousHash = lastHash
            expectedPrev = Digest.sha256Hex(line)
            lastHash = expectedPrev
            count += 1
        }
        guard let head = readHead() else {
            return count == 0 ? Verification(count: 0, broken: nil)
                : broken(count, "\((headPath as NSString).lastPathComponent) is missing: the end of the trail cannot be checked")
        }
        if head.seq == count - 1, head.hash == previousHash {
            return broken(count, "\((headPath as NSString).lastPathComponent) is one entry behind: a crash after the last line was written, "
                + "or the last line was added by hand")
        }
        if head.seq != count || head.hash != lastHash {
            return broken(count, head.seq > count
                ? "the trail ends at seq \(count) but \((headPath as NSString).lastPathComponent) records seq \(head.seq): its last lines were removed"
                : "the last line does not match \((headPath as NSString).lastPathComponent): it was edited")
        }
        return Verification(count: count, broken: nil)
    }

    private func readHead() -> (seq: Int, hash: String)? {
        guard let data = FileManager.default.contents(atPath: headPath), let value = try? JSONValue.parse([UInt8](data)),
              case .number(let n)? = value["seq"], let seq = Int(n), case .string(let hash)? = value["sha256"] else { return nil }
        return (seq, hash)
    }
}

extension Result {
    var successValue: Success? { if case .success(let v) = self { v } else { nil } }
}
