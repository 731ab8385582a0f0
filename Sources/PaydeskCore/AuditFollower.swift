import Foundation
import CLibcExtras

/// A profile's audit trail followed as it grows: only appended lines are read and parsed. It keeps the
/// entries per target, so a cancellation asks for its target's attempts without reading the trail again.
/// Thread-safe, like `StoreFollower`.
public final class AuditFollower: @unchecked Sendable {
    public let directory: String
    private let path: String
    private let lock = NSLock()
    private var tail: FileTail
    private var lineCount = 0
    private var entries: [AuditEntry] = []
    private var byTarget: [String: [Int]] = [:]
    private var problemCount = 0
    private var firstProblem: LineProblem?
    private var changed = true
    /// Intents without an outcome whose lock was held when last looked at: their state can change without a write.
    private var liveTargets: [String: Bool] = [:]

    public init(directory: String) {
        self.directory = directory
        path = directory + "/audit.jsonl"
        tail = FileTail(path: path, what: "audit trail")
    }

    /// What the screens show of the trail: every attempt (newest first) and its problems.
    public struct Change: Sendable {
        public let attempts: [Attempt]
        public let problemCount: Int
        public let firstProblem: LineProblem?
    }

    /// Reads what was appended since the last read, and looks again at the locks of attempts without an outcome
    /// (a call of another paydesk ends, or its process dies, without touching the trail).
    public func catchUp() throws {
        try lock.withLock { try unlockedCatchUp() }
    }

    /// The attempts, when something changed since the last call.
    public func takeChange() -> Change? {
        lock.withLock {
            let unanswered = unansweredTargets()
            let live = Dictionary(uniqueKeysWithValues: unanswered.map { ($0, AttemptLock.isHeld(directory: directory, gateway: $0.gateway, target: $0.target)) }
                .map { ("\($0.0.gateway) \($0.0.target)", $0.1) })
            if live != liveTargets { changed = true }
            liveTargets = live
            guard changed else { return nil }
            changed = false
            let attempts = AttemptHistory.attempts(entries) { live["\($0) \($1)"] ?? false }
            return Change(attempts: attempts, problemCount: problemCount, firstProblem: firstProblem)
        }
    }

    /// This target's entries in trail order, after reading what was appended.
    public func entries(gateway: String, target: String) throws -> [AuditEntry] {
        try lock.withLock {
            try unlockedCatchUp()
            return (byTarget[target] ?? []).map { entries[$0] }.filter { $0.gateway == gateway }
        }
    }

    private func unansweredTargets() -> [(gateway: String, target: String)] {
        var answered = Set<String>()
        var open: [(String, String)] = []
        for entry in entries.reversed() {
            if entry.event == .outcome { answered.insert(entry.attemptId) } else if !answered.contains(entry.attemptId) { open.append((entry.gateway, entry.target)) }
        }
        return open
    }

    private func unlockedCatchUp() throws {
        _ = try tail.read(start: { start in
            guard start == .fromBeginning else { return }
            entries = []
            byTarget = [:]
            lineCount = 0
            problemCount = 0
            firstProblem = nil
            changed = true
        }) { lines, _, _ in
            var start = 0
            while start < lines.count {
                let end = lines[start...].firstIndex(of: 0x0A) ?? lines.count
                lineCount += 1
                if end > start {
                    switch AuditEntry.parse(UnsafeBufferPointer(rebasing: lines[start..<end])) {
                    case .success(let entry):
                        byTarget[entry.target, default: []].append(entries.count)
                        entries.append(entry)
                    case .failure(let e):
                        problemCount += 1
                        if firstProblem == nil { firstProblem = LineProblem(path: path, line: lineCount, column: nil, message: e.message) }
                    }
                }
                start = end + 1
                changed = true
            }
        }
        if entries.isEmpty, lineCount == 0, firstProblem == nil, let head = try? AuditLog(directory: directory).readHead(), head.seq > 0 {
            problemCount = 1
            firstProblem = LineProblem(path: path, line: 1, column: nil, message: AuditLog.missingTrail(head))
            changed = true
        }
    }
}

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
                while from < data.count, let p = memmem(base + from, data.count - from, pattern, pattern.count) {
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
