import CLibcExtras

/// A key that a `KeyIndex` can place: any hash of it, mixed with a seed.
public protocol IndexKey: Equatable {
    static func indexHash(_ key: Self, seed: UInt64) -> UInt64
}

/// What a `KeyIndex` points at: an entry with a key (a store's record, a follower's open record, a console's row).
public protocol IndexedEntry {
    associatedtype Key: IndexKey
    /// Only asked of entries the index holds.
    var indexedKey: Key { get }
}

/// Where each key's entry is in an array the caller keeps: an open-addressed table of entry numbers, 4 bytes a
/// bucket, whose keys are compared in the entries themselves (a new key mostly finds its bucket empty, and
/// touches no entry). A million keys take 8 MB where a Dictionary of key and number took 32. A Dictionary also
/// spent most of its time waiting for memory: a batch of keys here has its buckets fetched a few keys ahead
/// (`prefetch`), so those waits overlap. Inlinable, so each module's use is specialized for its entries.
public struct KeyIndex<Entry: IndexedEntry>: Sendable {
    /// An entry's number, or -1 for an empty bucket.
    @usableFromInline var buckets: [Int32]
    @usableFromInline var mask: Int
    /// 64 minus the bits of a bucket's number: a bucket is a hash's top bits, its best mixed ones.
    @usableFromInline var shift: UInt64
    @usableFromInline var held = 0
    /// Per run, so whoever writes a store cannot choose keys that all fall in one place.
    @usableFromInline let seed = UInt64.random(in: .min ... .max)

    @inlinable public init(expected: Int = 0) {
        let size = Self.size(for: expected, atLeast: 16)
        buckets = Array(repeating: -1, count: size)
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    /// How many keys it holds.
    @inlinable public var count: Int { held }

    /// The number of `key`'s entry, or nil.
    @inlinable public func find(_ key: Entry.Key, in entries: [Entry]) -> Int? {
        var b = bucket(hash(key))
        while true {
            let found = Int(buckets[b])
            if found < 0 { return nil }
            if entries[found].indexedKey == key { return found }
            b = (b + 1) & mask
        }
    }

    /// The number of `key`'s entry if it has one; else `next` becomes its number, and nil is returned.
    /// `entries` holds every entry numbered so far.
    @inlinable public mutating func find(_ key: Entry.Key, orAdd next: Int, in entries: [Entry]) -> Int? {
        reserve(held + 1, in: entries)
        return find(key, hash: hash(key), orAdd: next, in: entries)
    }

    /// As `find(_:orAdd:in:)`, with the key's `hash`; it does not grow the table, so room was reserved before.
    @inlinable public mutating func find(_ key: Entry.Key, hash: UInt64, orAdd next: Int, in entries: [Entry]) -> Int? {
        precondition((held + 1) * 2 <= buckets.count, "KeyIndex: room is reserved before a batch is added")
        precondition(next < Int(Int32.max), "over two billion entries")
        var b = bucket(hash)
        while true {
            let found = Int(buckets[b])
            if found < 0 {
                buckets[b] = Int32(next)
                held += 1
                return nil
            }
            if entries[found].indexedKey == key { return found }
            b = (b + 1) & mask
        }
    }

    /// Takes `key` out and returns its entry's number; the entries it holds must still be in `entries`.
    @inlinable public mutating func remove(_ key: Entry.Key, in entries: [Entry]) -> Int? {
        remove(key, hash: hash(key), in: entries)
    }

    /// As `remove(_:in:)`, with the key's `hash`.
    @inlinable public mutating func remove(_ key: Entry.Key, hash: UInt64, in entries: [Entry]) -> Int? {
        var b = bucket(hash)
        while true {
            let found = Int(buckets[b])
            if found < 0 { return nil }
            if entries[found].indexedKey == key { break }
            b = (b + 1) & mask
        }
        let removed = Int(buckets[b])
        // Later buckets of the run move back into the hole when their search starts at or before it, so every
        // search still meets its key before an empty bucket (no tombstones to clear later).
        var hole = b, next = (b + 1) & mask
        while buckets[next] >= 0 {
            let home = bucket(self.hash(entries[Int(buckets[next])].indexedKey))
            if (next - home) & mask >= (next - hole) & mask {
                buckets[hole] = buckets[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        buckets[hole] = -1
        held -= 1
        return removed
    }

    /// Room for `expected` keys without growing, for a batch added with hashes taken ahead.
    @inlinable public mutating func reserve(_ expected: Int, in entries: [Entry]) {
        guard expected * 2 > buckets.count else { return }
        // Kept at most half full, so runs of full buckets stay short.
        let old = buckets
        let size = Self.size(for: expected, atLeast: old.count * 2)
        buckets = Array(repeating: -1, count: size)
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
        for number in old where number >= 0 {
            var b = bucket(hash(entries[Int(number)].indexedKey))
            while buckets[b] >= 0 { b = (b + 1) & mask }
            buckets[b] = number
        }
    }

    /// `key`'s hash in this table (the same while the table lives: its bucket follows the table's size), for
    /// `prefetch` and `find(_:hash:orAdd:in:)`.
    @inlinable public func hash(_ key: Entry.Key) -> UInt64 { Entry.Key.indexHash(key, seed: seed) }

    /// Asks for the bucket of a key with this hash to be fetched now, for a lookup a few keys later.
    @inlinable public func prefetch(_ hash: UInt64) {
        buckets.withUnsafeBufferPointer { paydesk_prefetch($0.baseAddress! + bucket(hash)) }
    }

    /// How many keys ahead a batch fetches buckets: enough to cover a wait for memory, few enough to stay cached.
    public static var lookAhead: Int { 8 }

    @inlinable func bucket(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: hash >> shift) }

    @inlinable static func size(for expected: Int, atLeast least: Int) -> Int {
        var size = least
        while size < expected * 2 { size <<= 1 }
        return size
    }
}

extension Int64: IndexKey {
    /// One multiply (Fibonacci hashing): its top bits spread ids that come in order evenly over the table.
    @inlinable public static func indexHash(_ key: Int64, seed: UInt64) -> UInt64 {
        (UInt64(bitPattern: key) ^ seed) &* 0x9E37_79B9_7F4A_7C15
    }
}

extension String: IndexKey {
    /// FNV-1a over the bytes, then the multiply: short keys, hashed without Hasher's rounds.
    /// The bytes through `withUTF8`: the UTF-8 view's iterator cost more than the hash.
    @inlinable public static func indexHash(_ key: String, seed: UInt64) -> UInt64 {
        var key = key
        return key.withUTF8 { bytes in
            var hash = seed
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            return hash &* 0x9E37_79B9_7F4A_7C15
        }
    }
}

extension SessionID: IndexKey {
    @inlinable public static func indexHash(_ key: SessionID, seed: UInt64) -> UInt64 { String.indexHash(key.text, seed: seed) }
}
