import Foundation

/// One store file followed as it grows, for a console that stays open all day: the first read takes the whole
/// file (a piece at a time), every later one only what was appended. It keeps the open records (open sessions,
/// pending payouts) with their lines, and nothing of the rest. Thread-safe: the console's feed and its
/// cancellations both ask it; each asks it to catch up first, so answers are never older than the file.
public final class StoreFollower<Kind: RecordKind>: @unchecked Sendable {
    /// An open record: its key, time and state as its latest line says, and that line.
    public struct Entry: Sendable {
        public let key: Kind.Key
        public let time: Timestamp
        public let state: UInt8
        public let line: StoredLine
    }

    /// What changed for the screens since they last asked.
    public struct Change: Sendable {
        /// The file was read from its beginning (the first read, a compaction, a replaced or deleted file):
        /// `opened` is then every open record, and whatever was shown before is gone.
        public var isFresh = false
        /// Records whose latest line is open, in no particular order.
        public var opened: [Entry] = []
        /// Records whose latest line is no longer open.
        public var closed: [Kind.Key] = []
        /// Bad lines so far in the file, and the first of them.
        public var problemCount = 0
        public var firstProblem: LineProblem?

    }

    public let path: String
    private let clock: @Sendable () -> Timestamp
    private let lock = NSLock()
    private var tail: FileTail
    private var lineCount = 0
    private var open: [Kind.Key: Entry] = [:]
    /// Keys that were open and are not any more, with their latest state: a refusal can say what they are.
    private var departed: [Kind.Key: (state: UInt8, time: Timestamp)] = [:]
    private var problemCount = 0
    private var firstProblem: LineProblem?
    /// Bytes after the last newline: a line still being written or cut short, counted as a problem while it lasts.
    private var incompleteTail = 0
    private var lastSweep = Timestamp(milliseconds: 0)
    // Not yet taken by the screens.
    private var unsentFresh = false
    private var unsentOpened: [Kind.Key: Entry] = [:]
    private var unsentClosed: Set<Kind.Key> = []
    private var sentProblems = (count: -1, first: LineProblem?.none)

    public init(path: String, clock: @escaping @Sendable () -> Timestamp = { .now }) {
        self.path = path
        self.clock = clock
        tail = FileTail(path: path, what: "\(Kind.noun)s store")
    }

    /// Reads what was appended since the last read (the whole file the first time, or when it was replaced).
    // Specialized per kind, for callers in other modules: generic, the hot loop runs several times slower.
    @_specialize(exported: true, where Kind == PayoutKind)
    @_specialize(exported: true, where Kind == SessionKind)
    public func catchUp() throws {
        try lock.withLock { try unlockedCatchUp() }
    }

    /// What changed since the last call, or nil when nothing did.
    @_specialize(exported: true, where Kind == PayoutKind)
    @_specialize(exported: true, where Kind == SessionKind)
    public func takeChange() -> Change? {
        lock.withLock {
            let problems = problems
            guard unsentFresh || !unsentOpened.isEmpty || !unsentClosed.isEmpty || problems.count != sentProblems.count
                || problems.first != sentProblems.first else { return nil }
            sentProblems = problems
            var change = Change(isFresh: unsentFresh, closed: Array(unsentClosed), problemCount: problems.count, firstProblem: problems.first)
            // Oldest first, as the lists show them by default: the screen then has nothing to sort.
            change.opened = (unsentFresh ? Array(open.values) : Array(unsentOpened.values)).sorted {
                $0.time.milliseconds != $1.time.milliseconds ? $0.time.milliseconds < $1.time.milliseconds : $0.key < $1.key
            }
            unsentFresh = false
            unsentOpened = [:]
            unsentClosed = []
            return change
        }
    }

    /// Forgets everything read (after the file could not be read): the next read is a fresh one.
    public func forget() {
        lock.withLock { tail.forget() }
    }

    /// How a record stands now, after reading what was appended: its latest state and time, with its line
    /// when it is open. Nil when the follower does not know it (never open since the console started):
    /// `StoreSearch` then finds it in the file.
    @_specialize(exported: true, where Kind == PayoutKind)
    @_specialize(exported: true, where Kind == SessionKind)
    public func latest(_ key: Kind.Key) throws -> FoundRecord<Kind>? {
        try lock.withLock {
            try unlockedCatchUp()
            if let entry = open[key] { return FoundRecord(key: key, time: entry.time, state: entry.state, line: entry.line) }
            if let gone = departed[key] { return FoundRecord(key: key, time: gone.time, state: gone.state, line: nil) }
            return nil
        }
    }

    private var problems: (count: Int, first: LineProblem?) {
        guard incompleteTail > 0 else { return (problemCount, firstProblem) }
        let cut = LineProblem(path: path, line: lineCount + 1, column: nil, message:
            "the last line has no newline at its end (a write still in progress, or cut short by a crash); skipped until it is complete")
        return (problemCount + 1, firstProblem ?? cut)
    }

    private func unlockedCatchUp() throws {
        let now = clock()
        incompleteTail = try tail.read(start: { start in
            guard start == .fromBeginning else { return }
            // About 200 bytes a line, half of them open: rehashing a growing table cost more than the scan.
            open = Dictionary(minimumCapacity: Int(Self.fileSize(path) / 400))
            departed = [:]
            lineCount = 0
            problemCount = 0
            firstProblem = nil
            unsentFresh = true
            unsentOpened = [:]
            unsentClosed = []
        }) { lines, atFileStart in
            apply(StoreLineScan<Kind>.inParallel(lines, from: 0, to: lines.count, atFileStart: atFileStart), lines, now: now)
        }
        // Sessions expire as time passes: forget them once a minute, so a day of sessions is not kept all day.
        if now.milliseconds - lastSweep.milliseconds >= 60_000 {
            lastSweep = now
            let recordsExpire = !Kind.isActionable(0, time: Timestamp(milliseconds: 0), now: now)   // an open line from 1970
            if recordsExpire {
                open = open.filter { Kind.isActionable($0.value.state, time: $0.value.time, now: now) }
            }
        }
    }

    private static func fileSize(_ path: String) -> Int64 {
        var info = stat()
        return lstat(path, &info) == 0 ? Int64(info.st_size) : 0
    }

    /// Applies scanned lines in file order: the last line of a key wins. Only open lines are copied.
    private func apply(_ scans: [StoreLineScan<Kind>], _ lines: UnsafeBufferPointer<UInt8>, now: Timestamp) {
        var needed = 0
        for scan in scans {
            for r in scan.records where Kind.isActionable(r.state, time: r.time, now: now) { needed += r.length }
        }
        var writer = LineChunkWriter(capacity: needed)
        for scan in scans {
            for r in scan.records {
                if Kind.isActionable(r.state, time: r.time, now: now) {
                    let entry = Entry(key: r.key, time: r.time, state: r.state,
                                      line: writer.add(UnsafeBufferPointer(rebasing: lines[r.offset..<(r.offset + r.length)])))
                    open[r.key] = entry
                    if !departed.isEmpty { departed[r.key] = nil }
                    if !unsentFresh {
                        unsentOpened[r.key] = entry
                        unsentClosed.remove(r.key)
                    }
                } else if open.removeValue(forKey: r.key) != nil || departed[r.key] != nil {
                    departed[r.key] = (r.state, r.time)
                    if !unsentFresh {
                        unsentOpened[r.key] = nil
                        unsentClosed.insert(r.key)
                    }
                }
            }
            for p in scan.problems where firstProblem == nil {
                firstProblem = LineProblem(path: path, line: p.line + lineCount, column: p.column, message: p.message)
            }
            problemCount += scan.problemCount
            lineCount += scan.lineCount
        }
    }
}

/// A record as a lookup found it: its latest state and time, and its line when it is open (or when searched for).
public struct FoundRecord<Kind: RecordKind>: Sendable {
    public let key: Kind.Key
    public let time: Timestamp
    public let state: UInt8
    public let line: StoredLine?

    /// The state name that counts at `now` (a session past its lifetime is `expired`).
    public func effectiveState(now: Timestamp) -> String {
        Kind.states[Int(Kind.effectiveState(state, time: time, now: now))]
    }
}
