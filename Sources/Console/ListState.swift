/// One tab's list: where the cursor is, what is filtered, how it is sorted, which rows are marked.
public struct ListState: Equatable, Sendable {
    public var cursor = 0
    /// The first row shown.
    public var top = 0
    /// The key under the cursor, so the cursor stays on its row when rows come and go.
    public var selectedKey: String?
    public var filter = ""
    public var editingFilter = false
    public var sortColumn: Int
    public var descending: Bool
    /// Marked rows' keys (sessions and payouts tabs).
    public var marked: Set<String> = []

    public init(sortColumn: Int, descending: Bool = false) {
        self.sortColumn = sortColumn
        self.descending = descending
    }

    /// Puts the cursor on `selectedKey` if it is still listed (else keeps the position), and scrolls so the
    /// cursor is on screen. Looks the key up only when the rows under the cursor changed.
    mutating func settle(keys: ShownKeys, pageHeight: Int) {
        if let key = selectedKey, cursor >= keys.count || keys.key(cursor) != key, let index = keys.position(key) { cursor = index }
        cursor = keys.count == 0 ? 0 : min(max(cursor, 0), keys.count - 1)
        selectedKey = keys.count == 0 ? nil : keys.key(cursor)
        if cursor < top { top = cursor }
        if cursor >= top + pageHeight { top = cursor - pageHeight + 1 }
        top = max(0, min(top, max(0, keys.count - pageHeight)))
    }

    /// Moves the cursor by `delta` rows (clamped) and selects the row it lands on.
    mutating func move(by delta: Int, keys: ShownKeys, pageHeight: Int) {
        guard keys.count > 0 else { return }
        cursor = min(max(cursor + delta, 0), keys.count - 1)
        selectedKey = keys.key(cursor)
        settle(keys: keys, pageHeight: pageHeight)
    }
}

/// A tab's rows as shown, by key: how many, the key at a position, and where a key is (nil: not shown).
struct ShownKeys {
    let count: Int
    let key: (Int) -> String
    let position: (String) -> Int?
}
