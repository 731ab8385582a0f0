import PaydeskCore

/// One tab's rows as loaded, and where each key is, so a change touches only the rows it names.
/// A closed row leaves an empty slot (slots are never reused while the views hold their numbers); when most
/// slots are empty the rows are packed again and the views rebuilt.
public struct TargetRows: Sendable {
    private(set) var slots: [TargetRow?] = []
    /// Each slot's time in milliseconds, for sorting without touching the rows.
    private(set) var times: [Int64] = []
    private var index: [String: Int32] = [:]
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
        index.reserveCapacity(rows.count)
        for row in rows { place(row) }
    }

    init(loading: Double) { self.loading = loading }

    public subscript(key: String) -> TargetRow? { index[key].flatMap { slots[Int($0)] } }

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
                slots.reserveCapacity(expected)
                times.reserveCapacity(expected)
                index.reserveCapacity(expected)
            }
        }
        var delta = SlotChange()
        for key in change.closed {
            if let slot = index.removeValue(forKey: key) {
                slots[Int(slot)] = nil
                count -= 1
                delta.removed.append(slot)
            }
        }
        for row in change.opened {
            let slot = place(row)
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

    /// Puts the row in its key's slot, or a new one. One hash of the key for a new row (two to replace one): half a
    /// million rows arrive at start.
    @discardableResult
    private mutating func place(_ row: TargetRow) -> (index: Int32, replaced: Bool) {
        let slot = Int32(slots.count)
        if let old = index.updateValue(slot, forKey: row.key) {
            index[row.key] = old
            slots[Int(old)] = row
            times[Int(old)] = row.time.milliseconds
            return (old, true)
        }
        slots.append(row)
        times.append(row.time.milliseconds)
        count += 1
        return (slot, false)
    }

    func slot(of key: String) -> Int32? { index[key] }
}
