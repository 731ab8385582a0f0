import Foundation

/// Reads records from a JSON Lines or CSV file and appends them to a store all together, or, if any
/// record is bad, not at all, listing every bad one with its line number.
public enum Importer {
    public enum Format: String, Sendable, CaseIterable {
        case jsonl, csv

        /// `.csv` means CSV; anything else JSON Lines.
        public static func guess(path: String) -> Format {
            path.lowercased().hasSuffix(".csv") ? .csv : .jsonl
        }
    }

    public struct Prepared: Sendable {
        /// Store lines ready to append, in file order.
        public let lines: [[UInt8]]
        /// Every bad record; when not empty, nothing may be appended.
        public let problems: [LineProblem]
    }

    /// Validates every record of `file` (`-`: standard input) with the same rules the store reads by.
    public static func prepare<Kind: RecordKind>(_ kind: Kind.Type, file: String, format: Format) throws -> Prepared {
        // Read as a stream, so a pipe or a FIFO (`<(...)`) reads as well as a file.
        let handle = file == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: file)
        guard let handle else {
            throw PaydeskError.failed("cannot read \(file): \(FileManager.default.fileExists(atPath: file) ? "permission denied" : "no such file")")
        }
        let data: Data
        do {
            data = try handle.readToEnd() ?? Data()
        } catch {
            throw PaydeskError.failed("cannot read \(file == "-" ? "standard input" : file): \(error.localizedDescription)")
        }
        let bytes = [UInt8](data).droppingByteOrderMark()
        switch format {
        case .jsonl: return prepareJSONLines(kind, bytes, file: file)
        case .csv: return try prepareCSV(kind, bytes, file: file)
        }
    }

    private static func prepareJSONLines<Kind: RecordKind>(_ kind: Kind.Type, _ bytes: [UInt8], file: String) -> Prepared {
        var lines: [[UInt8]] = []
        var problems: [LineProblem] = []
        var number = 0
        for raw in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            number += 1
            let line = Array(trimmed(raw))
            if line.isEmpty { continue }
            switch Kind.summarize(line: line) {
            case .success: lines.append(line)
            case .failure(let e): problems.append(LineProblem(path: file, line: number, column: e.column, message: e.message))
            }
        }
        return Prepared(lines: lines, problems: problems)
    }

    private static func prepareCSV<Kind: RecordKind>(_ kind: Kind.Type, _ bytes: [UInt8], file: String) throws -> Prepared {
        let rows: [CSVReader.Row]
        do {
            rows = try CSVReader.rows(bytes)
        } catch let failure as CSVReader.Failure {
            return Prepared(lines: [], problems: [LineProblem(path: file, line: failure.line, column: nil, message: "not valid CSV: \(failure.message)")])
        }
        guard let header = rows.first else { return Prepared(lines: [], problems: []) }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        if let problem = headerProblem(names, kind) {
            return Prepared(lines: [], problems: [LineProblem(path: file, line: header.line, column: nil, message: problem)])
        }
        let integerFields = Set(Kind.fields.filter { $0.type == .integer }.map(\.name))
        var lines: [[UInt8]] = []
        var problems: [LineProblem] = []
        for row in rows.dropFirst() {
            guard row.fields.count == names.count else {
                problems.append(LineProblem(path: file, line: row.line, column: nil,
                                            message: "has \(row.fields.count) fields but the header has \(names.count)"))
                continue
            }
            var members: [(String, JSONValue)] = []
            for (name, cell) in zip(names, row.fields) where !cell.isEmpty {
                // Numbers for the fields that are numbers, exactly as written (JSON's integer form: no +, no leading 0);
                // a cell that is not one stays text and fails validation by name.
                members.append((name, integerFields.contains(name) && isJSONInteger(cell) ? .number(cell) : .string(cell)))
            }
            let line = Array(JSONValue.object(members).jsonText.utf8)
            switch Kind.summarize(line: line) {
            case .success: lines.append(line)
            case .failure(let e): problems.append(LineProblem(path: file, line: row.line, column: nil, message: e.message))
            }
        }
        return Prepared(lines: lines, problems: problems)
    }

    private static func headerProblem<Kind: RecordKind>(_ names: [String], _ kind: Kind.Type) -> String? {
        if let empty = names.firstIndex(of: "") { return "the header's column \(empty + 1) has no name" }
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted { return "the header names \(name) twice" }
        let required = Kind.fields.filter(\.required).map(\.name)
        let missing = required.filter { !seen.contains($0) }
        if !missing.isEmpty {
            return "the header must name \(missing.joined(separator: " and ")) (the first row names the store's fields, such as \(Kind.fields.map(\.name).joined(separator: ",")))"
        }
        return nil
    }

    private static func isJSONInteger(_ text: String) -> Bool {
        let digits = text.hasPrefix("-") ? text.dropFirst() : text[...]
        guard let first = digits.first, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        return first != "0" || digits.count == 1
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var s = bytes
        while let f = s.first, f == 0x20 || f == 0x09 || f == 0x0D || f == 0x0A { s = s.dropFirst() }
        while let l = s.last, l == 0x20 || l == 0x09 || l == 0x0D || l == 0x0A { s = s.dropLast() }
        return s
    }
}
