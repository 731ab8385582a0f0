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
        /// Bytes an unlocked writer appended to the old file while we worked: they are only in the old file.
        public let lateBytesInOldFile: Int
    }

    public static func compact<Kind: RecordKind>(_ kind: Kind.Type, path: String, now: Date = Date()) throws -> Report {
        guard FileManager.default.fileExists(atPath: path) else {
            return Report(path: path, keptOldFile: nil, linesBefore: 0, records: 0, badLinesLeft: 0, lateBytesInOldFile: 0)
        }
        // Refuse, rather than wait, when someone else holds the lock: compaction can always be run again later.
        let locked = try LockedFile.open(path, create: false, wait: .no)
        let store = try StoreSnapshot<Kind>.load(path: path)
        if store.lineCount == store.records.count, store.completeLength == store.bytes.count {
            // One line per record already: a rewrite would only add an old file.
            return Report(path: path, keptOldFile: nil, linesBefore: store.lineCount, records: store.records.count,
                          badLinesLeft: 0, lateBytesInOldFile: 0)
        }

        let directory = (path as NSString).deletingLastPathComponent
        let temporary = path + ".compacting-\(getpid())"
        defer { unlink(temporary) }
        let ordered = store.records.sorted { $0.lineNumber < $1.lineNumber }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(store.completeLength)
        for record in ordered {
            bytes.append(contentsOf: store.lineBytes(of: record))
            bytes.append(0x0A)
        }
        try write(bytes, to: temporary)

        // Read back what we wrote before trusting it with the name.
        let check = try StoreSnapshot<Kind>.load(path: temporary)
        guard check.records.count == store.records.count, check.problemCount == 0 else {
            throw PaydeskError.failed("compaction check failed for \(path): the new file did not read back the same; the store is unchanged")
        }

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
        return Report(path: path, keptOldFile: kept, linesBefore: store.lineCount, records: store.records.count,
                      badLinesLeft: store.problemCount, lateBytesInOldFile: max(0, locked.size - store.bytes.count))
    }

    private static func write(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw PaydeskError.io("cannot create \(path): \(systemMessage())") }
        defer { close(fd) }
        var done = 0
        try bytes.withUnsafeBytes { raw in
            while done < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw PaydeskError.io("cannot write \(path): \(systemMessage()); the store is unchanged")
                }
                done += n
            }
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
