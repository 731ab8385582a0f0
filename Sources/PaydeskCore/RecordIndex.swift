/// Where each key's record is among a store's records: an open-addressed table of record numbers, 4 bytes a
/// bucket, whose keys are compared in the records themselves (a new key mostly finds its bucket empty, and
/// touches no record). A million keys take 8 MB, where a Dictionary of key and number took 32 MB and a fifth
/// of the load's time, hashing and missing the cache.
struct RecordIndex<Kind: RecordKind> {
    /// A record number, or -1 for an empty bucket.
    private var buckets: [Int32]
    private var mask: Int
    /// 64 minus the bits of a bucket's number: a bucket is a hash's top bits, its best mixed ones.
    private var shift: UInt64
    private var count = 0
    /// Per run, so whoever writes a store cannot choose keys that all fall in one place.
    private let seed = UInt64.random(in: .min ... .max)

    init(expected: Int) {
        var size = 16
        while size < expected * 2 { size <<= 1 }
        buckets = Array(repeating: -1, count: size)
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    /// The number of `key`'s record, or nil.
    func find(_ key: Kind.Key, in records: [StoredRecord<Kind.Key>]) -> Int? {
        var b = bucket(key)
        while true {
            let slot = Int(buckets[b])
            if slot < 0 { return nil }
            if records[slot].key == key { return slot }
            b = (b + 1) & mask
        }
    }

    /// The number of `key`'s record if it has one; else `next` becomes its number, and nil is returned.
    /// `records` holds every record numbered so far.
    mutating func find(_ key: Kind.Key, orAdd next: Int, in records: [StoredRecord<Kind.Key>]) -> Int? {
        if (count + 1) * 2 > buckets.count { grow(records) }
        var b = bucket(key)
        while true {
            let slot = Int(buckets[b])
            if slot < 0 {
                precondition(next < Int(Int32.max), "a store of over two billion records")
                buckets[b] = Int32(next)
                count += 1
                return nil
            }
            if records[slot].key == key { return slot }
            b = (b + 1) & mask
        }
    }

    @inline(__always) private func bucket(_ key: Kind.Key) -> Int {
        Int(truncatingIfNeeded: Kind.bucketHash(key, seed: seed) >> shift)
    }

    /// Twice the buckets, every number put in again: kept at most half full, so runs of full buckets stay short.
    private mutating func grow(_ records: [StoredRecord<Kind.Key>]) {
        let old = buckets
        buckets = Array(repeating: -1, count: old.count * 2)
        mask = buckets.count - 1
        shift -= 1
        for slot in old where slot >= 0 {
            var b = bucket(records[Int(slot)].key)
            while buckets[b] >= 0 { b = (b + 1) & mask }
            buckets[b] = slot
        }
    }
}

extension RecordKind {
    /// Any hash of the key, mixed with `seed`.
    public static func bucketHash(_ key: Key, seed: UInt64) -> UInt64 {
        var hasher = Hasher()
        hasher.combine(seed)
        hasher.combine(key)
        return UInt64(bitPattern: Int64(hasher.finalize()))
    }
}

extension PayoutKind {
    /// One multiply (Fibonacci hashing): its top bits spread ids that come in order evenly over the table.
    public static func bucketHash(_ key: Int64, seed: UInt64) -> UInt64 {
        (UInt64(bitPattern: key) ^ seed) &* 0x9E37_79B9_7F4A_7C15
    }
}
