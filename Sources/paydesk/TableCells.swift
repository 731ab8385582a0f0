import Foundation
import PaydeskCore

/// Table rows as the terminal shows them, in one block of bytes: each row is its cells' lengths, a byte each
/// (255: look in `longCells`), then the cells' shown text. No String and no array per cell or row: `list` makes
/// four million cells, and a String each cost more than reading the store. With the lengths first, printing
/// finds every cell of a row at once. Written once by a `TableCellWriter`, then only read (by any thread).
struct TableCells: Sendable {
    let columns: Int
    private let storage: ByteBlock
    /// The rows' bytes.
    private let count: Int
    /// How many rows.
    let rowCount: Int
    /// The bytes of the last column's cells.
    private let lastColumnBytes: Int
    /// The cells 255 bytes long or more, in order, with their lengths.
    private let longCells: [(cell: Int, length: Int)]
    /// The cells whose width in terminal cells is not their byte count (text beyond ASCII), in order: few.
    private let unusualWidths: [(cell: Int, width: Int)]
    /// Each column's widest cell.
    let widths: [Int]

    fileprivate init(_ writer: borrowing TableCellWriter) {
        columns = writer.columns
        storage = writer.storage
        count = writer.count
        rowCount = writer.cellCount / writer.columns
        lastColumnBytes = writer.lastColumnBytes
        longCells = writer.longCells
        unusualWidths = writer.unusualWidths
        widths = Array(UnsafeBufferPointer(start: writer.widths, count: writer.columns))
    }

    /// Cells given as text, row after row.
    init(columns: Int, cells: [String]) {
        var writer = TableCellWriter(columns: columns, capacity: 256)
        writer.add(cells)
        self = writer.finished()
    }

    /// About how many bytes `lines` appends for these widths: each row's columns up to its last one (and through
    /// it when it is right-aligned), the last column's cell, a newline. The last column's width does not count when
    /// it is left-aligned: its trailing blanks are dropped, and one 50 MB cell there widens it for every row.
    func printedBytes(widths shownWidths: [Int], rightAligned: [Bool]) -> Int {
        let padding = shownWidths.dropLast().reduce(0, +) + 2 * (columns - 1) + (rightAligned[columns - 1] ? shownWidths[columns - 1] : 0)
        return rowCount * (padding + 1) + lastColumnBytes
    }

    /// Appends the rows as lines, each column padded (or cut with `…`) to `widths` with two spaces between
    /// columns, trailing blanks dropped. The lines are handed to `flush` whenever they pass `limit` bytes; with
    /// no limit, they are all kept (and room for them reserved at once).
    func lines(widths shownWidths: [Int], rightAligned: [Bool], into out: inout LineOutput,
               flushOver limit: Int = .max, flush: (UnsafeBufferPointer<UInt8>) -> Void = { _ in }) {
        let base = UnsafePointer(storage.base)
        // Where each column starts in a line.
        var starts = [0]
        for k in 0..<columns - 1 { starts.append(starts[k] + shownWidths[k] + 2) }
        let last = columns - 1
        if limit == .max { out.reserve(printedBytes(widths: shownWidths, rightAligned: rightAligned) + 16) }
        var at = 0, cell = 0, long = 0, unusual = 0
        while at < count {
            let lengths = base + at
            at += columns
            let lineStart = out.count
            // Nearly every row: plain ASCII cells that fit. The line is spaces with the cells copied into place.
            var fits = unusual == unusualWidths.count || unusualWidths[unusual].cell >= cell + columns
            for k in 0..<columns where Int(lengths[k]) > shownWidths[k] || lengths[k] == 255 { fits = false }
            if fits {
                // Spaces up to where the line ends: a left-aligned last column is not padded.
                let line = out.appendSpaces(starts[last] + (rightAligned[last] ? shownWidths[last] : Int(lengths[last])))
                for k in 0..<columns {
                    let length = Int(lengths[k])
                    let column = line + starts[k] + (rightAligned[k] ? shownWidths[k] - length : 0)
                    _ = copyBytes(base + at, to: column, length)
                    at += length
                }
                out.dropTrailingSpaces(after: lineStart)
                out.append(0x0A)
                cell += columns
                if out.count > limit { out.flush(flush) }
                continue
            }
            for k in 0..<columns {
                var length = Int(lengths[k])
                if length == 255 {
                    length = longCells[long].length
                    long += 1
                }
                var cellWidth = length
                if unusual < unusualWidths.count, unusualWidths[unusual].cell == cell {
                    cellWidth = unusualWidths[unusual].width
                    unusual += 1
                }
                var cut: String?
                if cellWidth > shownWidths[k] {
                    cut = truncated(String(decoding: UnsafeBufferPointer(start: base + at, count: length), as: UTF8.self),
                                    toWidth: shownWidths[k])
                    cellWidth = displayWidth(cut!)
                }
                let gap = shownWidths[k] - cellWidth
                let right = rightAligned[k]
                if right { out.appendSpaces(gap) }
                if var cut { cut.withUTF8 { out.append($0) } } else { out.appendCell(base + at, length) }
                if k < columns - 1 { out.appendSpaces(right ? 2 : gap + 2) }
                at += length
                cell += 1
            }
            out.dropTrailingSpaces(after: lineStart)
            out.append(0x0A)
            if out.count > limit { out.flush(flush) }
        }
    }
}

/// Writes rows into `TableCells`: a cell's bytes, then `endCell`. Cells go straight into one growing block of
/// memory; the writer cannot be copied, so that block has one writer.
struct TableCellWriter: ~Copyable {
    let columns: Int
    fileprivate private(set) var storage: ByteBlock
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    fileprivate private(set) var count = 0
    fileprivate private(set) var longCells: [(cell: Int, length: Int)] = []
    fileprivate private(set) var unusualWidths: [(cell: Int, width: Int)] = []
    /// Each column's widest cell so far (`columns` of them): a pointer, as an array's uniqueness check on each
    /// cell showed.
    fileprivate let widths: UnsafeMutablePointer<Int>
    fileprivate private(set) var cellCount = 0
    fileprivate private(set) var lastColumnBytes = 0
    /// Where the row being written starts: its cells' lengths.
    private var rowStart = 0
    private var cellStart = 0
    /// Whether all written since `cellStart` is plain printable ASCII: checked as it is copied (read back
    /// after, the bytes just stored cost a stall each).
    private var cellPlain = true
    private var column = 0
    /// Times in a column come a day at a time: their dates are made once a day.
    private var displayWriter = Timestamp.DisplayWriter()

    /// Room for `capacity` bytes to begin with (what is never written costs no memory).
    init(columns: Int, capacity: Int) {
        self.columns = columns
        self.capacity = max(capacity, 64)
        storage = ByteBlock(capacity: self.capacity)
        base = storage.base
        widths = .allocate(capacity: columns)
        widths.initialize(repeating: 0, count: columns)
        startRow()
    }

    deinit { widths.deallocate() }

    consuming func finished() -> TableCells {
        while column > 0 { endCell() }   // a row left short gets empty cells
        count = rowStart   // no row after the last
        return TableCells(self)
    }

    /// Room for the next row's cell lengths, and for `LineOutput` to read a cell eight bytes at a time past its
    /// end.
    private mutating func startRow() {
        reserve(columns + 8)
        rowStart = count
        count += columns
        cellStart = count
    }

    @inline(__always) private mutating func reserve(_ more: Int) {
        if count + more > capacity { grow(more) }
    }

    private mutating func grow(_ more: Int) {
        capacity = max(capacity * 2, count + more)
        let bigger = ByteBlock(capacity: capacity)
        bigger.base.update(from: base, count: count)
        storage = bigger
        base = bigger.base
    }

    mutating func write(_ bytes: UnsafeBufferPointer<UInt8>?) {
        guard let bytes, let from = bytes.baseAddress else { return }
        reserve(bytes.count)
        let plain = copyBytes(from, to: base + count, bytes.count)
        cellPlain = cellPlain && plain
        count += bytes.count
    }

    mutating func write(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { write($0) } }

    mutating func write(_ string: String) {
        var string = string
        string.withUTF8 { write($0) }
    }

    /// A number's digits, as `String(value)` writes them.
    mutating func write(digitsOf value: Int64) { writeNumber(value, exponent: 0) }

    mutating func write(display time: Timestamp) {
        var writer = displayWriter
        writer.write(time) { write($0) }
        displayWriter = writer
    }

    /// `LineTexts.amountText` of these `amount` and `currency` values (as written, nil when absent or null):
    /// nothing without a whole-number amount, the minor units without a currency.
    mutating func write(amount: UnsafeBufferPointer<UInt8>?, currency: UnsafeBufferPointer<UInt8>?) {
        guard let amount, let minor = Int64(decimalText: amount) else { return }
        guard let currency, !currency.isEmpty else { return writeNumber(minor, exponent: 0) }
        guard let exponent = Money.exponent(ofCode: currency) else {
            return write(Money.format(minorUnits: minor, currency: String(decoding: currency, as: UTF8.self)))
        }
        writeNumber(minor, exponent: exponent)
        reserve(1)
        base[count] = 0x20
        count += 1
        write(currency)
    }

    /// Digits are plain ASCII: written in place.
    private mutating func writeNumber(_ value: Int64, exponent: Int) {
        reserve(Money.maxNumberBytes)
        count += Money.writeNumber(value, exponent: exponent, to: base + count)
    }

    /// Ends the cell written since the last one ended. Cells come from other systems' data: any text but plain
    /// printable ASCII is shown through `printable` (control characters escaped, never sent to the terminal) and
    /// measured by `displayWidth`, exactly as a String cell is.
    @inline(__always) mutating func endCell() {
        let width = cellPlain ? count - cellStart : showPrintable()
        let length = count - cellStart
        base[rowStart + column] = UInt8(min(length, 255))
        if column == columns - 1 { lastColumnBytes += length }
        if length >= 255 { longCells.append((cellCount, length)) }
        widths[column] = max(widths[column], width)
        cellCount += 1
        cellPlain = true
        column += 1
        if column == columns {
            column = 0
            startRow()
        } else {
            cellStart = count
        }
    }

    /// Writes the cell written since `cellStart` again as `printable` shows it; its width in terminal cells.
    private mutating func showPrintable() -> Int {
        let shown = printable(String(decoding: UnsafeBufferPointer(start: base + cellStart, count: count - cellStart), as: UTF8.self))
        count = cellStart
        write(shown)
        let width = displayWidth(shown)
        if width != count - cellStart { unusualWidths.append((cellCount, width)) }
        return width
    }

    mutating func add(_ row: [String]) {
        for cell in row {
            write(cell)
            endCell()
        }
    }
}

/// Copies `n` bytes, short ones with a few loads and stores that read and write nothing outside them (a call to
/// memmove per cell showed); whether they are all printable ASCII (0x20...0x7E).
@inline(__always) private func copyBytes(_ from: UnsafePointer<UInt8>, to: UnsafeMutablePointer<UInt8>, _ n: Int) -> Bool {
    let source = UnsafeRawPointer(from), target = UnsafeMutableRawPointer(to)
    switch n {
    case 0:
        return true
    case 1..<4:
        var all: UInt64 = 0x2020_2020_2020_2020
        for k in 0..<n {
            to[k] = from[k]
            all ^= UInt64(from[k] ^ 0x20) << UInt64(8 * k)   // a space replaced by the byte
        }
        return isPlainASCII(all)
    case 4..<8:
        let low = source.loadUnaligned(as: UInt32.self), high = source.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
        target.storeBytes(of: low, as: UInt32.self)
        target.storeBytes(of: high, toByteOffset: n - 4, as: UInt32.self)
        return isPlainASCII(UInt64(low) | UInt64(high) << 32)
    default:
        var plain = true
        var k = 0
        while k + 8 < n {
            let w = source.loadUnaligned(fromByteOffset: k, as: UInt64.self)
            target.storeBytes(of: w, toByteOffset: k, as: UInt64.self)
            plain = plain && isPlainASCII(w)
            k += 8
        }
        let last = source.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        target.storeBytes(of: last, toByteOffset: n - 8, as: UInt64.self)
        return plain && isPlainASCII(last)
    }
}

/// Whether all eight bytes are printable ASCII (0x20...0x7E).
@inline(__always) private func isPlainASCII(_ w: UInt64) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    // A byte below 0x20, or above 0x7E (0x7F and anything beyond ASCII).
    return ((w &- ones &* 0x20) & ~w | (w &+ ones) | w) & (ones &* 0x80) == 0
}

/// Printed lines, in one buffer written through a pointer (the table's output is tens of megabytes, and an
/// Array's checks on every append showed).
struct LineOutput: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0

    init() {
        capacity = 1 << 16   // a part reserves what its lines take (`lines`)
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    mutating func reserve(_ more: Int) {
        guard count + more > capacity else { return }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: max(capacity * 2, count + more))
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = max(capacity * 2, count + more)
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let from = bytes.baseAddress else { return }
        reserve(bytes.count)
        (base + count).update(from: from, count: bytes.count)
        count += bytes.count
    }

    /// A cell from `TableCells`, which has 8 readable bytes past its end: short ones are copied a word at a time.
    mutating func appendCell(_ from: UnsafePointer<UInt8>, _ n: Int) {
        reserve(n + 8)
        if n <= 32 {
            var k = 0
            while k < n {
                UnsafeMutableRawPointer(base + count + k).storeBytes(of: UnsafeRawPointer(from + k).loadUnaligned(as: UInt64.self),
                                                                     as: UInt64.self)
                k += 8
            }
        } else {
            (base + count).update(from: from, count: n)
        }
        count += n
    }

    mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    /// Appends `n` spaces; where they start.
    @discardableResult mutating func appendSpaces(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        let start = base + count
        guard n > 0 else { return start }
        reserve(n + 16)
        let spaces: UInt64 = 0x2020_2020_2020_2020
        if n <= 16 {
            UnsafeMutableRawPointer(base + count).storeBytes(of: spaces, as: UInt64.self)
            UnsafeMutableRawPointer(base + count + 8).storeBytes(of: spaces, as: UInt64.self)
        } else if n <= 256 {
            var k = 0
            while k < n {
                UnsafeMutableRawPointer(base + count + k).storeBytes(of: spaces, as: UInt64.self)
                k += 8
            }
        } else {
            (base + count).update(repeating: 0x20, count: n)
        }
        count += n
        return base + count - n
    }

    /// Ends the output without the spaces at its end, back to `start`.
    mutating func dropTrailingSpaces(after start: Int) {
        while count > start, base[count - 1] == 0x20 { count -= 1 }
    }

    mutating func flush(_ write: (UnsafeBufferPointer<UInt8>) -> Void) {
        write(UnsafeBufferPointer(start: base, count: count))
        count = 0
    }
}
