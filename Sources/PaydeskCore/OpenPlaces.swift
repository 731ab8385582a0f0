/// Where each open record's latest line starts in its file, by key, with the line's time (sessions expire by
/// it): a follower's table, half a million entries at a million lines. Entries (24 bytes for a payout) are in an
/// array, found through a `KeyIndex`; a closed record's entry is reused by the next one to open.
struct OpenPlaces<Key: IndexKey & Sendable>: Sendable {
    struct Place: IndexedEntry, Sendable {
        let key: Key
        /// Where the line starts in the file; -1 for a free entry.
        fileprivate(set) var offset: Int
        fileprivate(set) var time: Timestamp
        var indexedKey: Key { key }
    }

    private(set) var places: [Place] = []
    private var free: [Int32] = []
    private var index: KeyIndex<Place>

    init(expected: Int = 0) {
        index = KeyIndex(expected: expected)
        places.reserveCapacity(expected)
    }

    var count: Int { index.count }

    subscript(key: Key) -> Place? { index.find(key, in: places).map { places[$0] } }

    /// Asks for `key`'s bucket now, for a `set` or `remove` a few keys later: the table is larger than the caches.
    func prefetch(_ key: Key) { index.prefetch(index.hash(key)) }

    /// Records `key`'s latest open line; returns where the line it supersedes starts, if it had one.
    mutating func set(_ key: Key, offset: Int, time: Timestamp) -> Int? {
        let next = free.last.map { Int($0) } ?? places.count
        if let found = index.find(key, orAdd: next, in: places) {
            let old = places[found].offset
            places[found].offset = offset
            places[found].time = time
            return old
        }
        let place = Place(key: key, offset: offset, time: time)
        if next < places.count {
            free.removeLast()
            places[next] = place
        } else {
            places.append(place)
        }
        return nil
    }

    /// Forgets `key`; returns where its line starts, if it was open.
    mutating func remove(_ key: Key) -> Int? {
        guard let found = index.remove(key, in: places) else { return nil }
        let old = places[found].offset
        places[found].offset = -1
        free.append(Int32(found))
        return old
    }

    /// Every open record's place, in no particular order.
    var all: [Place] { places.filter { $0.offset >= 0 } }
}
