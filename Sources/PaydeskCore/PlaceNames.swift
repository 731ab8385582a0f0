/// The member names the lines before had at each place, quotes included, each with what its reader keeps about
/// it (`Payload`): a store's writer puts its fields in one order, so the next line's name at a place is mostly
/// one compare. Used by the scan's quick pass (`LineLayout`) and the table's reader (`LineSpans`); owned by one
/// thread, freed by its owner's `deallocate`.
struct PlaceNames<Payload: BitwiseCopyable> {
    static var places: Int { 32 }
    /// Longer names are not kept: their place is looked up each time.
    static var maxName: Int { 64 - 9 }

    /// 64 bytes a place: the payload (up to eight bytes), the name's length (0 when nothing is kept: nothing yet,
    /// or a name too long), then the name. One pointer and one cache line: the scan's loop is short of registers.
    private let rows: UnsafeMutableRawPointer

    init(_ empty: Payload) {
        precondition(MemoryLayout<Payload>.size <= 8)
        rows = .allocate(byteCount: Self.places * 64, alignment: 64)
        rows.initializeMemory(as: UInt8.self, repeating: 0, count: Self.places * 64)
        for place in 0..<Self.places { rows.storeBytes(of: empty, toByteOffset: place * 64, as: Payload.self) }
    }

    func deallocate() { rows.deallocate() }

    /// How many places are kept (the first ones of a line).
    var count: Int { Self.places }

    /// What was kept with `place`'s name.
    @inline(__always)
    func payload(_ place: Int) -> Payload { rows.load(fromByteOffset: place &* 64, as: Payload.self) }

    /// The length of the name kept for `place` (quotes included) when the `n` bytes at `p` start with it; else 0.
    @inline(__always)
    func matched(_ place: Int, _ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        let row = rows.assumingMemoryBound(to: UInt8.self) + place &* 64
        let kept = Int(row[8])
        return kept > 0 && kept <= n && sameBytes(p, row + 9, kept) ? kept : 0
    }

    /// Keeps the `count` bytes at `name` (a name with its quotes) as `place`'s, with `payload`.
    func remember(_ place: Int, _ name: UnsafePointer<UInt8>, _ count: Int, _ payload: Payload) {
        rows.storeBytes(of: payload, toByteOffset: place * 64, as: Payload.self)
        let row = rows.assumingMemoryBound(to: UInt8.self) + place * 64
        guard count <= Self.maxName else {
            row[8] = 0
            return
        }
        (row + 9).update(from: name, count: count)
        row[8] = UInt8(count)
    }
}
