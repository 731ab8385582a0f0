import CMappedFile
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
    /// Searched a mebibyte at a time from the end: a recent record is found before the rest is touched.
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
    /// The file is mapped, not read: searching a 200 MB store from memory the file already has costs no copy.
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
        let bytes = try FileBytes.read(fd: fd, size: end, path: path)
        let data = UnsafeBufferPointer(start: bytes.base, count: bytes.count)
        end = min(end, data.count)
        // Only complete lines count: skip what follows the last newline.
        end = lastNewline(data, from: floor, to: end).map { $0 + 1 } ?? floor
        let searched = Mark(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), end: end)
        let found: FoundRecord<Kind>? = {
            // Recent records are near the end: the last pieces first, alone.
            var recent = end
            if end - floor > recentSize, let cut = firstLineStart(data, from: end - recentSize, before: end) { recent = cut }
            if let found = search(kind, key: key, needle: needle, in: bytes, from: recent, to: end) { return found }
            // The rest of a long file in two halves at once, cut at a line: the later half's line wins, and once it
            // is found the earlier half stops.
            guard recent - floor >= halvesFrom, let middle = firstLineStart(data, from: floor + (recent - floor) / 2, before: recent) else {
                return search(kind, key: key, needle: needle, in: bytes, from: floor, to: recent)
            }
            let found = ResultSlots<FoundRecord<Kind>?>(count: 2)
            let halves = [(middle, recent), (floor, middle)]
            let laterFound = ResultSlots<Bool>(count: 1)
            DispatchQueue.concurrentPerform(iterations: 2) { k in
                let record = search(kind, key: key, needle: needle, in: bytes, from: halves[k].0, to: halves[k].1,
                                    stop: { k == 1 && laterFound[0] == true })
                if k == 0, record != nil { laterFound[0] = true }
                found[k] = record
            }
            return found[0]! ?? found[1]!
        }()
        try bytes.checkIntact(path: path)
        return (found, searched, floor > 0)
    }

    /// Where the first line starting at or after `offset` (> 0) starts, if one does before `end`.
    private static func firstLineStart(_ data: UnsafeBufferPointer<UInt8>, from offset: Int, before end: Int) -> Int? {
        guard end > offset, let p = memchr(data.baseAddress! + offset - 1, 0x0A, end - offset + 1) else { return nil }
        let start = UnsafeRawPointer(p) - UnsafeRawPointer(data.baseAddress!) + 1
        return start < end ? start : nil
    }

    /// The latest line with the key among the complete lines in `floor..<end` (`end` ends a line), a piece at a
    /// time from the end.
    private static func search<Kind: RecordKind>(_ kind: Kind.Type, key: Kind.Key, needle: [UInt8], in bytes: FileBytes,
                                                 from floor: Int, to end: Int, stop: () -> Bool = { false }) -> FoundRecord<Kind>? {
        let data = UnsafeBufferPointer(start: bytes.base, count: bytes.count)
        var end = end
        while end > floor, !stop() {
            var start = max(floor, end - pieceSize)
            if start > floor {
                // Begin at a line start; a line longer than a piece is searched whole.
                start = firstLineStart(data, from: start, before: end) ?? lastNewline(data, from: floor, to: start).map { $0 + 1 } ?? floor
            }
            if let found = lastMatch(kind, key: key, needle: needle, in: UnsafeBufferPointer(rebasing: data[start..<end]),
                                     atFileStart: start == 0) { return found }
            bytes.letGo(start..<end)
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
        while from < data.count, let p = paydesk_find_bytes(base + from, data.count - from, needle, needle.count) {
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
