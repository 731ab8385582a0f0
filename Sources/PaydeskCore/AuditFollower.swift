import Foundation

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
    /// Intents without an outcome so far (attempt id: gateway and target), kept as lines arrive.
    private var unanswered: [String: (gateway: String, target: String)] = [:]
    /// Whether each unanswered target's lock was held when last looked at: that changes without a write.
    private var liveTargets: [String: Bool] = [:]
    /// Whether another paydesk was checking each unanswered target when last looked at.
    private var checkingTargets: [String: Bool] = [:]

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
            // Only the few intents without an outcome are looked at again (one lock each), not the whole trail.
            var live: [String: Bool] = [:]
            var checking: [String: Bool] = [:]
            for (_, t) in unanswered where live["\(t.gateway) \(t.target)"] == nil {
                let held = AttemptLock.isHeld(directory: directory, gateway: t.gateway, target: t.target)
                live["\(t.gateway) \(t.target)"] = held
                // A check holds the attempt lock too: only then is its .checking file worth a look.
                checking["\(t.gateway) \(t.target)"] = held && CheckLock.isHeld(directory: directory, gateway: t.gateway, target: t.target)
            }
            if live != liveTargets || checking != checkingTargets { changed = true }
            liveTargets = live
            checkingTargets = checking
            guard changed else { return nil }
            changed = false
            let attempts = AttemptHistory.attempts(entries, isInFlight: { live["\($0) \($1)"] ?? false },
                                                   isChecking: { checking["\($0) \($1)"] ?? false })
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

    private func unlockedCatchUp() throws {
        _ = try tail.read(start: { start in
            guard start == .fromBeginning else { return }
            entries = []
            byTarget = [:]
            unanswered = [:]
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
                        unanswered[entry.attemptId] = entry.event == .intent ? (entry.gateway, entry.target) : nil
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
