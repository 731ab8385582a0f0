import Foundation

/// One store file followed as it grows, for a console that stays open all day: the first read takes the whole
/// file (a piece at a time), every later one only what was appended. Of the open records (open sessions,
/// pending payouts) it keeps where their latest line is in the file; their lines go to the screens, once.
/// Thread-safe: the console's feed and its cancellations both ask it; each asks it to catch up first, so
/// answers are never older than the file.
public final class StoreFollower<Kind: RecordKind>: @unchecked Sendable {
    /// An open record as the screens get it: its key, time and state as its latest line says, and that line.
    public struct Entry: Sendable {
        public let key: Kind.Key
        public let time: Timestamp
        public let state: UInt8
        public let line: StoredLine
        let offset: Int
    }

    /// What changed for the screens since they last asked.
    public struct Change: Sendable {
        /// The file was read from its beginning (the first read, a compaction, a replaced or deleted file):
        /// `opened` is then every open record so far, and whatever was shown before is gone.
        public var isFresh = false
        /// Records whose latest line is open, oldest first.
        public var opened: [Entry] = []
        /// Records whose latest line is no longer open.
        public var closed: [Kind.Key] = []
        /// Bad lines so far in the file, and the first of them.
        public var problemCount = 0
        public var firstProblem: LineProblem?
        /// While a read of the whole file is under way: how much of it was read (0...1).
        public var loading: Double?
    }

    public let path: String
    private let clock: @Sendable () -> Timestamp
    private let lock = NSLock()
    private var tail: FileTail
    private var lineCount = 0
    /// Where each open record's latest line is: the rest is read again from the line when asked.
    private var open = OpenPlaces<Kind.Key>()
    /// Keys that were open and are not any more, with their latest state: a refusal can say what they are.
    private var departed: [Kind.Key: (state: UInt8, time: Timestamp)] = [:]
    private var problemCount = 0
    private var firstProblem: LineProblem?
    /// Bytes after the last newline: a line still being written or cut short, counted as a problem while it lasts.
    private var incompleteTail = 0
    private var lastSweep = Timestamp(milliseconds: 0)
    // Not yet taken by the screens: open lines in file order (a later one of the same key supersedes an
    // earlier one) and closed keys. Arrays, not tables: a first read puts every open record here.
    private var unsentFresh = false
    private var unsentOpened: [Entry] = []
    private var unsentClosed: Set<Kind.Key> = []
    /// Where lines that a later line superseded (or closed) start: the unsent ones among them are dropped when the
    /// screens ask, by one merge with `unsentOpened` (both in file order) instead of a lookup per line.
    private var supersededOffsets: [Int] = []
    /// The greatest key read so far: a line with a greater key is the first of its record, so it needs no lookup
    /// to tell whether the record was open before. Stores mostly add records in key order.
    private var greatestKey: Kind.Key?
    private var sentProblems = (count: -1, first: LineProblem?.none)
    /// The last change sent said a read was under way: the next one says it ended, even with nothing else.
    private var sentLoading = false

    public init(path: String, clock: @escaping @Sendable () -> Timestamp = { .now }) {
        self.path = path
        self.clock = clock
        tail = FileTail(path: path, what: "\(Kind.noun)s store")
    }

    /// Reads what was appended since the last read (the whole file the first time, or when it was replaced).
    /// While a whole file is read, `progress` (if given) gets what was read so far after each piece, so the
    /// screens fill as it goes.
    // Specialized per kind, for callers in other modules: generic, the hot loop runs several times slower.
    @_specialize(exported: true, where Kind == PayoutKind)
    @_specialize(exported: true, where Kind == SessionKind)
    public func catchUp(progress: ((Change) -> Void)? = nil) throws {
        try lock.withLock { try unlockedCatchUp(progress: progress) }
    }

    /// What changed since the last call, or nil when nothing did.
    @_specialize(exported: true, where Kind == PayoutKind)
    @_specialize(exported: true, where Kind == SessionKind)
    public func takeChange() -> Change? {
        lock.withLock { unlockedTakeChange(loading: nil) }
    }

    /// Forgets everything read (after the file could not be read): the next read is a fresh one.
    public func forget() {
        lock.withLock { tail.forget() }
    }

    /// How a record stands now, after reading what was appended: its latest state and time, with its line
    /// (read again from the file) when it is open. Nil when the follower does not know it (never open since
    /// the console started): `StoreSearch` then finds it in the file.
    @_specialize(exported: true, where Kind == PayoutKind)
    @_specialize(exported: true, where Kind == SessionKind)
    public func latest(_ key: Kind.Key) throws -> FoundRecord<Kind>? {
        try lock.withLock {
            try unlockedCatchUp(progress: nil)
            if let place = open[key] {
                let (line, state) = try readLine(at: place, key: key)
                return FoundRecord(key: key, time: place.time, state: state, line: line)
            }
            if let gone = departed[key] { return FoundRecord(key: key, time: gone.time, state: gone.state, line: nil) }
            return nil
        }
    }

    private var problems: (count: Int, first: LineProblem?) {
        guard incompleteTail > 0 else { return (problemCount, firstProblem) }
        return (problemCount + 1, firstProblem ?? .unfinishedLastLine(path: path, line: lineCount + 1))
    }

    private func unlockedTakeChange(loading: Double?) -> Change? {
        let problems = problems
        guard unsentFresh || !unsentOpened.isEmpty || !unsentClosed.isEmpty || problems.count != sentProblems.count
            || problems.first != sentProblems.first || loading != nil || sentLoading else { return nil }
        sentProblems = problems
        sentLoading = loading != nil
        // Only each key's latest line, if it is still open; closed keys that did not open again.
        let current = Self.dropping(supersededOffsets.sorted(), from: unsentOpened)
        var change = Change(isFresh: unsentFresh, closed: unsentClosed.filter { open[$0] == nil },
                            problemCount: problems.count, firstProblem: problems.first, loading: loading)
        // Oldest first, as the lists show them by default: the screen then has nothing to sort. Lines come in
        // file order, mostly sorted already: then they are not copied.
        let oldestFirst = { (a: Entry, b: Entry) in
            a.time.milliseconds != b.time.milliseconds ? a.time.milliseconds < b.time.milliseconds : a.key < b.key
        }
        change.opened = current.isSorted(by: oldestFirst) ? current : current.sorted(by: oldestFirst)
        unsentFresh = false
        unsentOpened = []
        unsentClosed = []
        supersededOffsets = []
        return change
    }

    /// The entries whose offset is not in `offsets`; both ascending.
    private static func dropping(_ offsets: [Int], from entries: [Entry]) -> [Entry] {
        guard !offsets.isEmpty else { return entries }
        var kept: [Entry] = []
        kept.reserveCapacity(entries.count)
        var k = 0
        for entry in entries {
            while k < offsets.count, offsets[k] < entry.offset { k += 1 }
            if k < offsets.count, offsets[k] == entry.offset { continue }
            kept.append(entry)
        }
        return kept
    }

    private func unlockedCatchUp(progress: ((Change) -> Void)?) throws {
        let now = clock()
        var fresh = false
        var scanned: Scanned?
        func takeIn(_ run: Scanned?) {
            guard let run else { return }
            apply(run.scans, fileOffset: run.fileOffset, now: now)
            if fresh, run.fractionRead < 1, let progress, let change = unlockedTakeChange(loading: run.fractionRead) { progress(change) }
        }
        // Assigned after the read: the progress callback reads `incompleteTail` while the read is under way.
        let incomplete = try tail.read(start: { start in
            guard start == .fromBeginning else { return }
            fresh = true
            // About 200 bytes a line, half of them open: rehashing a growing table cost more than the scan.
            open = OpenPlaces(expected: Int(Self.fileSize(path) / 400))
            departed = [:]
            lineCount = 0
            problemCount = 0
            firstProblem = nil
            unsentFresh = true
            unsentOpened = []
            unsentClosed = []
            supersededOffsets = []
            greatestKey = nil
        }, { lines, fileOffset, fractionRead in
            // A run is taken in while the next is scanned: both cores stay busy. Its open lines were copied by its scan.
            let scans = StoreLineScan<Kind>.inParallel(lines, from: 0, to: lines.count, atFileStart: fileOffset == 0,
                                                       keeping: { Kind.isActionable($0.state, time: $0.time, now: now) }) {
                takeIn(scanned)
            }
            scanned = (scans, fileOffset, fractionRead)
        }, last: {
            takeIn(scanned)   // also when the read failed later: what was read counts
        })
        incompleteTail = incomplete
        // Sessions expire as time passes: forget them once a minute, so a day of sessions is not kept all day.
        if now.milliseconds - lastSweep.milliseconds >= 60_000 {
            lastSweep = now
            let recordsExpire = !Kind.isActionable(0, time: Timestamp(milliseconds: 0), now: now)   // an open line from 1970
            if recordsExpire {
                // Open lines say the first state. The screens are told too, so they let go of the rows.
                for place in open.all where !Kind.isActionable(0, time: place.time, now: now) {
                    _ = open.remove(place.key)
                    supersededOffsets.append(place.offset)
                    if !unsentFresh { unsentClosed.insert(place.key) }
                }
            }
        }
    }

    /// A run of lines scanned and not yet taken in.
    private typealias Scanned = (scans: [StoreLineScan<Kind>], fileOffset: Int, fractionRead: Double)

    private static func fileSize(_ path: String) -> Int64 {
        var info = stat()
        return lstat(path, &info) == 0 ? Int64(info.st_size) : 0
    }

    /// Applies scanned lines in file order: the last line of a key wins. Open lines come copied by the scan.
    private func apply(_ scans: [StoreLineScan<Kind>], fileOffset: Int, now: Timestamp) {
        // The tables are moved out while a million records go in: each touch of a class's property costs an
        // exclusivity check, a tenth of the console's start.
        var open = OpenPlaces<Kind.Key>(), departed: [Kind.Key: (state: UInt8, time: Timestamp)] = [:]
        var unsentOpened: [Entry] = [], unsentClosed: Set<Kind.Key> = [], superseded: [Int] = []
        swap(&open, &self.open)
        swap(&departed, &self.departed)
        swap(&unsentOpened, &self.unsentOpened)
        swap(&unsentClosed, &self.unsentClosed)
        swap(&superseded, &self.supersededOffsets)
        defer {
            swap(&open, &self.open)
            swap(&departed, &self.departed)
            swap(&unsentOpened, &self.unsentOpened)
            swap(&unsentClosed, &self.unsentClosed)
            swap(&superseded, &self.supersededOffsets)
        }
        let unsentFresh = self.unsentFresh
        var greatest = greatestKey
        let lookAhead = KeyIndex<OpenPlaces<Kind.Key>.Place>.lookAhead
        for scan in scans {
            let records = scan.records
            // The scan kept the open records' lines, in order, by the same rule at the same `now`.
            var keptLines = scan.keptLines.makeIterator()
            for (i, r) in records.enumerated() {
                if i + lookAhead < records.count { open.prefetch(records[i + lookAhead].key) }
                let isFirst = greatest.map { r.key > $0 } ?? true
                if isFirst { greatest = r.key }
                if Kind.isActionable(r.state, time: r.time, now: now) {
                    let offset = fileOffset + r.offset
                    if let old = open.set(r.key, offset: offset, time: r.time) { superseded.append(old) }
                    if !isFirst {
                        if !departed.isEmpty { departed[r.key] = nil }
                        if !unsentClosed.isEmpty { unsentClosed.remove(r.key) }
                    }
                    unsentOpened.append(Entry(key: r.key, time: r.time, state: r.state, line: keptLines.next()!, offset: offset))
                } else if !isFirst {
                    let old = open.remove(r.key)
                    if let old { superseded.append(old) }
                    if old != nil || departed[r.key] != nil {
                        departed[r.key] = (r.state, r.time)
                        if !unsentFresh { unsentClosed.insert(r.key) }
                    }
                }
            }
            for p in scan.problems where firstProblem == nil {
                firstProblem = LineProblem(path: path, line: p.line + lineCount, column: p.column, message: p.message)
            }
            problemCount += scan.problemCount
            lineCount += scan.lineCount
        }
        greatestKey = greatest
    }

    /// An open record's line and state, read again from where it starts in the file (up to its newline).
    private func readLine(at place: OpenPlaces<Kind.Key>.Place, key: Kind.Key) throws -> (StoredLine, UInt8) {
        guard let fd = try RegularFile.open(path, flags: O_RDONLY, followLinks: false, what: "\(Kind.noun)s store") else {
            throw PaydeskError.io("\(path) disappeared while it was read")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(place.offset + bytes.count)) }
            guard n > 0 else { throw PaydeskError.io("cannot read \(path) at byte \(place.offset): \(n < 0 ? systemMessage() : "it ends there")") }
            if let newline = chunk[..<n].firstIndex(of: 0x0A) {
                bytes += chunk[..<newline]
                break
            }
            bytes += chunk[..<n]
        }
        let line = StoredLine(bytes)
        // The file was checked just now, but a writer could still change it in place: the line must be the record's.
        guard let record = StoreLineScan<Kind>.scan(line.bytes, from: 0, to: line.length, atFileStart: false).records.first,
              record.key == key, Kind.isActionable(record.state, time: record.time, now: record.time) else {
            throw PaydeskError.io("\(path) changed under paydesk at byte \(place.offset); nothing was sent. Try again")
        }
        return (line, record.state)
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
