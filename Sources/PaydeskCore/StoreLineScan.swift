import Foundation
import CLibcExtras
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks a run of complete store lines and keeps what the index needs of each: written once for the
/// snapshot (the whole file), the follower (what was appended) and the search (one key's lines).
struct StoreLineScan<Kind: RecordKind>: Sendable {
    /// Valid lines, in order; offsets are into the scanned buffer, line numbers count from its start.
    var records: [StoredRecord<Kind.Key>] = []
    /// The first `StoreSnapshot.maxProblemsKept` bad lines; `problemCount` counts them all.
    var problems: [(line: Int, column: Int?, message: String)] = []
    var problemCount = 0
    var lineCount = 0
    /// Copies of the lines of the records `inParallel`'s `keeping` picked, in order, trimmed of blanks.
    var keptLines: [StoredLine] = []

    /// Splits `data[start..<end]` at line boundaries and scans the pieces on all cores (GCD's threads, not
    /// Swift's cooperative pool); line numbers are fixed up by the caller. `start == 0` is the file's start.
    /// `alongside` runs on the calling thread meanwhile: the caller's work on the previous run of lines. The lines
    /// of the records `keeping` picks are copied by the scanning threads too, which have time to spare.
    static func inParallel(_ data: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, atFileStart: Bool,
                           keeping: @escaping @Sendable (StoredRecord<Kind.Key>) -> Bool,
                           alongside: () -> Void) -> [StoreLineScan] {
        let pieces = end - start < 1 << 20 ? 1 : min(usableCores, 16)
        var bounds = [start]
        for k in 1..<max(pieces, 1) {
            var cut = max(start + (end - start) * k / pieces, bounds.last!)
            while cut < end, data[cut - 1] != 0x0A { cut += 1 }
            bounds.append(cut)
        }
        bounds.append(end)
        let results = ResultSlots<StoreLineScan>(count: pieces)
        nonisolated(unsafe) let shared = data   // read-only while the workers run
        let cuts = bounds
        let group = DispatchGroup()
        for k in 0..<pieces {
            DispatchQueue.global().async(group: group) {
                var piece = scan(shared, from: cuts[k], to: cuts[k + 1], atFileStart: atFileStart)
                piece.keepLines(keeping, of: shared)
                results[k] = piece
            }
        }
        alongside()
        group.wait()
        return results.values
    }

    /// Scans `data[start..<end]` on a GCD thread; `wait()` gives the result. `owner` holds the bytes meanwhile.
    static func started(_ data: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, owner: some AnyObject & Sendable) -> Started {
        let started = Started()
        nonisolated(unsafe) let shared = data
        DispatchQueue.global().async(group: started.group) {
            withExtendedLifetime(owner) { started.result[0] = scan(shared, from: start, to: end) }
        }
        return started
    }

    final class Started: Sendable {
        fileprivate let group = DispatchGroup()
        fileprivate let result = ResultSlots<StoreLineScan>(count: 1)
        func wait() -> StoreLineScan {
            group.wait()
            return result[0]!
        }
    }

    static func scan(_ data: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, atFileStart: Bool = true) -> StoreLineScan {
        FieldMatcher.with(Kind.fields) { matcher in
            LineLayout.with { scan(data, from: start, to: end, atFileStart: atFileStart, matcher: matcher, layout: &$0) }
        }
    }

    private static func scan(_ data: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, atFileStart: Bool,
                             matcher: FieldMatcher, layout: inout LineLayout) -> StoreLineScan {
        var chunk = StoreLineScan()
        guard end > start, let base = data.baseAddress else { return chunk }
        chunk.records.reserveCapacity((end - start) / 160)
        var seenNames = SeenNames()
        // A byte order mark (from an editor) is not part of the first line.
        var lineStart = atFileStart && start == 0 && end >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF ? 3 : start
        while lineStart < end {
            let newline = UnsafeRawPointer(base + lineStart).withMemoryRebound(to: UInt8.self, capacity: 1) { p in
                memchr(p, 0x0A, end - lineStart)
            }
            let lineEnd = newline.map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? end
            chunk.lineCount += 1
            let length = lineEnd - lineStart
            if !isBlank(base + lineStart, length) {
                switch Kind.summarize(JSONScanner(base + lineStart, count: length), matcher, &seenNames, &layout) {
                case .success(let s):
                    chunk.records.append(StoredRecord(key: s.key, time: s.time, offset: lineStart, length: length, state: s.state))
                case .failure(let e):
                    chunk.problemCount += 1
                    if chunk.problems.count < StoreSnapshot<Kind>.maxProblemsKept {
                        chunk.problems.append((chunk.lineCount, e.column, e.message))
                    }
                }
            }
            lineStart = lineEnd + 1
        }
        return chunk
    }

    /// Copies the lines of the records `keeping` picks into one block, in order.
    private mutating func keepLines(_ keeping: (StoredRecord<Kind.Key>) -> Bool, of data: UnsafeBufferPointer<UInt8>) {
        var needed = 0, count = 0
        for r in records where keeping(r) {
            needed += r.length
            count += 1
        }
        guard count > 0 else { return }
        var writer = LineChunkWriter(capacity: needed)
        keptLines.reserveCapacity(count)
        for r in records where keeping(r) {
            keptLines.append(writer.add(UnsafeBufferPointer(rebasing: data[r.offset..<(r.offset + r.length)])))
        }
    }

    static func isBlank(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        for k in 0..<n where !StoreSnapshot<Kind>.isWhitespace(p[k]) { return false }
        return true
    }
}

/// Where the last newline in `from..<to` of `data` is.
func lastNewline(_ data: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
    guard to > from, let p = memrchr(data.baseAddress! + from, 0x0A, to - from) else { return nil }
    return UnsafeRawPointer(p) - UnsafeRawPointer(data.baseAddress!)
}
