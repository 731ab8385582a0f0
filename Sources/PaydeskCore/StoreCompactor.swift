import Foundation

/// Rewrites a store file to the latest line of each record. The new file is written beside it, synced,
/// checked, and renamed into place; the old file is kept next to it under a dated name, bad lines and all.
public enum StoreCompactor {
    public struct Report: Sendable, Equatable {
        public let path: String
        /// Where the old file now is, or nil when there was nothing to compact (no file, or one line per record).
        public let keptOldFile: String?
        public let linesBefore: Int
        public let records: Int
        /// Bad lines not carried over (they stay in the old file).
        public let badLinesLeft: Int
        /// Whole lines that writers waiting on the old file's lock wrote there after the swap: carried over.
        public let lateLinesMoved: Int
        /// Such lines not carried over, because the new file already had a newer line for their record (carried,
        /// they would have won over it). They stay in the old file.
        public let lateLinesNotCarried: Int
        /// Bytes that reached the old file too late, or as a partial line: they are only in the old file.
        public let lateBytesInOldFile: Int
    }

    /// The new file gets `sharing`'s mode: on a shared desk, the other members go on writing to it.
    public static func compact<Kind: RecordKind>(_ kind: Kind.Type, path: String, sharing: FileSharing = .ownerOnly,
                                                 now: Date = Date()) throws -> Report {
        guard FileManager.default.fileExists(atPath: path) else {
            return Report(path: path, keptOldFile: nil, linesBefore: 0, records: 0, badLinesLeft: 0, lateLinesMoved: 0, lateLinesNotCarried: 0,
                          lateBytesInOldFile: 0)
        }
        // Refuse, rather than wait, when someone else holds the lock: compaction can always be run again later.
        return try compact(kind, path: path, holding: try LockedFile.open(path, create: false, wait: .no), sharing: sharing, now: now)
    }

    /// How long, after the swap, to watch the old file for writers that were already waiting on its lock.
    static let lateWriterWatch = 0.3

    static func compact<Kind: RecordKind>(_ kind: Kind.Type, path: String, holding locked: LockedFile, sharing: FileSharing = .ownerOnly,
                                          now: Date) throws -> Report {
        let store = try StoreSnapshot<Kind>.load(path: path)
        if store.lineCount == store.records.count, store.completeLength == store.bytes.count {
            // One line per record already: a rewrite would only add an old file.
            return Report(path: path, keptOldFile: nil, linesBefore: store.lineCount, records: store.records.count,
                          badLinesLeft: 0, lateLinesMoved: 0, lateLinesNotCarried: 0, lateBytesInOldFile: 0)
        }

        let directory = (path as NSString).deletingLastPathComponent
        let temporary = path + ".compacting-\(getpid())"
        defer { unlink(temporary) }
        let ordered = store.records.sorted { $0.offset < $1.offset }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(store.completeLength)
        for record in ordered {
            bytes.append(contentsOf: store.lineBytes(of: record))
            bytes.append(0x0A)
        }
        try store.checkIntact()
        try write(bytes, to: temporary, sharing: sharing)

        // Read back what we wrote before trusting it with the name.
        let check = try StoreSnapshot<Kind>.load(path: temporary)
        guard check.records.count == store.records.count, check.problemCount == 0 else {
            throw PaydeskError.failed("compaction check failed for \(path): the new file did not read back the same; the store is unchanged")
        }
        // Locked before it takes the name, until the late lines are carried: a writer that opens the new file
        // waits, so its line comes after them, and a second compaction cannot start.
        let new = try LockedFile.open(temporary, create: false, wait: .no)

        let kept = uniqueOldName(path, now: now)
        guard link(path, kept) == 0 else {
            throw PaydeskError.io("cannot keep the old file as \(kept): \(systemMessage()); the store is unchanged")
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(kept)
            throw PaydeskError.io("cannot rename the compacted file into place: \(systemMessage(code)); the store is unchanged")
        }
        syncDirectory(directory)
        let late = try rescueLateLines(kind, from: locked, after: store.bytes.count, into: new, compactedLength: bytes.count)
        return Report(path: path, keptOldFile: kept, linesBefore: store.lineCount, records: store.records.count,
                      badLinesLeft: store.problemCount, lateLinesMoved: late.moved, lateLinesNotCarried: late.notCarried,
                      lateBytesInOldFile: late.left)
    }

    /// A writer that opened the old file and waited for its lock writes into the old file once we let go.
    /// Watch it for a moment and carry whole lines that arrive over to the new file (whose lock we hold), in
    /// order; but never one whose record already has a line in the new file past the compacted part (a writer
    /// that ignores the lock could have put it there): that line is newer, and the carried one would win.
    private static func rescueLateLines<Kind: RecordKind>(_ kind: Kind.Type, from old: LockedFile, after readLength: Int, into new: LockedFile,
                                                          compactedLength: Int) throws -> (moved: Int, notCarried: Int, left: Int) {
        old.unlock()
        var size = old.size
        let deadline = Date().addingTimeInterval(lateWriterWatch)
        while Date() < deadline {
            usleep(25_000)
            size = old.size
        }
        guard size > readLength else { return (0, 0, 0) }
        var late = [UInt8](repeating: 0, count: size - readLength)
        guard pread(old.fd, &late, late.count, off_t(readLength)) == late.count else { return (0, 0, size - readLength) }
        let complete = late.lastIndex(of: 0x0A).map { late[...$0] } ?? []
        let lines = nonBlankLines(complete)

        var appended = [UInt8](repeating: 0, count: max(0, new.size - compactedLength))
        if !appended.isEmpty, pread(new.fd, &appended, appended.count, off_t(compactedLength)) != appended.count { appended = [] }
        let newer = Set(nonBlankLines(appended[...]).compactMap { Kind.summarize(line: $0).successValue?.key })
        let carried = lines.filter { line in Kind.summarize(line: line).successValue.map { !newer.contains($0.key) } ?? true }
        try StoreAppender.append(carried, to: new)
        return (carried.count, lines.count - carried.count, late.count - complete.count)
    }

    private static func nonBlankLines(_ bytes: ArraySlice<UInt8>) -> [[UInt8]] {
        bytes.split(separator: 0x0A).map(Array.init).filter { !$0.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D } }
    }

    private static func write(_ bytes: [UInt8], to path: String, sharing: FileSharing) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw PaydeskError.io("cannot create \(path): \(systemMessage())") }
        defer { close(fd) }
        try sharing.applyMode(to: fd, path: path)
        if let code = bytes.withUnsafeBytes({ writeAll(fd, $0) }) {
            throw PaydeskError.io("cannot write \(path): \(systemMessage(code)); the store is unchanged")
        }
        guard fsync(fd) == 0 else { throw PaydeskError.io("cannot sync \(path): \(systemMessage()); the store is unchanged") }
    }

    /// `payouts.jsonl.20261121T093000Z.old`, with a counter if that exists.
    private static func uniqueOldName(_ path: String, now: Date) -> String {
        let stamp = Timestamp(milliseconds: Int64(now.timeIntervalSince1970 * 1000)).rfc3339
            .filter { $0.isNumber || $0 == "T" }.prefix(15) + "Z"
        var candidate = "\(path).\(stamp).old"
        var n = 1
        while FileManager.default.fileExists(atPath: candidate) {
            n += 1
            candidate = "\(path).\(stamp)-\(n).old"
        }
        return candidate
    }
}
