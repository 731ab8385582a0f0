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
        var text = text
        text.withUTF8 { line($0) }
    }

    static func line(_ bytes: UnsafeBufferPointer<UInt8>) {
        buffer.append(contentsOf: bytes)
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { flush() }
    }

    static func bytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        // A large piece (a table's lines) is written as it is, not copied into the buffer first.
        if bytes.count >= 1 << 16 {
            flush()
            if failure == nil, let code = PaydeskCore.writeAll(1, UnsafeRawBufferPointer(bytes)) { failed(code) }
            return
        }
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { flush() }
    }

    /// Why standard output could not be written (a full disk, a closed pipe, a file size limit), or nil. Once set,
    /// the output is incomplete: the command must not exit 0.
    nonisolated(unsafe) private(set) static var failure: String?

    static func flush() {
        if failure == nil, let code = buffer.withUnsafeBytes({ PaydeskCore.writeAll(1, $0) }) { failed(code) }
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
        _ = Array(lines.joined(separator: "\n").utf8).withUnsafeBytes { PaydeskCore.writeAll(2, $0) }
    }

    private static func systemMessage(_ code: Int32) -> String { String(cString: strerror(code)) }
}

/// Columns padded to their widest cell, measured in terminal cells.
struct TextTable {
    let headers: [String]
    let rightAligned: [Bool]
    /// Rows built elsewhere (on several cores), printed one part after the other, never joined by copying.
    private var parts: [TableCells]
    /// Cells added a row at a time, row after row (`history`'s few hundred).
    private var added: [String] = []

    init(_ headers: [String], rightAligned: Set<Int> = [], parts: [TableCells] = []) {
        self.headers = headers
        self.rightAligned = headers.indices.map(rightAligned.contains)
        self.parts = parts
    }

    /// Cells come from other systems' data: control characters are shown escaped, never sent to the terminal.
    mutating func add(_ row: [String]) {
        added += row
    }

    /// Prints the table; given a `width` (a terminal's), the widest columns are cut with `…` until a line fits.
    func printed(width: Int? = nil, to write: (UnsafeBufferPointer<UInt8>) -> Void = { Output.bytes($0) }) {
        let rows = parts + (added.isEmpty ? [] : [TableCells(columns: headers.count, cells: added)])
        let widths = rows.reduce(headers.map(displayWidth)) { widths, part in zip(widths, part.widths).map { max($0, $1) } }
        let shownWidths = width.map { Self.fitted(widths, into: $0) } ?? widths
        var out = LineOutput()
        TableCells(columns: headers.count, cells: headers).lines(widths: shownWidths, rightAligned: rightAligned, into: &out)
        // A table of hundreds of megabytes (a wide column, a huge store) streams out from one core, a mebibyte at
        // a time, rather than be held whole.
        let bytes = rows.reduce(0) { $0 + $1.printedBytes(widths: shownWidths, rightAligned: rightAligned) }
        guard rows.count > 1, bytes <= 256 << 20 else {
            for part in rows { part.lines(widths: shownWidths, rightAligned: rightAligned, into: &out, flushOver: 1 << 20, flush: write) }
            out.flush(write)
            return
        }
        out.flush(write)
        // Else the parts' lines are made a few parts at a time, one on each core into a buffer of its own (kept
        // from part to part, room reserved once), and handed on in order.
        let lanes = (0..<min(usableCores, rows.count)).map { _ in LineBuffer() }
        for first in stride(from: 0, to: rows.count, by: max(lanes.count, 1)) {
            let count = min(lanes.count, rows.count - first)
            DispatchQueue.concurrentPerform(iterations: count) { k in
                rows[first + k].lines(widths: shownWidths, rightAligned: rightAligned, into: &lanes[k].out)
            }
            for lane in lanes.prefix(count) { lane.out.flush(write) }
        }
    }

    /// One core's lines, kept across parts.
    private final class LineBuffer: @unchecked Sendable {
        var out = LineOutput()
    }

    /// The printed table's text (for tests).
    func text(width: Int? = nil) -> String {
        var all: [UInt8] = []
        printed(width: width) { all.append(contentsOf: $0) }
        return String(decoding: all, as: UTF8.self)
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
