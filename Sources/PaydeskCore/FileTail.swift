import Foundation
import CLibcExtras

/// Reads a file that only grows (between compactions) from where the last read stopped: complete lines only,
/// a piece at a time, so the memory it takes is two pieces (one being read, the last one given out), not the
/// file. A new inode (a compaction renamed a new file in) or a shorter file means it was replaced: the next read
/// starts from the beginning.
struct FileTail {
    let path: String
    let what: String
    /// Bytes of complete lines read so far.
    private(set) var offset = 0
    private var identity: (device: UInt64, inode: UInt64)?
    private var started = false

    init(path: String, what: String) {
        self.path = path
        self.what = what
    }

    /// The first piece is small, so the first rows are on screen soon; pieces double up to the largest.
    static let firstPieceSize = 1 << 20
    static let pieceSize = 8 << 20

    /// Forgets what was read: the next read starts from the beginning (after the file could not be read).
    mutating func forget() {
        identity = nil
        offset = 0
        started = false
    }

    /// Whether the byte before `offset` is still a newline: a file rewritten in place (same inode, no
    /// shorter) fails this, and is read again from its beginning.
    static func endsLine(_ fd: Int32, at offset: Int) -> Bool {
        guard offset > 0 else { return true }
        var byte: UInt8 = 0
        return pread(fd, &byte, 1, off_t(offset - 1)) == 1 && byte == 0x0A
    }

    enum Start { case fromBeginning, fromOffset }

    /// Calls `start` with where this read begins, then `body` with each run of complete lines appended since the
    /// last read, where in the file the run starts, and how much of the file is read by its end. Returns how many
    /// bytes follow the last newline: a line still being written, or one cut short. A missing file reads as empty.
    /// A run's bytes stay as they are until the next call of `body` returns (two buffers take turns), so a caller
    /// may finish with one run while it starts on the next; `last` is called before the bytes go, even on an error.
    mutating func read(start: (Start) -> Void,
                       _ body: (_ lines: UnsafeBufferPointer<UInt8>, _ fileOffset: Int, _ fractionRead: Double) throws -> Void,
                       last: () -> Void = {}) throws -> Int {
        let first = !started
        started = true
        guard let fd = try RegularFile.open(path, flags: O_RDONLY, followLinks: false, what: what) else {
            let wasThere = identity != nil || offset > 0
            identity = nil
            offset = 0
            start(wasThere || first ? .fromBeginning : .fromOffset)
            return 0
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw PaydeskError.io("cannot read \(what) \(path): \(systemMessage())") }
        let now = (UInt64(info.st_dev), UInt64(info.st_ino))
        let size = Int(info.st_size)
        if first || identity == nil || identity! != now || size < offset || !Self.endsLine(fd, at: offset) {
            identity = now
            offset = 0
            start(.fromBeginning)
        } else {
            start(.fromOffset)
        }
        var buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: min(max(size - offset, 1), Self.pieceSize))
        var other = UnsafeMutableBufferPointer<UInt8>(start: nil, count: 0)
        defer {
            last()
            buffer.deallocate()
            other.deallocate()
        }
        var filled = 0
        var position = offset
        var piece = offset == 0 ? Self.firstPieceSize : Self.pieceSize
        while position < size {
            if filled == buffer.count {
                // One line longer than a piece: make room for it.
                let bigger = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: buffer.count * 2)
                bigger.baseAddress!.update(from: buffer.baseAddress!, count: filled)
                buffer.deallocate()
                buffer = bigger
            }
            let n = pread(fd, buffer.baseAddress! + filled, min(buffer.count - filled, size - position, max(piece - filled, 1)), off_t(position))
            if n < 0 {
                if errno == EINTR { continue }
                throw PaydeskError.io("cannot read \(what) \(path): \(systemMessage())")
            }
            if n == 0 { break }   // shrank under us: the next read notices
            filled += n
            position += n
            let end = lastNewline(UnsafeBufferPointer(buffer), from: 0, to: filled).map { $0 + 1 } ?? 0
            guard end > 0 else {
                piece = filled * 2   // no newline yet: a long line, read on
                continue
            }
            try body(UnsafeBufferPointer(rebasing: buffer[..<end]), offset, Double(offset + end) / Double(max(size, 1)))
            piece = min(piece * 2, Self.pieceSize)
            offset += end
            // The rest goes to the other buffer, which the next read fills: these lines stay for one more call.
            if other.count < buffer.count {
                other.deallocate()
                other = .allocate(capacity: buffer.count)
            }
            if end < filled { other.baseAddress!.update(from: buffer.baseAddress! + end, count: filled - end) }
            swap(&buffer, &other)
            filled -= end
        }
        return filled
    }
}
