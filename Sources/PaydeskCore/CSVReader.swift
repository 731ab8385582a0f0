/// RFC 4180 CSV: commas, double-quoted fields with `""` for a quote and line breaks inside quotes,
/// CRLF or LF line ends. (The importer drops a byte order mark first.)
public enum CSVReader {
    public struct Row: Equatable, Sendable {
        /// The line the row starts on, 1-based.
        public let line: Int
        public let fields: [String]
    }

    public struct Failure: Error, Equatable, Sendable {
        public let line: Int
        public let message: String
    }

    public static func rows(_ bytes: [UInt8]) throws -> [Row] {
        let input = bytes[...]
        var rows: [Row] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1, rowLine = 1
        var inQuotes = false, wasQuoted = false
        var i = input.startIndex

        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        func endRow() {
            endField()
            // A blank line is not a row.
            if !(fields.count == 1 && fields[0].isEmpty) { rows.append(Row(line: rowLine, fields: fields)) }
            fields.removeAll()
        }

        while i < input.endIndex {
            let c = input[i]
            i += 1
            if inQuotes {
                if c == UInt8(ascii: "\"") {
                    if i < input.endIndex, input[i] == UInt8(ascii: "\"") { field.append(c); i += 1 } else { inQuotes = false }
                } else {
                    if c == 0x0A { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case UInt8(ascii: ","):
                endField()
            case UInt8(ascii: "\""):
                guard field.isEmpty, !wasQuoted else {
                    throw Failure(line: line, message: "a quote inside an unquoted field; quote the whole field and double the quote (\"\")")
                }
                inQuotes = true
                wasQuoted = true
            case 0x0D where i < input.endIndex && input[i] == 0x0A:
                break   // the LF that follows ends the row
            case 0x0A:
                endRow()
                line += 1
                rowLine = line
            default:
                if wasQuoted {
                    throw Failure(line: line, message: "text after a closing quote; a quoted field must end at the quote")
                }
                field.append(c)
            }
        }
        if inQuotes { throw Failure(line: rowLine, message: "a quoted field is not closed before the end of the file") }
        if !field.isEmpty || !fields.isEmpty || wasQuoted { endRow() }
        return rows
    }
}
