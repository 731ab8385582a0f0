import Testing
@testable import PaydeskCore

/// A key whose hash the test chooses: many keys share a bucket, so runs of full buckets form and wrap around the
/// table's end, where removing one must move the others back.
private struct CrowdedKey: IndexKey, Hashable {
    let value: Int
    let spread: Int
    static func indexHash(_ key: CrowdedKey, seed: UInt64) -> UInt64 {
        // The top bits choose the bucket: a few buckets near the table's end, for every seed.
        UInt64.max - UInt64(key.value % key.spread) << 56
    }
}

private struct Entry: IndexedEntry {
    let key: CrowdedKey
    var indexedKey: CrowdedKey { key }
}

extension PaydeskTests {
@Suite struct KeyIndexTests {
    @Test(arguments: [1, 3, 1_000])
    func addsAndRemovalsFindWhatADictionaryFinds(_ spread: Int) {
        var generator = SeededRandom(UInt64(spread))
        var entries: [Entry] = []
        var free: [Int] = []
        var index = KeyIndex<Entry>()
        var reference: [CrowdedKey: Int] = [:]
        for _ in 0..<4_000 {
            let key = CrowdedKey(value: Int.random(in: 0..<300, using: &generator), spread: spread)
            if Bool.random(using: &generator) {
                let next = free.last ?? entries.count
                if let found = index.find(key, orAdd: next, in: entries) {
                    #expect(reference[key] == found)
                } else {
                    #expect(reference[key] == nil)
                    reference[key] = next
                    if next < entries.count { entries[free.removeLast()] = Entry(key: key) } else { entries.append(Entry(key: key)) }
                }
            } else {
                let removed = index.remove(key, in: entries)
                #expect(removed == reference.removeValue(forKey: key))
                if let removed { free.append(removed) }
            }
            #expect(index.count == reference.count)
        }
        for value in 0..<300 {
            let key = CrowdedKey(value: value, spread: spread)
            #expect(index.find(key, in: entries) == reference[key])
        }
    }

    @Test func aBatchAddedWithHashesTakenAheadIsFound() {
        var entries: [StoredRecord<Int64>] = []
        var index = KeyIndex<StoredRecord<Int64>>()
        let keys = (1...5_000).map { Int64($0) * 7_919 }
        index.reserve(keys.count, in: entries)
        let hashes = keys.map(index.hash)
        for (key, hash) in zip(keys, hashes) {
            index.prefetch(hash)
            #expect(index.find(key, hash: hash, orAdd: entries.count, in: entries) == nil)
            entries.append(StoredRecord(key: key, time: Timestamp(milliseconds: 0), offset: 0, length: 1, state: 0))
        }
        #expect(keys.indices.allSatisfy { index.find(keys[$0], in: entries) == $0 })
        #expect(index.find(7_918, in: entries) == nil)
    }

    @Test func openPlacesReuseAClosedRecordsEntryAndFindTheRest() {
        var open = OpenPlaces<Int64>(expected: 4)
        for key in Int64(1)...100 { #expect(open.set(key, offset: Int(key) * 10, time: Timestamp(milliseconds: key)) == nil) }
        #expect(open.set(7, offset: 7_000, time: Timestamp(milliseconds: 70)) == 70, "the superseded line's offset")
        for key in stride(from: Int64(2), through: 100, by: 2) { #expect(open.remove(key) == (key == 2 ? 20 : Int(key) * 10)) }
        #expect(open.remove(2) == nil)
        for key in Int64(101)...150 { #expect(open.set(key, offset: Int(key) * 10, time: Timestamp(milliseconds: key)) == nil) }
        #expect(open.count == 100)
        #expect(open.places.count == 100, "the 50 new records took the 50 closed ones' entries")
        #expect(open[7]?.offset == 7_000)
        #expect(open[7]?.time == Timestamp(milliseconds: 70))
        #expect(open[8] == nil)
        #expect(open[149]?.offset == 1_490)
        let expected: Set<Int64> = Set((Int64(1)...150).filter { key in key > 100 || key % 2 == 1 })
        #expect(Set(open.all.map(\.key)) == expected)
    }
}
}
