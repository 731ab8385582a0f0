import Foundation
import PaydeskCore

/// What a sessions or payouts tab shows, kept between keys: every open row in the tab's order (`sorted`), and
/// those the filter keeps (`shown`), as slots of `TargetRows`. Recomputed when the rows, the order or the filter
/// change, and then only as far as needed: appended rows merge in, a longer filter searches the last result.
/// Moving the cursor reads it and never sorts or filters.
struct TargetView: Sendable {
    private(set) var sorted: [Int32] = []
    private(set) var shown: [Int32] = []
    private(set) var sortColumn = -1
    private(set) var descending = false
    private(set) var filter = LineFilter("")
    /// The keys of `sortColumn` per slot, when it sorts by a key (made from the row, or from its status), not by time.
    private var sortKeys: [SortKey] = []
    /// The statuses at the last rebuild or restatus: when sorting by status, a change of status moves only its rows.
    private var keyedStatuses: [TargetID: TargetStatus] = [:]
    /// When the next open session expires (sessions only): the rows are looked at again then, not every tick.
    private(set) var nextExpiry = Timestamp(milliseconds: .max)
    /// Bumped whenever `sorted` changes: a background search of an older version is out of date.
    private(set) var version = 0
    /// The filter being searched in the background, and the version it searches; `shown` is the last result until then.
    private(set) var pending: (text: String, version: Int)?
    /// Slots that changed since the pending search started: its result is corrected for them rather than thrown
    /// away, so a search slower than the feed still ends.
    private var changedSincePending: [Int32] = []

    /// Up to this many rows a filter is searched at once (a few milliseconds); beyond, in the background.
    static let inlineFilterLimit = 30_000

    /// Everything again: after a fresh load or a new order.
    mutating func rebuild(_ rows: TargetRows, tab: ConsoleTab, list: ListState, statuses: [TargetID: TargetStatus], now: Timestamp) {
        sortColumn = list.sortColumn
        descending = list.descending
        sortKeys = []
        var live: [Int32] = []
        live.reserveCapacity(rows.count)
        for (i, row) in rows.slots.enumerated() where row.map({ Self.isOpen($0, tab: tab, now: now) }) ?? false { live.append(Int32(i)) }
        keyedStatuses = statuses
        prepareKeys(rows, tab: tab, slots: live, statuses: statuses)
        let less = comparator(rows, tab: tab)
        if !live.isSorted(by: less) { live.sort(by: less) }
        sorted = live
        nextExpiry = Self.nextExpiry(rows, tab: tab, slots: sorted)
        version += 1
        // The filter is applied again by `refilter`, at once or in the background.
        filter = LineFilter("")
        shown = sorted
        pending = nil
        changedSincePending = []
    }

    /// Applies a change of rows: removed slots leave, added ones merge into their place.
    mutating func merge(_ change: TargetRows.SlotChange, _ rows: TargetRows, tab: ConsoleTab, statuses: [TargetID: TargetStatus], now: Timestamp) {
        if !change.removed.isEmpty {
            // A flag per slot: one pass over the list, without hashing each of its rows.
            var gone = [Bool](repeating: false, count: rows.slots.count)
            for slot in change.removed { gone[Int(slot)] = true }
            sorted.removeAll { gone[Int($0)] }
            shown.removeAll { gone[Int($0)] }
        }
        let added = change.added.filter { rows.slots[Int($0)].map { Self.isOpen($0, tab: tab, now: now) } ?? false }
        version += 1
        if pending != nil { changedSincePending += change.removed + change.added }
        guard !added.isEmpty else { return }
        prepareKeys(rows, tab: tab, slots: added, statuses: statuses)
        let less = comparator(rows, tab: tab)
        let ordered = added.isSorted(by: less) ? added : added.sorted(by: less)
        Self.merge(ordered, into: &sorted, by: less)
        let kept = filter.isEmpty ? ordered : Self.filtered(ordered, rows.slots, filter, statuses)
        Self.merge(kept, into: &shown, by: less)
        nextExpiry = min(nextExpiry, Self.nextExpiry(rows, tab: tab, slots: ordered))
    }

    /// Applies the filter `text`, searching only the last result when it narrows the old filter. A long list is
    /// searched in the background: the job is returned, and `shown` stays the last result until `accept`.
    mutating func refilter(_ text: String, tab: ConsoleTab, _ rows: TargetRows, statuses: [TargetID: TargetStatus], force: Bool = false) -> FilterJob? {
        let new = LineFilter(text)
        if !force, pending == nil, new.text == filter.text { return nil }
        if !force, let pending, pending.text == text { return nil }   // rows changed since are corrected for on arrival
        let base = !force && pending == nil && !filter.isEmpty && new.narrows(filter) ? shown : sorted
        guard !new.isEmpty, base.count > Self.inlineFilterLimit else {
            filter = new
            shown = new.isEmpty ? sorted : Self.filtered(base, rows.slots, new, statuses)
            pending = nil
            return nil
        }
        pending = (text, version)
        changedSincePending = []
        return FilterJob(tab: tab, text: text, version: version, candidates: base, rows: rows.slots, statuses: statuses)
    }

    /// A background search's result, taken when it is for the filter still wanted. Rows that changed while it ran
    /// are searched again here (a few), and rows gone or expired since are left out.
    mutating func accept(_ result: FilterResult, _ rows: TargetRows, tab: ConsoleTab, statuses: [TargetID: TargetStatus], now: Timestamp) {
        guard let pending, pending.text == result.text, pending.version == result.version else { return }
        let filter = LineFilter(result.text)
        var slots = result.slots
        if result.version != version {
            var changed = [Bool](repeating: false, count: rows.slots.count)
            for slot in changedSincePending { changed[Int(slot)] = true }
            slots.removeAll { changed[Int($0)] || !(rows.slots[Int($0)].map { Self.isOpen($0, tab: tab, now: now) } ?? false) }
            let again = Set(changedSincePending).filter { rows.slots[Int($0)].map { Self.isOpen($0, tab: tab, now: now) } ?? false }
            let less = comparator(rows, tab: tab)
            Self.merge(Self.filtered(Array(again), rows.slots, filter, statuses).sorted(by: less), into: &slots, by: less)
        }
        self.filter = filter
        shown = slots
        self.pending = nil
        changedSincePending = []
    }

    /// Drops the sessions that expired by `now` (called when `now` passes `nextExpiry`).
    mutating func expire(_ rows: TargetRows, tab: ConsoleTab, now: Timestamp) {
        guard now >= nextExpiry else { return }
        let open: (Int32) -> Bool = { rows.slots[Int($0)].map { Self.isOpen($0, tab: tab, now: now) } ?? false }
        sorted = sorted.filter(open)
        shown = shown.filter(open)
        version += 1
        nextExpiry = Self.nextExpiry(rows, tab: tab, slots: sorted)
    }

    /// Sessions count as open until they expire; payouts until their line says otherwise.
    static func isOpen(_ row: TargetRow, tab: ConsoleTab, now: Timestamp) -> Bool {
        tab != .sessions || SessionKind.isActionable(0, time: row.time, now: now)
    }

    private static func nextExpiry(_ rows: TargetRows, tab: ConsoleTab, slots: [Int32]) -> Timestamp {
        guard tab == .sessions else { return Timestamp(milliseconds: .max) }
        let earliest = slots.lazy.compactMap { rows.slots[Int($0)]?.time }.min()
        return earliest.map { SessionKind.expiry(ofCreated: $0) } ?? Timestamp(milliseconds: .max)
    }

    private static func columns(_ tab: ConsoleTab) -> [ListColumn<ShownTarget>] { tab == .sessions ? Columns.sessions : Columns.payouts }

    private mutating func prepareKeys(_ rows: TargetRows, tab: ConsoleTab, slots: [Int32], statuses: [TargetID: TargetStatus]) {
        let key: (TargetRow) -> SortKey
        switch Self.columns(tab)[sortColumn].order {
        case .value(let make)?: key = { make(ShownTarget($0)) }
        case .status?:
            // `keyedStatuses` is not set here: a merge keys only the rows it adds, so the others' keys are as
            // old as the last rebuild or restatus, which is what `restatus` must compare with.
            key = { SortKey(number: (statuses[$0.id] ?? .untouched).sortRank) }
        default: return
        }
        if sortKeys.count < rows.slots.count { sortKeys += Array(repeating: SortKey(), count: rows.slots.count - sortKeys.count) }
        for slot in slots { if let row = rows.slots[Int(slot)] { sortKeys[Int(slot)] = key(row) } }
    }

    /// When the list sorts by status and statuses changed, the rows whose status changed leave and merge in again
    /// at their new place (a few rows, never the whole list).
    mutating func restatus(_ rows: TargetRows, tab: ConsoleTab, statuses: [TargetID: TargetStatus], now: Timestamp) {
        guard case .status? = Self.columns(tab)[sortColumn].order, statuses != keyedStatuses else { return }
        let changed = Set(statuses.keys).union(keyedStatuses.keys).filter { statuses[$0] != keyedStatuses[$0] }
        let slots = changed.filter { $0.gateway == tab.gateway }.compactMap { rows.slot(of: $0.key) }
        keyedStatuses = statuses
        guard !slots.isEmpty else { return }
        merge(TargetRows.SlotChange(removed: slots, added: slots), rows, tab: tab, statuses: statuses, now: now)
    }

    /// Ascending by the column (descending when asked), equal rows by key, so the order never flickers.
    private func comparator(_ rows: TargetRows, tab: ConsoleTab) -> (Int32, Int32) -> Bool {
        let slots = rows.slots
        let descending = descending
        // Trace ids compare as numbers (no leading zeros: shorter is smaller), as the feed delivers them.
        let numericKeys = tab == .payouts
        let keyOrder: (Int32, Int32) -> Bool = { a, b in
            let ka = slots[Int(a)]!.id.key, kb = slots[Int(b)]!.id.key
            return numericKeys && ka.utf8.count != kb.utf8.count ? ka.utf8.count < kb.utf8.count : ka < kb
        }
        let times = rows.times
        func byTime(newestFirst: Bool) -> (Int32, Int32) -> Bool {
            { a, b in times[Int(a)] != times[Int(b)] ? (times[Int(a)] < times[Int(b)]) != newestFirst : keyOrder(a, b) }
        }
        switch Self.columns(tab)[sortColumn].order {
        case .oldestFirst?: return byTime(newestFirst: descending)
        case .newestFirst?: return byTime(newestFirst: !descending)
        case .value?, .status?:
            let keys = sortKeys
            return { a, b in
                let ka = keys[Int(a)], kb = keys[Int(b)]
                if ka != kb { return (ka < kb) != descending }
                return keyOrder(a, b)
            }
        case nil:
            return { a, b in a < b }
        }
    }

    /// Merges `b` (in order) into `list` (in order), in place from the back. Only the part of `list` after where
    /// `b`'s first row goes is searched and moved: rows newer than every listed one (a store read a piece at a
    /// time, the live feed) are appended. Each of `b`, last first, finds its place in that part by binary search,
    /// and the rows after it move up as one run: each moved row moves once.
    private static func merge(_ b: [Int32], into list: inout [Int32], by less: (Int32, Int32) -> Bool) {
        guard let first = b.first else { return }
        var end = list.count   // list[..<end]: the rows not moved yet
        list.append(contentsOf: repeatElement(-1, count: b.count))   // capacity kept: grown by doubling
        list.withUnsafeMutableBufferPointer { l in
            let base = l.baseAddress!
            // After every row not greater than `item`, in `from..<to`.
            func place(of item: Int32, from: Int, to: Int) -> Int {
                var low = from, high = to
                while low < high {
                    let mid = (low + high) / 2
                    if less(item, base[mid]) { high = mid } else { low = mid + 1 }
                }
                return low
            }
            let start = place(of: first, from: 0, to: end)
            var write = l.count   // l[write...]: in their final places
            for item in b.reversed() {
                let low = place(of: item, from: start, to: end)
                write -= end - low
                (base + write).update(from: base + low, count: end - low)   // may overlap: a memmove
                write -= 1
                base[write] = item
                end = low
            }
        }
    }

    /// The slots whose line or status matches, in their order, searched on every core for long lists.
    static func filtered(_ slots: [Int32], _ all: [TargetRow?], _ filter: LineFilter, _ statuses: [TargetID: TargetStatus]) -> [Int32] {
        let labelled = statuses.filter { $0.value.label.map(filter.matches) ?? false }
        let matches: @Sendable (Int32) -> Bool = { slot in
            guard let row = all[Int(slot)] else { return false }
            return filter.matches(row.line.bytes) || labelled[row.id] != nil
        }
        let pieces = slots.count < 20_000 ? 1 : usableCores
        if pieces == 1 { return slots.filter(matches) }
        let results = ResultSlots<[Int32]>(count: pieces)
        slots.withUnsafeBufferPointer { buffer in
            nonisolated(unsafe) let shared = buffer   // read-only while the workers run
            DispatchQueue.concurrentPerform(iterations: pieces) { k in
                let part = shared[(shared.count * k / pieces)..<(shared.count * (k + 1) / pieces)]
                results[k] = part.filter(matches)
            }
        }
        return Array(results.values.joined())
    }
}

/// A filter to search on a thread of the runner's, for a list too long to search between two frames.
public struct FilterJob: Sendable, Equatable {
    public let tab: ConsoleTab
    public let text: String
    let version: Int
    let candidates: [Int32]
    let rows: [TargetRow?]
    let statuses: [TargetID: TargetStatus]

    /// Searches (on every core) and says what it found.
    public func run() -> FilterResult {
        FilterResult(tab: tab, text: text, version: version, slots: TargetView.filtered(candidates, rows, LineFilter(text), statuses))
    }

    public static func == (a: FilterJob, b: FilterJob) -> Bool { a.tab == b.tab && a.text == b.text && a.version == b.version }
}

/// What a background search found: the rows (slots) the filter keeps, in order.
public struct FilterResult: Sendable {
    public let tab: ConsoleTab
    public let text: String
    let version: Int
    let slots: [Int32]
}
