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

    static func bytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { flush() }
    }

    /// Why standard output could not be written (a full disk, a closed pipe, a file size limit), or nil. Once set,
    /// the output is incomplete: the command must not exit 0.
    nonisolated(unsafe) private(set) static var failure: String?

    static func flush() {
        if failure == nil, let code = writeAll(1, buffer) { failure = systemMessage(code) }
        buffer.removeAll(keepingCapacity: true)
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
    private(set) var rows: [[String]] = []

    init(_ headers: [String], rightAligned: Set<Int> = []) {
        self.headers = headers
        self.rightAligned = rightAligned
    }

    /// Cells come from other systems' data: control characters are shown escaped, never sent to the terminal.
    mutating func add(_ row: [String]) { rows.append(row.map(printable)) }

    func printed() {
        var widths = headers.map(displayWidth)
        for row in rows {
            for (k, cell) in row.enumerated() { widths[k] = max(widths[k], displayWidth(cell)) }
        }
        for row in [headers] + rows {
            var line = ""
            for (k, cell) in row.enumerated() {
                let last = k == row.count - 1
                line += last && !rightAligned.contains(k) ? cell : padded(cell, toWidth: widths[k], alignRight: rightAligned.contains(k))
                if !last { line += "  " }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            Output.line(line)
        }
    }
}
