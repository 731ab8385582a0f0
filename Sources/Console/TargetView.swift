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
    /// The keys of `sortColumn` per slot, when it sorts by a key made from the row (not by time).
    private var sortKeys: [SortKey] = []
    /// When the next open session expires (sessions only): the rows are looked at again then, not every tick.
    private(set) var nextExpiry = Timestamp(milliseconds: .max)

    /// Everything again: after a fresh load or a new order.
    mutating func rebuild(_ rows: TargetRows, tab: ConsoleTab, list: ListState, statuses: [TargetID: TargetStatus], now: Timestamp) {
        sortColumn = list.sortColumn
        descending = list.descending
        sortKeys = []
        var live: [Int32] = []
        live.reserveCapacity(rows.count)
        for (i, row) in rows.slots.enumerated() where row.map({ Self.isOpen($0, tab: tab, now: now) }) ?? false { live.append(Int32(i)) }
        prepareKeys(rows, tab: tab, slots: live)
        let less = comparator(rows, tab: tab)
        if !live.isSorted(by: less) { live.sort(by: less) }
        sorted = live
        nextExpiry = Self.nextExpiry(rows, tab: tab, slots: sorted)
        filter = LineFilter(list.filter)
        shown = filter.isEmpty ? sorted : Self.filtered(sorted, rows, filter, statuses)
    }

    /// Applies a change of rows: removed slots leave, added ones merge into their place.
    mutating func merge(_ change: TargetRows.SlotChange, _ rows: TargetRows, tab: ConsoleTab, statuses: [TargetID: TargetStatus], now: Timestamp) {
        if !change.removed.isEmpty {
            let gone = Set(change.removed)
            sorted.removeAll { gone.contains($0) }
            shown.removeAll { gone.contains($0) }
        }
        let added = change.added.filter { rows.slots[Int($0)].map { Self.isOpen($0, tab: tab, now: now) } ?? false }
        guard !added.isEmpty else { return }
        prepareKeys(rows, tab: tab, slots: added)
        let less = comparator(rows, tab: tab)
        let ordered = added.sorted(by: less)
        sorted = Self.merged(sorted, ordered, by: less)
        let kept = filter.isEmpty ? ordered : Self.filtered(ordered, rows, filter, statuses)
        shown = Self.merged(shown, kept, by: less)
        nextExpiry = min(nextExpiry, Self.nextExpiry(rows, tab: tab, slots: ordered))
    }

    /// A new filter: searches only the last result when the new text narrows the old one.
    mutating func refilter(_ text: String, _ rows: TargetRows, statuses: [TargetID: TargetStatus], force: Bool = false) {
        let new = LineFilter(text)
        if !force, new.text == filter.text { return }
        let base = !force && !filter.isEmpty && new.narrows(filter) ? shown : sorted
        filter = new
        shown = new.isEmpty ? sorted : Self.filtered(base, rows, new, statuses)
    }

    /// Drops the sessions that expired by `now` (called when `now` passes `nextExpiry`).
    mutating func expire(_ rows: TargetRows, tab: ConsoleTab, now: Timestamp) {
        guard now >= nextExpiry else { return }
        let open: (Int32) -> Bool = { rows.slots[Int($0)].map { Self.isOpen($0, tab: tab, now: now) } ?? false }
        sorted = sorted.filter(open)
        shown = shown.filter(open)
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

    private mutating func prepareKeys(_ rows: TargetRows, tab: ConsoleTab, slots: [Int32]) {
        guard case .value(let key)? = Self.columns(tab)[sortColumn].order else { return }
        if sortKeys.count < rows.slots.count { sortKeys += Array(repeating: SortKey(), count: rows.slots.count - sortKeys.count) }
        for slot in slots { if let row = rows.slots[Int(slot)] { sortKeys[Int(slot)] = key(ShownTarget(row)) } }
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
        switch Self.columns(tab)[sortColumn].order {
        case .oldestFirst?, .newestFirst?:
            let newestFirst = (Self.columns(tab)[sortColumn].order.map { if case .newestFirst = $0 { true } else { false } } ?? false) != descending
            return { a, b in
                let ta = slots[Int(a)]!.time, tb = slots[Int(b)]!.time
                if ta != tb { return (ta < tb) != newestFirst }
                return keyOrder(a, b)
            }
        case .value?:
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

    private static func merged(_ a: [Int32], _ b: [Int32], by less: (Int32, Int32) -> Bool) -> [Int32] {
        guard !b.isEmpty else { return a }
        var out: [Int32] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count, j < b.count {
            if less(b[j], a[i]) { out.append(b[j]); j += 1 } else { out.append(a[i]); i += 1 }
        }
        out += a[i...]
        out += b[j...]
        return out
    }

    /// The slots whose line or status matches, in their order, searched on every core for long lists.
    static func filtered(_ slots: [Int32], _ rows: TargetRows, _ filter: LineFilter, _ statuses: [TargetID: TargetStatus]) -> [Int32] {
        let labelled = statuses.filter { $0.value.label.map(filter.matches) ?? false }
        let all = rows.slots
        let matches: @Sendable (Int32) -> Bool = { slot in
            guard let row = all[Int(slot)] else { return false }
            return filter.matches(row.line.bytes) || labelled[row.id] != nil
        }
        let pieces = slots.count < 20_000 ? 1 : ProcessInfo.processInfo.activeProcessorCount
        if pieces == 1 { return slots.filter(matches) }
        let results = PieceResults(count: pieces)
        slots.withUnsafeBufferPointer { buffer in
            nonisolated(unsafe) let shared = buffer   // read-only while the workers run
            DispatchQueue.concurrentPerform(iterations: pieces) { k in
                let part = shared[(shared.count * k / pieces)..<(shared.count * (k + 1) / pieces)]
                results.set(k, part.filter(matches))
            }
        }
        return results.joined
    }
}

/// Each worker's matches, joined in order.
private final class PieceResults: @unchecked Sendable {
    private var parts: [[Int32]]
    private let lock = NSLock()
    init(count: Int) { parts = Array(repeating: [], count: count) }
    func set(_ k: Int, _ value: [Int32]) { lock.withLock { parts[k] = value } }
    var joined: [Int32] { lock.withLock { Array(parts.joined()) } }
}

extension Array where Element == Int32 {
    func isSorted(by less: (Int32, Int32) -> Bool) -> Bool {
        guard count > 1 else { return true }
        for i in 1..<count where less(self[i], self[i - 1]) { return false }
        return true
    }
}
