import Foundation
#if canImport(Glibc)
import Glibc
#endif
import CLibcExtras

/// Finds one record's latest line in a store file without reading the others: a byte search for its key,
/// from the end of the file backwards (the latest line wins, and recent records are near the end). Only the
/// lines that contain the key's bytes are parsed. For the one-shot `cancel`, which must not load a million lines
/// to act on one.
public enum StoreSearch {
    /// Read a mebibyte at a time into one buffer per search: bigger pieces cost more in fresh pages than in calls.
    static let pieceSize = 1 << 20
    /// The end searched alone first; beyond it, a rest this long or longer is searched in two halves at once.
    static let recentSize = 16 << 20
    static let halvesFrom = 32 << 20

    /// Where a search stopped: the file (device, inode) and the end of its last complete line then.
    public struct Mark: Sendable, Equatable {
        let device: UInt64
        let inode: UInt64
        let end: Int
    }

    /// The record's latest valid line, or nil when no valid line has its key. A key written with needless
    /// escapes (`\u0070s_1`) is not found: the search then says the record is not in the store, and nothing is sent.
    public static func latest<Kind: RecordKind>(_ kind: Kind.Type, key: Kind.Key, path: String) throws -> FoundRecord<Kind>? {
        try latest(kind, key: key, path: path, after: nil).found
    }

    /// The same, searching only what was appended since `mark` when the file is still the one `mark` saw (same
    /// inode, no shorter, a newline where it ended); `found` is then nil when nothing appended names the key.
    /// Returns where this search stopped, and whether it searched only the appended part.
    static func latest<Kind: RecordKind>(_ kind: Kind.Type, key: Kind.Key, path: String, after mark: Mark?) throws
        -> (found: FoundRecord<Kind>?, mark: Mark?, appendedOnly: Bool) {
        let needle = Array(Kind.searchText(of: key).utf8)
        guard let fd = try RegularFile.open(path, flags: O_RDONLY, followLinks: false, what: "\(Kind.noun)s store") else { return (nil, nil, false) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw PaydeskError.io("cannot read \(path): \(systemMessage())") }
        var end = Int(info.st_size)
        var floor = 0
        if let mark, mark.device == UInt64(info.st_dev), mark.inode == UInt64(info.st_ino), mark.end <= end, FileTail.endsLine(fd, at: mark.end) {
            floor = mark.end
        }
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: pieceSize + 1)
        defer { buffer.deallocate() }
        // Only complete lines count: skip what follows the last newline.
        var sawNewline = false
        while end > floor, !sawNewline {
            let start = max(floor, end - pieceSize)
            let data = try readFully(fd, into: buffer, from: start, count: end - start, path: path)
            if let last = data.lastIndex(of: 0x0A) { end = start + last + 1; sawNewline = true } else { end = start }
        }
        let searched = Mark(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), end: max(end, floor))
        // Recent records are near the end: the last pieces first, alone.
        var recent = end
        if end - floor > recentSize, let cut = try firstLineStart(fd, from: end - recentSize, before: end, path: path) { recent = cut }
        if let found = try search(kind, key: key, needle: needle, fd: fd, from: recent, to: end, path: path) { return (found, searched, floor > 0) }
        // The rest of a long file in two halves at once, cut at a line: the later half's line wins, and once it
        // is found the earlier half stops.
        if recent - floor >= halvesFrom, let middle = try firstLineStart(fd, from: floor + (recent - floor) / 2, before: recent, path: path) {
            let found = ResultSlots<Result<FoundRecord<Kind>?, Error>>(count: 2)
            let halves = [(middle, recent), (floor, middle)]
            let laterFound = ResultSlots<Bool>(count: 1)
            DispatchQueue.concurrentPerform(iterations: 2) { k in
                found[k] = Result {
                    let record = try search(kind, key: key, needle: needle, fd: fd, from: halves[k].0, to: halves[k].1, path: path,
                                            stop: { k == 1 && laterFound[0] == true })
                    if k == 0, record != nil { laterFound[0] = true }
                    return record
                }
            }
            return (try found[0]!.get() ?? found[1]!.get(), searched, floor > 0)
        }
        return (try search(kind, key: key, needle: needle, fd: fd, from: floor, to: recent, path: path), searched, floor > 0)
    }

    /// Where the first line starting at or after `offset` starts, if one does before `end`.
    private static func firstLineStart(_ fd: Int32, from offset: Int, before end: Int, path: String) throws -> Int? {
        let probe = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 65_536)
        defer { probe.deallocate() }
        var at = offset
        while at < end {
            let data = try readFully(fd, into: probe, from: at - 1, count: min(probe.count, end - at + 1), path: path)
            if data.isEmpty { return nil }
            if let k = data.firstIndex(of: 0x0A) { return at + k < end ? at + k : nil }
            at += data.count
        }
        return nil
    }

    /// The latest line with the key among the complete lines in `floor..<end` (`end` ends a line), read backwards.
    private static func search<Kind: RecordKind>(_ kind: Kind.Type, key: Kind.Key, needle: [UInt8], fd: Int32,
                                                 from floor: Int, to end: Int, path: String,
                                                 stop: () -> Bool = { false }) throws -> FoundRecord<Kind>? {
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: pieceSize + 1)
        defer { buffer.deallocate() }
        var end = end
        while end > floor, !stop() {
            var start = max(floor, end - pieceSize)
            var data = try readFully(fd, into: buffer, from: start, count: end - start, path: path)
            if start > floor {
                // Begin at a line start; a line longer than a piece is read whole on its own.
                if let first = data.dropLast().firstIndex(of: 0x0A) {
                    start += first + 1
                    data = UnsafeBufferPointer(rebasing: data[(first + 1)...])
                } else {
                    let whole = try longLine(fd, endingAt: end, path: path)
                    let found = whole.bytes.withUnsafeBufferPointer {
                        lastMatch(kind, key: key, needle: needle, in: $0, atFileStart: whole.start == 0)
                    }
                    if let found { return found }
                    end = whole.start
                    continue
                }
            }
            if let found = lastMatch(kind, key: key, needle: needle, in: data, atFileStart: start == 0) { return found }
            end = start
        }
        return nil
    }

    /// The last line in `data` (complete lines) whose key is `key`.
    private static func lastMatch<Kind: RecordKind>(_ kind: Kind.Type, key: Kind.Key, needle: [UInt8], in data: UnsafeBufferPointer<UInt8>,
                                                    atFileStart: Bool) -> FoundRecord<Kind>? {
        guard let base = data.baseAddress else { return nil }
        var hits: [Int] = []
        var from = 0
        while from < data.count, let p = memmem(base + from, data.count - from, needle, needle.count) {
            let at = UnsafeRawPointer(p) - UnsafeRawPointer(base)
            hits.append(at)
            from = at + 1
        }
        var lastLineStart = Int.max
        for at in hits.reversed() {
            var lineStart = at
            while lineStart > 0, data[lineStart - 1] != 0x0A { lineStart -= 1 }
            if lineStart == lastLineStart { continue }
            lastLineStart = lineStart
            var lineEnd = at
            while lineEnd < data.count, data[lineEnd] != 0x0A { lineEnd += 1 }
            let scan = StoreLineScan<Kind>.scan(data, from: lineStart, to: lineEnd, atFileStart: atFileStart)
            if let r = scan.records.first, r.key == key {
                return FoundRecord(key: key, time: r.time, state: r.state,
                                   line: StoredLine(Array(trimmingBlanks(UnsafeBufferPointer(rebasing: data[lineStart..<lineEnd])))))
            }
        }
        return nil
    }

    private static func readFully(_ fd: Int32, into buffer: UnsafeMutableBufferPointer<UInt8>, from offset: Int, count: Int,
                                  path: String) throws -> UnsafeBufferPointer<UInt8> {
        var done = 0
        while done < count {
            let n = pread(fd, buffer.baseAddress! + done, count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw PaydeskError.io("cannot read \(path): \(systemMessage())")
            }
            if n == 0 { break }
            done += n
        }
        return UnsafeBufferPointer(rebasing: buffer[..<done])
    }

    /// The line that ends at `end`, however long, and where it starts.
    private static func longLine(_ fd: Int32, endingAt end: Int, path: String) throws -> (bytes: [UInt8], start: Int) {
        var start = end - 1   // past its own newline
        let probe = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 65_536)
        defer { probe.deallocate() }
        findStart: while start > 0 {
            let from = max(0, start - probe.count)
            let data = try readFully(fd, into: probe, from: from, count: start - from, path: path)
            if let k = data.lastIndex(of: 0x0A) { start = from + k + 1; break findStart }
            start = from
        }
        var whole = [UInt8](repeating: 0, count: end - start)
        let count = try whole.withUnsafeMutableBufferPointer { try readFully(fd, into: $0, from: start, count: end - start, path: path).count }
        return (Array(whole[..<count]), start)
    }
}

extension RecordKind {
    /// The bytes a line holding `key` must contain, as a JSON writer writes it.
    static func searchText(of key: Key) -> String {
        if Key.self == Int64.self { return String(describing: key) }
        var text = ""
        JSONValue.writeString(String(describing: key), to: &text)
        return text
    }
}
