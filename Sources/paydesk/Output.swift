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

    static func flush() {
        buffer.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = write(1, raw.baseAddress! + done, raw.count - done)
                if n < 0 { if errno == EINTR { continue }; break }
                done += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// A message for people: never buffered, never on stdout.
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
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
