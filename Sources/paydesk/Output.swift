import PaydeskCore
import Foundation

/// Standard output through one large buffer (a million JSON lines in a few writes), and stderr for people.
enum Output {
    nonisolated(unsafe) private static var buffer: [UInt8] = {
        var b = [UInt8]()
        b.reserveCapacity(1 << 20)
        return b
    }()

    static func line(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { flush() }
    }

    static func line(_ bytes: UnsafeBufferPointer<UInt8>) {
        buffer.append(contentsOf: bytes)
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { flush() }
    }

    static func bytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { flush() }
    }

    /// Why standard output could not be written (a full disk, a closed pipe, a file size limit), or nil. Once set,
    /// the output is incomplete: the command must not exit 0.
    nonisolated(unsafe) private(set) static var failure: String?

    static func flush() {
        if failure == nil, let code = writeAll(1, buffer) { failed(code) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Standard output failed with `code`: nothing more is written to it.
    static func failed(_ code: Int32) {
        if failure == nil { failure = systemMessage(code) }
    }

    /// A message for people: never buffered, never on stdout, and with every control character escaped (it may
    /// quote a config value or a gateway's words).
    static func error(_ text: String) {
        prompt(text + "\n")
    }

    /// Text for people without a newline after it (a question). A failure to write stderr is ignored: there is
    /// nowhere left to say it.
    static func prompt(_ text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { printable(String($0)) }
        _ = writeAll(2, Array(lines.joined(separator: "\n").utf8))
    }

    /// Writes all of `bytes` to `fd`; the errno that stopped it, or nil.
    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32? {
        bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                done += n
            }
            return nil
        }
    }

    private static func systemMessage(_ code: Int32) -> String { String(cString: strerror(code)) }
}

/// Columns padded to their widest cell, measured in terminal cells.
struct TextTable {
    let headers: [String]
    let rightAligned: Set<Int>
    /// Every cell, row after row, its width, and each column's width: one array, not one per row.
    private var cells: [String] = []
    private var cellWidths: [Int32] = []
    private var widths: [Int]

    init(_ headers: [String], rightAligned: Set<Int> = []) {
        self.headers = headers
        self.rightAligned = rightAligned
        widths = headers.map(displayWidth)
    }

    var rowCount: Int { cells.count / headers.count }

    /// Cells come from other systems' data: control characters are shown escaped, never sent to the terminal.
    mutating func add(_ row: [String]) {
        for (k, cell) in row.enumerated() {
            var shown = cell, width = 0
            // Plain printable ASCII (nearly every cell): its width is its length, one look at its bytes.
            if let plain = plainASCIIWidth(cell) {
                width = plain
            } else {
                shown = printable(cell)
                width = displayWidth(shown)
            }
            widths[k] = max(widths[k], width)
            cells.append(shown)
            cellWidths.append(Int32(width))
        }
    }

    /// Room for `rows` rows, so a half-million-row table is not copied as it grows.
    mutating func reserve(rows: Int) {
        cells.reserveCapacity(rows * headers.count)
        cellWidths.reserveCapacity(rows * headers.count)
    }

    /// Tables built in parts (on several cores), one after the other.
    init(joining parts: [TextTable]) {
        self.init(parts[0].headers, rightAligned: parts[0].rightAligned)
        reserve(rows: parts.reduce(0) { $0 + $1.rowCount })
        for part in parts {
            cells += part.cells
            cellWidths += part.cellWidths
            widths = zip(widths, part.widths).map { max($0, $1) }
        }
    }

    /// Prints the table; given a `width` (a terminal's), the widest columns are cut with `…` until a line fits.
    func printed(width: Int? = nil) {
        let shownWidths = width.map { Self.fitted(widths, into: $0) } ?? widths
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        func emit(_ row: ArraySlice<String>, _ rowWidths: ArraySlice<Int32>) {
            let lineStart = out.count
            for (k, cell) in row.enumerated() {
                let last = k == row.count - 1
                var cell = cell, cellWidth = Int(rowWidths[rowWidths.startIndex + k])
                if cellWidth > shownWidths[k] {
                    cell = truncated(cell, toWidth: shownWidths[k])
                    cellWidth = displayWidth(cell)
                }
                let gap = shownWidths[k] - cellWidth
                let right = rightAligned.contains(k)
                if right { out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: gap)) }
                out.append(contentsOf: cell.utf8)
                if !last {
                    if !right { out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: gap)) }
                    out.append(contentsOf: [0x20, 0x20])
                }
            }
            while out.count > lineStart, out.last == 0x20 { out.removeLast() }
            out.append(0x0A)
            if out.count > 1 << 16 {
                out.withUnsafeBufferPointer { Output.bytes($0) }
                out.removeAll(keepingCapacity: true)
            }
        }
        emit(headers[...], headers.map { Int32(displayWidth($0)) }[...])
        for start in stride(from: 0, to: cells.count, by: headers.count) {
            emit(cells[start..<(start + headers.count)], cellWidths[start..<(start + headers.count)])
        }
        out.withUnsafeBufferPointer { Output.bytes($0) }
    }

    /// Column widths that fit `width` cells with two spaces between columns: the widest column is cut first, down
    /// to the next widest, then both, and so on, as gh does; none below `minimum` cells (so it may still not fit).
    static func fitted(_ widths: [Int], into width: Int, minimum: Int = 4) -> [Int] {
        var fitted = widths
        var excess = widths.reduce(0, +) + 2 * max(0, widths.count - 1) - width
        while excess > 0 {
            let widest = fitted.max() ?? 0
            guard widest > minimum else { break }
            let atWidest = fitted.indices.filter { fitted[$0] == widest }
            let next = max(minimum, fitted.filter { $0 < widest }.max() ?? minimum)
            // Down to the next width if that is not yet enough; else just as far as needed, shared out.
            let step = min(widest - next, (excess + atWidest.count - 1) / atWidest.count)
            for k in atWidest { fitted[k] -= step }
            excess -= step * atWidest.count
        }
        return fitted
    }
}

/// The terminal's width when standard output is one (TIOCGWINSZ, else `COLUMNS`); nil for a pipe or a file,
/// which get every line whole.
func terminalWidth() -> Int? {
    guard isatty(1) == 1 else { return nil }
    var size = winsize()
    if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    return ProcessInfo.processInfo.environment["COLUMNS"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }
}
