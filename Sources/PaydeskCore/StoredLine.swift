/// One stored line (without its newline and surrounding blanks), where a `ByteBlock` keeps it.
public struct StoredLine: Sendable {
    let chunk: ByteBlock
    // 32 bits each (a chunk is one piece of a file): half a million rows keep one of these each.
    private let start: UInt32
    private let count: UInt32

    init(chunk: ByteBlock, offset: Int, length: Int) {
        precondition(offset + length <= UInt32.max, "a line chunk holds less than 4 GiB")
        self.chunk = chunk
        start = UInt32(offset)
        count = UInt32(length)
    }

    var offset: Int { Int(start) }
    public var length: Int { Int(count) }

    /// A line of its own, for fixtures and single records.
    public init(_ bytes: [UInt8]) {
        var writer = LineChunkWriter(capacity: bytes.count)
        self = bytes.withUnsafeBufferPointer { writer.add($0) }
    }

    public var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: chunk.base + offset, count: length) }

    /// Every field, unknown ones included, in the line's order (parsed now: only for rows someone looks at).
    public var fields: RecordFields {
        guard case .object(let members)? = try? JSONValue.parse(bytes) else { return RecordFields([]) }
        return RecordFields(members)
    }
}

/// `line` without the blanks around it (spaces, tabs, a carriage return), as every stored line is kept.
func trimmingBlanks(_ line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    var start = 0, end = line.count
    while start < end, StoreSnapshot<SessionKind>.isWhitespace(line[start]) { start += 1 }
    while end > start, StoreSnapshot<SessionKind>.isWhitespace(line[end - 1]) { end -= 1 }
    return UnsafeBufferPointer(rebasing: line[start..<end])
}

/// Fills `ByteBlock`s with the lines it is given, a block per batch, sized for them exactly.
struct LineChunkWriter {
    private var chunk: ByteBlock
    private var used = 0

    init(capacity: Int) { chunk = ByteBlock(capacity: capacity, writtenWhole: true) }

    /// Copies `line` in, trimmed of blanks (the caller sized the chunk for every line it will add).
    mutating func add(_ line: UnsafeBufferPointer<UInt8>) -> StoredLine {
        let trimmed = trimmingBlanks(line)
        let length = trimmed.count
        precondition(used + length <= chunk.count, "LineChunkWriter sized too small")
        if length > 0 { (chunk.base + used).update(from: trimmed.baseAddress!, count: length) }
        defer { used += length }
        return StoredLine(chunk: chunk, offset: used, length: length)
    }
}
