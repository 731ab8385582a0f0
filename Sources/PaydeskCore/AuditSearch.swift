import CMappedFile
import Foundation

/// One target's audit entries found in the trail by a byte search: only lines that name the target are parsed.
/// For the one-shot `cancel`.
public enum AuditSearch {
    public static func entries(directory: String, gateway: String, target: String) throws -> [AuditEntry] {
        let log = AuditLog(directory: directory)
        return try log.underLock {
            let bytes = try log.read()
            var needle = ""
            JSONValue.writeString(target, to: &needle)
            let pattern = Array(needle.utf8)
            var found: [AuditEntry] = []
            bytes.withUnsafeBufferPointer { data in
                guard let base = data.baseAddress else { return }
                var from = 0
                // The store's search (32 places a step, glibc's memmem a byte at a time through near misses).
                while from < data.count, let p = paydesk_find_bytes(base + from, data.count - from, pattern, pattern.count) {
                    let at = UnsafeRawPointer(p) - UnsafeRawPointer(base)
                    var lineStart = at
                    while lineStart > 0, data[lineStart - 1] != 0x0A { lineStart -= 1 }
                    var lineEnd = at
                    while lineEnd < data.count, data[lineEnd] != 0x0A { lineEnd += 1 }
                    // Only complete lines: the last one may still be being written.
                    if lineEnd < data.count, case .success(let entry) = AuditEntry.parse(UnsafeBufferPointer(rebasing: data[lineStart..<lineEnd])),
                       entry.gateway == gateway, entry.target == target {
                        found.append(entry)
                    }
                    from = lineEnd + 1
                }
            }
            return found
        }
    }
}
