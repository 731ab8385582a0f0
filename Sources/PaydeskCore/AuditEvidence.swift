import CLibcExtras
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
            guard let bytes = try? FileBytes.read(path: directory + "/" + name) else { continue }
            let marked = occurrences(of: Array("\"cancel_attempt_id\"".utf8), in: bytes)
            if marked > 0 { found.append("\(marked) line\(marked == 1 ? "" : "s") of \(name) marked cancelled by paydesk") }
        }
        return found
    }

    private static func occurrences(of needle: [UInt8], in file: FileBytes) -> Int {
        var count = 0
        var offset = 0
        needle.withUnsafeBytes { n in
            while offset < file.count, let hit = memmem(file.base + offset, file.count - offset, n.baseAddress, n.count) {
                count += 1
                offset = hit.assumingMemoryBound(to: UInt8.self) - file.base + n.count
            }
        }
        return count
    }
}
