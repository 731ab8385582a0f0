import CMappedFile
import Foundation

/// Signs that attempts were made on a profile, for when its audit trail is missing or empty: lock files left by
/// earlier attempts (each attempt that wrote its intent leaves one), and store lines paydesk marked cancelled
/// (they name their attempt).
enum AuditEvidence {
    static func earlierAttempts(in directory: String) -> [String] {
        var found: [String] = []
        let locks = ((try? FileManager.default.contentsOfDirectory(atPath: directory + "/locks")) ?? []).filter { $0.hasSuffix(".lock") }
        let idle = locks.filter { AttemptLock.isEvidence(directory + "/locks/" + $0) }.count
        if idle > 0 { found.append("\(idle) attempt lock file\(idle == 1 ? "" : "s") in locks/") }
        for name in [SessionKind.fileName, PayoutKind.fileName] {
            // Read a piece at a time (complete lines): a million-line store is not held in memory for this.
            var tail = FileTail(path: directory + "/" + name, what: "store")
            var marked = 0
            _ = try? tail.read(start: { _ in }) { lines, _, _ in marked += occurrences(of: Array("\"cancel_attempt_id\"".utf8), in: lines) }
            if marked > 0 { found.append("\(marked) line\(marked == 1 ? "" : "s") of \(name) marked cancelled by paydesk") }
        }
        return found
    }

    private static func occurrences(of needle: [UInt8], in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        var count = 0
        var offset = 0
        needle.withUnsafeBufferPointer { n in
            while offset < bytes.count, let hit = paydesk_find_bytes(base + offset, bytes.count - offset, n.baseAddress!, n.count) {
                count += 1
                offset = hit - base + n.count
            }
        }
        return count
    }
}
