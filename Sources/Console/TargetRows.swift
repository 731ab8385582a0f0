import PaydeskCore

/// One tab's rows as loaded, and where each key is, so a change touches only the rows it names.
/// A closed row leaves an empty slot (slots are never reused while the views hold their numbers); when most
/// slots are empty the rows are packed again and the views rebuilt.
public struct TargetRows: Sendable {
    private(set) var slots: [TargetRow?] = []
    /// Each slot's time in milliseconds, for sorting without touching the rows.
    private(set) var times: [Int64] = []
    private var index = KeyIndex<TargetRow?>()
    public private(set) var count = 0
    /// The store is still being read from its start: how much of it was read (0 before anything).
    public private(set) var loading: Double?
    public var isLoading: Bool { loading != nil }

    /// Which slots a change emptied and filled; `isFresh` when every slot may have moved.
    struct SlotChange {
        var isFresh = false
        var removed: [Int32] = []
        var added: [Int32] = []
    }

    public init(_ rows: [TargetRow] = []) {
        slots.reserveCapacity(rows.count)
        times.reserveCapacity(rows.count)
        index = KeyIndex(expected: rows.count)
        for row in rows { place(row, hash: index.hash(row.key)) }
    }

    init(loading: Double) { self.loading = loading }

    public subscript(key: String) -> TargetRow? { index.find(key, in: slots).flatMap { slots[$0] } }

    /// The live rows, in slot order.
    public var rows: [TargetRow] { slots.compactMap { $0 } }

    @discardableResult
    mutating func apply(_ change: RowChange) -> SlotChange {
        if change.isFresh {
            self = TargetRows(change.opened)
            loading = change.loading
            return SlotChange(isFresh: true)
        }
        loading = change.loading
        if let loading, loading > 0.05 {
            // Room for the whole file at once: growing by doubling would hold two copies of every row for a moment.
            let expected = Int(Double(count + change.opened.count) / loading * 1.05)
            if expected > slots.capacity {
                // A quarter more at least: an estimate that creeps up a little with each piece would copy every
                // row each time.
                let room = max(expected, slots.capacity + slots.capacity / 4)
                slots.reserveCapacity(room)
                times.reserveCapacity(room)
                index.reserve(expected, in: slots)
            }
        }
        var delta = SlotChange()
        // Each key's bucket is fetched a few keys before it is needed: the table is larger than the caches.
        let lookAhead = KeyIndex<TargetRow?>.lookAhead
        let closedHashes = change.closed.map { index.hash($0) }
        for (i, key) in change.closed.enumerated() {
            if i + lookAhead < closedHashes.count { index.prefetch(closedHashes[i + lookAhead]) }
            if let slot = index.remove(key, hash: closedHashes[i], in: slots) {
                slots[slot] = nil
                count -= 1
                delta.removed.append(Int32(slot))
            }
        }
        index.reserve(count + change.opened.count, in: slots)
        let hashes = change.opened.map { index.hash($0.key) }
        for (i, row) in change.opened.enumerated() {
            if i + lookAhead < hashes.count { index.prefetch(hashes[i + lookAhead]) }
            let slot = place(row, hash: hashes[i])
            if slot.replaced { delta.removed.append(slot.index) }
            delta.added.append(slot.index)
        }
        if slots.count > 10_000, count < slots.count / 2 {
            self = TargetRows(rows)
            loading = change.loading
            return SlotChange(isFresh: true)
        }
        return delta
    }

    /// Puts the row in its key's slot, or a new one, hashing the key once: half a million rows arrive at start.
    @discardableResult
    private mutating func place(_ row: TargetRow, hash: UInt64) -> (index: Int32, replaced: Bool) {
        let slot = Int32(slots.count)
        if let old = index.find(row.key, hash: hash, orAdd: Int(slot), in: slots) {
            slots[old] = row
            times[old] = row.time.milliseconds
            return (Int32(old), true)
        }
        slots.append(row)
        times.append(row.time.milliseconds)
        count += 1
        return (slot, false)
    }

    func slot(of key: String) -> Int32? { index.find(key, in: slots).map { Int32($0) } }
}

/// A slot as the index sees it: only slots that hold a row are indexed.
extension Optional: IndexedEntry where Wrapped == TargetRow {
    public var indexedKey: String { self!.key }
}
