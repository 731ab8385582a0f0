import Foundation
import Testing
@testable import PaydeskCore
@testable import paydesk

/// `list` builds its table from each line's bytes (LineSpans, TableCellWriter) rather than from Strings, for
/// speed. What it prints must be what the String path (LineTexts, `row`, a String per cell) printed, byte for
/// byte, whatever the data holds: escapes, text beyond ASCII, raw controls and bidi overrides, wide characters,
/// nulls and values that are not strings, names given twice, and rows cut to a terminal's width.
extension PaydeskTests {
@Suite struct TableBytesTests {
    static let now = Timestamp.parseRFC3339("2026-11-21T10:00:00Z")!

    /// Payout lines as no loader checked them: anything MemberSpans may meet.
    static let payoutLines: [String] = [
        payoutLine(1),
        payoutLine(2, extra: #","src":"crm","channel":"app""#),
        #"{"trace_id":3,"order_id":"Café Müller","customer_id":"山田太郎","payment_method":"🙂 wallet","amount":990,"currency":"JPY"}"#,
        "{\"trace_id\":4,\"order_id\":\"O\u{85}C1\",\"customer_id\":\"\u{202E}evil\u{202C}\",\"note\u{2066}\":\"x\u{7F}y\"}",
        "{\"trace_id\":5,\"order_id\":\"tab\there\",\"customer_id\":\"line\u{2028}sep\"}",
        #"{"trace_id":6,"order_id":null,"customer_id":12345,"payment_method":true,"amount":null,"extra":null}"#,
        #"{"trace_id":7,"order_id":{"a": [1, 2]},"customer_id":[],"meta":{"k": "v", "n": null}}"#,
        #"{"trace_id":8,"order_id":"a\nb","customer_id":"\u001b[31mRED","payment_method":"\u202Eflip"}"#,
        #"{"trace_id":9,"order\u005fid":"by an escaped name","n\u00e4me":"x","note":"say \"hi\" \\ bye"}"#,
        #"{"trace_id":10,"order_id":"first","order_id":"second","customer_id":"kept","customer_id":null}"#,
        #"{"trace_id":11,"amount":"+42","currency":"EUR","x":"\u00e9t\u00e9"}"#,
        #"{"trace_id":12,"amount":-5,"currency":"KWD","payment_method":"0123456789abcdefghijklmnopqrstuvwxyz0123456789"}"#,
        #"{"trace_id":13,"amount":9223372036854775807,"currency":"","order_id":""}"#,
        #"{"trace_id":14,"amount":9223372036854775808,"currency":"EUR"}"#,
        #"{"trace_id":15,"amount":1e3,"currency":"EUR","customer_id":"exactly8","order_id":"sixteen-bytes-16"}"#,
        "{\"trace_id\":16,\"amount\":1234,\"currency\":\"\u{212A}WD\",\"customer_id\":\"Kelvin sign\"}",
        "{\"trace_id\":17,\"amount\":1234,\"currency\":\"€\",\"order_id\":\"\u{301}combining first\"}",
        #"{"trace_id":18,"amount":-1,"currency":"eur","status":"pending","requested_at":"2026-11-21T09:00:00Z"}"#,
        "{\"trace_id\":19,\"order_id\":\"bad \u{FFFD} utf8\",\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7,\"h\":8,\"i\":9,\"j\":10}",
        #"{ "trace_id" : 20 , "order_id" : "spaced" , "customer_id":"wide全角","payment_method":"ｆｕｌｌ" }"#,
        #"{"trace_id":21,"customer_id":"unterminated"#,
        #"{}"#,
        #"{"trace_id":22,"amount":0,"currency":"CLF","order_id":"   leading and trailing   "}"#,
        #"{"trace_id":23,"payment_method":"ends in spaces   ","zz":"   "}"#,
        // Cells as long as a length byte holds, and longer (raw controls grow fivefold when escaped).
        #"{"trace_id":24,"order_id":"\#(String(repeating: "a", count: 254))","customer_id":"\#(String(repeating: "b", count: 255))"}"#,
        #"{"trace_id":25,"order_id":"\#(String(repeating: "c", count: 256))","x":"\#(String(repeating: "d", count: 300))"}"#,
        #"{"trace_id":26,"customer_id":"\#(String(repeating: "é", count: 200))","payment_method":"\#(String(repeating: "\u{7}", count: 90))"}"#,
    ]

    static let sessionLines: [String] = [
        sessionLine("s-1", createdSecondsAgo: 30, now: now),
        sessionLine("s-2", createdSecondsAgo: 900, now: now, extra: #","note":"\u001b]0;title\u0007""#),
        #"{"session_id":"s-3","order_id":"Ünïcödé","customer_id":"\u202Eabc","amount":12345,"currency":"BHD","description":"x"}"#,
        "{\"session_id\":\"s-4\",\"order_id\":null,\"customer_id\":\"客户\",\"amount\":5,\"k\":{\"v\":\"\u{85}\"}}",
    ]

    /// Rows of `lines` by both paths: the table built from bytes in `parts` parts (each with its own LineSpans,
    /// as `list` builds them), the String path's rows, and how many lines the bytes path left to LineTexts.
    static func bothPaths<Kind: ListedKind>(_ kind: Kind.Type, _ lines: [String], record: (Int) -> StoredRecord<Kind.Key>,
                                            state: (Int) -> String, parts: Int)
        -> (table: TextTable, rows: [[String]], decoded: Int) {
        let known = FieldNames(Kind.fields.map(\.name))
        var rows: [[String]] = []
        var cells: [TableCells] = []
        var decoded = 0
        for part in 0..<parts {
            // A small start, so the writer grows while it writes.
            var writer = TableCellWriter(columns: Kind.headers.count, capacity: 16)
            var spans = LineSpans(known)
            for k in (lines.count * part / parts)..<(lines.count * (part + 1) / parts) {
                Array(lines[k].utf8).withUnsafeBufferPointer { line in
                    let row = Kind.row(LineTexts(line, knownNames: known), record(k), effectiveState: state(k), now: now)
                    rows.append(row)
                    if spans.read(line) {
                        Kind.writeRow(spans, record(k), effectiveState: state(k), now: now, to: &writer)
                    } else {
                        writer.add(row)
                        decoded += 1
                    }
                }
            }
            cells.append(writer.finished())
        }
        return (TextTable(Kind.headers, rightAligned: Kind.rightAligned, parts: cells), rows, decoded)
    }

    static let widths: [Int?] = [nil, 300, 120, 80, 50, 20, 5]

    @Test func payoutRowsFromBytesPrintAsFromStrings() {
        let times = ["2026-11-21T09:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"].map { Timestamp.parseRFC3339($0)! }
            + [Timestamp(milliseconds: -70_000_000_000_000), Timestamp(milliseconds: 300_000_000_000_000)]   // years -248 and 11476
        let states = PayoutKind.states
        for parts in [1, 3] {
            let (table, rows, decoded) = Self.bothPaths(PayoutKind.self, Self.payoutLines, record: { k in
                StoredRecord(key: Int64(k) * 7919 + (k == 5 ? Int64.max - 100_000 : 1), time: times[k % times.count],
                             offset: 0, length: 0, state: 0)
            }, state: { states[$0 % states.count] }, parts: parts)
            #expect(decoded == Self.payoutLines.filter { $0.contains("\\") }.count, "only lines with escapes go to LineTexts")
            for width in Self.widths {
                let expected = Self.stringTable(PayoutKind.headers, rightAligned: PayoutKind.rightAligned, rows: rows, width: width)
                #expect(table.text(width: width) == expected, "width \(width.map(String.init) ?? "none"), \(parts) parts")
            }
        }
    }

    @Test func sessionRowsFromBytesPrintAsFromStrings() {
        let (table, rows, decoded) = Self.bothPaths(SessionKind.self, Self.sessionLines, record: { k in
            StoredRecord(key: SessionID("s-\(k)\u{2067}"), time: Timestamp(milliseconds: Self.now.milliseconds - Int64(k) * 200_000),
                         offset: 0, length: 0, state: 0)
        }, state: { $0 % 2 == 0 ? "open" : "expired" }, parts: 2)
        #expect(decoded == Self.sessionLines.filter { $0.contains("\\") }.count)
        for width in Self.widths {
            #expect(table.text(width: width) == Self.stringTable(SessionKind.headers, rightAligned: SessionKind.rightAligned, rows: rows, width: width))
        }
    }

    /// Cells added as Strings (`history`) next to parts built from bytes: one set of widths for all of them.
    @Test func addedRowsAndPartsShareTheColumns() {
        let (parts, rows, _) = Self.bothPaths(PayoutKind.self, Array(Self.payoutLines.prefix(4)), record: { k in
            StoredRecord(key: Int64(k + 1), time: Self.now, offset: 0, length: 0, state: 0)
        }, state: { _ in "pending" }, parts: 2)
        var table = parts
        let added = ["1", "an order far wider than any other in the table", "c", "", "m", "t", "s", "\u{1B}"]
        table.add(added)
        let expected = Self.stringTable(PayoutKind.headers, rightAligned: PayoutKind.rightAligned, rows: rows + [added], width: nil)
        #expect(table.text() == expected)
        #expect(table.text().split(separator: "\n").map { $0.contains("an order far wider") }.last == true)
    }

    /// One huge cell in the last column (a 4 MB field among a thousand rows) widens that column for every row. A
    /// left-aligned last column is not padded, so the lines stay short, and what is reserved for them grows with
    /// what is printed, not with the rows times that width (2,000 rows of a 21 MB field once asked for 42 GB).
    @Test func aHugeLastCellWidensNoOtherLine() {
        let huge = String(repeating: "x", count: 4 << 20)
        var parts: [TableCells] = []
        var expected = "ID     OTHER\n".utf8.count
        for part in 0..<2 {
            var writer = TableCellWriter(columns: 2, capacity: 64)
            for row in 0..<1_000 {
                let id = String(10_000 + part * 1_000 + row), other = part == 0 && row == 7 ? huge : "src=crm"
                writer.add([id, other])
                expected += id.utf8.count + 2 + other.utf8.count + 1
            }
            parts.append(writer.finished())
        }
        var printed = 0
        TextTable(["ID", "OTHER"], parts: parts).printed { printed += $0.count }
        #expect(printed == expected)
        for part in parts {
            #expect(part.printedBytes(widths: [5, 4 << 20], rightAligned: [false, false]) < 2 * expected,
                    "the room reserved for a part's lines grows with them, not with the widest cell")
        }
    }

    /// LineSpans keeps the name each place of the last line had: lines of ever-changing layouts (names that extend
    /// the last one's, names too long to keep, more places than it keeps, a name given twice, nulls, nested values)
    /// read as LineTexts reads them, one LineSpans reused from line to line.
    @Test func spansFollowChangingLayoutsAsTextsDo() {
        var random = SeededRandom(11)
        let known = ["order_id", "order_i", "currency", "a", "payment_method_of_the_customer", String(repeating: "k", count: 62)]
        let unknown = ["order_idx", "src", "x", String(repeating: "k", count: 63), String(repeating: "u", count: 70), "z"]
        let values = [#""v""#, #""""#, "12", "-0", "null", "true", #"{"a": [1, "b"]}"#, "[]", #""Zoë 日本""#, " 5 ", #""a,b}c""#]
        var spans = LineSpans(FieldNames(known))
        for round in 0..<3_000 {
            let count = round % 50 == 0 ? 40 : 1 + random.next(8)
            let members = (0..<count).map { _ in
                let name = random.next(2) == 0 ? known[random.next(known.count)] : unknown[random.next(unknown.count)]
                return "\"\(name)\":\(values[random.next(values.count)])"
            }
            let line = Array("{\(members.joined(separator: random.next(4) == 0 ? ", " : ","))}".utf8)
            line.withUnsafeBufferPointer { line in
                let texts = LineTexts(line, knownNames: FieldNames(known))
                let read = spans.read(line)
                #expect(read, "no escapes: read")
                for (k, name) in known.enumerated() {
                    let span = spans[k].map { String(decoding: $0, as: UTF8.self) }
                    #expect((span ?? "") == texts.text(name), "\(name) in \(String(decoding: line, as: UTF8.self))")
                }
                #expect(String(decoding: spans.others, as: UTF8.self) == texts.others.map { "\($0.0)=\($0.1)" }.joined(separator: " "),
                        "others in \(String(decoding: line, as: UTF8.self))")
            }
        }
    }

    @Test func amountsFromBytesReadAsFromText() {
        let amounts = ["0", "5", "-5", "1250", "-1250", "123456789", "9223372036854775807", "-9223372036854775808",
                       "9223372036854775808", #""42""#, #""+42""#, #""-0""#, "1e3", "12.5", "null", "true", #""""#, #"" 1""#]
        let currencies = [#""EUR""#, #""JPY""#, #""KWD""#, #""CLF""#, #""eur""#, #""EU""#, #""EURO""#, #""""#, "null", "978",
                          "\"\u{212A}WD\"", #""€""#, "\"E\u{0}R\"", #""XOF""#, #""Z@Z""#]
        var spans = LineSpans(FieldNames(["amount", "currency"]))
        for amount in amounts {
            for currency in currencies {
                let line = Array(#"{"amount":\#(amount),"currency":\#(currency)}"#.utf8)
                line.withUnsafeBufferPointer { line in
                    let expected = LineTexts(line, knownNames: FieldNames(["amount", "currency"])).amountText
                    let read = spans.read(line)
                    #expect(read)
                    // Printed both ways: the cell written from bytes, and the String cell. A column after it, so a
                    // blank at the cell's end shows (as the width of its column).
                    var writer = TableCellWriter(columns: 2, capacity: 16)
                    writer.write(amount: spans[0], currency: spans[1])
                    writer.endCell()
                    writer.write("|")
                    writer.endCell()
                    var fromText = TextTable(["A", "B"])
                    fromText.add([expected, "|"])
                    #expect(TextTable(["A", "B"], parts: [writer.finished()]).text() == fromText.text(), "amount \(amount), currency \(currency)")
                }
            }
        }
    }

    @Test func numbersReadFromBytesAsInt64ReadsText() {
        for text in ["", "+", "-", "0", "-0", "+7", "007", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
                     "-9223372036854775809", "99999999999999999999", "1e3", "12.5", " 1", "1 ", "١٢", "0x10", "--1", "+-1", "1-"] {
            let fromBytes = Array(text.utf8).withUnsafeBufferPointer { Int64(decimalText: $0) }
            #expect(fromBytes == Int64(text), "\"\(text)\"")
        }
    }

    /// `writeNumber` (which `Money.format` uses too) against the sum done with Strings: whole units, a point, the
    /// fraction padded to the exponent's digits, a sign before it all.
    @Test func numbersWrittenInMajorUnits() {
        for value: Int64 in [Int64.min, Int64.min + 1, -100_001, -1000, -5, -1, 0, 1, 5, 9, 10, 99, 100, 12_345, 999_999_999, Int64.max] {
            for exponent in 0...4 {
                var divisor: UInt64 = 1
                for _ in 0..<exponent { divisor *= 10 }
                let fraction = String(value.magnitude % divisor)
                let expected = exponent == 0 ? String(value)
                    : (value < 0 ? "-" : "") + String(value.magnitude / divisor) + "." + String(repeating: "0", count: exponent - fraction.count) + fraction
                let written = String(unsafeUninitializedCapacity: Money.maxNumberBytes) {
                    Money.writeNumber(value, exponent: exponent, to: $0.baseAddress!)
                }
                #expect(written == expected, "\(value) with exponent \(exponent)")
            }
        }
    }

    @Test func timesWrittenAsBytesReadAsDisplay() {
        for ms: Int64 in [0, 1, -1, 86_399_999, 951_782_400_000, 1_763_717_400_250, 253_402_300_799_999, 253_402_300_800_000,
                          -62_135_596_800_000, -62_135_596_800_001, -70_000_000_000_000, 300_000_000_000_000] {
            var written: [UInt8] = []
            Timestamp(milliseconds: ms).writeDisplay { written += $0 }
            #expect(String(decoding: written, as: UTF8.self) == Timestamp(milliseconds: ms).display, "\(ms) ms")
        }
    }

    /// The table's writer makes a date once a day: a time on the same day, the next day, a day back, or out of
    /// range reads as `display` all the same.
    @Test func timesWrittenInTurnReadAsDisplay() {
        var writer = Timestamp.DisplayWriter()
        var random = SeededRandom(4)
        var ms: Int64 = 1_763_717_400_250
        for step in 0..<3_000 {
            switch random.next(10) {
            case 0: ms -= Int64(random.next(3 * 86_400_000))
            case 1: ms = [Int64(-1), 0, 253_402_300_800_000, -62_135_596_800_001, -62_167_219_200_001, -70_000_000_000_000,
                          86_399_999][random.next(7)]
            default: ms += Int64(random.next(40_000_000))
            }
            var written: [UInt8] = []
            writer.write(Timestamp(milliseconds: ms)) { written += $0 }
            #expect(String(decoding: written, as: UTF8.self) == Timestamp(milliseconds: ms).display, "\(ms) ms, step \(step)")
        }
    }

    /// MemberSpans steps over strings sixteen bytes at a time: a quote or backslash at any place in a step, in a
    /// name or a value, is found exactly.
    @Test func stringsEndWhereTheirClosingQuoteIs() throws {
        for pattern in [#"\""#, #"\\"#, #"\\\""#, #"\n"#, #"\u00e9"#, #"\/"#, "\u{E9}", "\u{7F}"] {
            for at in 0..<20 {
                let text = String(repeating: "a", count: at) + pattern + String(repeating: "b", count: 19 - at)
                let line = #"{"n\#(text)":"\#(text)","after":"\#(text)\#(text)","last":1}"#
                let parsed = try JSONValue.parse(line)
                guard case .object(let members) = parsed else { Issue.record("not an object: \(line)"); continue }
                let texts = Array(line.utf8).withUnsafeBufferPointer { LineTexts($0, knownNames: FieldNames([])) }
                #expect(texts.others.map(\.0) == members.map(\.0), "\(line)")
                #expect(texts.others.map(\.1) == members.map { $0.1.displayText }, "\(line)")
                let plain = Array(line.utf8).withUnsafeBufferPointer { line in
                    var spans = LineSpans(FieldNames(["last"]))
                    return spans.read(line) ? String(decoding: spans.others, as: UTF8.self) : nil
                }
                let expectedPlain = pattern.contains("\\") ? nil : members.dropLast().map { "\($0.0)=\($0.1.displayText)" }.joined(separator: " ")
                #expect(plain == expectedPlain, "\(line)")
            }
        }
        // A string the line ends inside, just before its closing quote: what follows the line in memory (that quote)
        // is not read, at any length (so at any place in a sixteen-byte step).
        for length in 1...40 {
            let memory = Array(#"{"a":"1","b":"\#(String(repeating: "7", count: length))"}"#.utf8)
            memory.withUnsafeBufferPointer { memory in
                let line = UnsafeBufferPointer(rebasing: memory[..<(memory.count - 2)])
                let cut = LineTexts(line, knownNames: FieldNames(["a", "b"]))
                #expect(cut.text("a") == "1")
                #expect(cut.text("b") == "", "a value cut short is not read, nor the quote after the line (\(length))")
                var spans = LineSpans(FieldNames(["a", "b"]))
                _ = spans.read(line)
                #expect(spans[1] == nil, "LineSpans does not read the quote after the line either (\(length))")
            }
        }
    }

    /// The real binary on a store big enough to be built in parts on every core, with awkward rows among them.
    @Test func theListCommandPrintsWhatTheStringPathPrints() async throws {
        let home = TemporaryDirectory("paydesk-home")
        let customers = [#""山田太郎""#, #""Café \u202Eevil""#, "\"raw \u{85} C1\"", #""a\tb""#, #""wide 🙂 and \u00e9""#]
        let extras = [#","note":"\u001b[2J""#, #","meta":{"k": [1, null]}"#, ",\"x\":\"\u{2066}isolate\"", #","zz":null"#, ""]
        var lines: [String] = []
        for k in 1...21_000 {
            let minute = String(format: "%02d", k / 60 % 60), second = String(format: "%02d", k % 60)
            var line = payoutLine(Int64(k), at: "2026-11-21T0\(k / 3600):\(minute):\(second)Z")
            if k % 997 == 0 {
                let n = k / 997 % customers.count
                line = String(line.replacingOccurrences(of: #""C-1""#, with: customers[n]).dropLast()) + extras[n] + "}"
            }
            lines.append(line)
        }
        let path = home.write("data/TEST/payouts.jsonl", lines.joined(separator: "\n") + "\n")
        let listed = try await runPaydesk(["list", "payouts", "--home", home.path])
        #expect(listed.status == 0)
        #expect(listed.stderr.contains("21000 pending payouts"))

        let store = try StoreSnapshot<PayoutKind>.load(path: path)
        let known = FieldNames(PayoutKind.fields.map(\.name))
        let rows = store.records.map { record in
            PayoutKind.row(LineTexts(store.lineBytes(of: record), knownNames: known), record, effectiveState: "pending", now: Self.now)
        }
        let expected = Self.stringTable(PayoutKind.headers, rightAligned: PayoutKind.rightAligned, rows: rows, width: nil)
        #expect(listed.stdout == expected)
        #expect(expected.contains(#"\u{202E}evil"#) && expected.contains("山田太郎"), "the awkward rows are in it")
    }

    /// Output over 64 KiB is written as it is, not through Output's buffer. The table's rows come out whole and
    /// in order; the sessions' `--json` lines show what was buffered before a large piece still comes first (the
    /// table has nothing buffered then: its header goes out in the same piece).
    @Test func longLinesComeOutWholeAndInOrder() async throws {
        let home = TemporaryDirectory("paydesk-home")
        let long = String(repeating: "0123456789", count: 150_000)   // 1.5 MB
        home.write("data/TEST/payouts.jsonl", [payoutLine(1), payoutLine(2, extra: #","blob":"\#(long)""#), payoutLine(3)]
            .joined(separator: "\n") + "\n")
        let table = try await runPaydesk(["list", "payouts", "--home", home.path])
        let rows = table.stdout.split(separator: "\n").map(String.init)
        #expect(rows.count == 4)
        #expect(rows.map { $0.split(separator: " ").first.map(String.init) ?? "" } == ["TRACE", "1", "2", "3"])
        #expect(rows[2].hasSuffix("blob=" + long))

        let now = Timestamp.now
        home.write("data/TEST/sessions.jsonl", [sessionLine("a", createdSecondsAgo: 10, now: now),
                                                sessionLine("b", createdSecondsAgo: 9, now: now, extra: #","blob":"\#(long)""#),
                                                sessionLine("c", createdSecondsAgo: 8, now: now)].joined(separator: "\n") + "\n")
        let json = try await runPaydesk(["list", "sessions", "--json", "--home", home.path])
        let lines = try json.stdout.split(separator: "\n").map { try JSONValue.parse(String($0)) }
        #expect(lines.map { $0["session_id"] } == [.string("a"), .string("b"), .string("c")])
        #expect(lines[1]["blob"] == .string(long) && lines[1]["effective_state"] == .string("open"))
    }

    /// The table as paydesk 0.12 printed it, a String per cell: the oracle.
    static func stringTable(_ headers: [String], rightAligned: Set<Int>, rows: [[String]], width: Int?) -> String {
        var widths = headers.map(displayWidth)
        let shown = rows.map { row in
            row.enumerated().map { k, cell in
                let text = plainASCIIWidth(cell) != nil ? cell : printable(cell)
                let cellWidth = plainASCIIWidth(cell) ?? displayWidth(text)
                widths[k] = max(widths[k], cellWidth)
                return (text, cellWidth)
            }
        }
        let shownWidths = width.map { TextTable.fitted(widths, into: $0) } ?? widths
        var out: [UInt8] = []
        for row in [headers.map { ($0, displayWidth($0)) }] + shown {
            let lineStart = out.count
            for (k, (text, cellWidth)) in row.enumerated() {
                var cell = text, cellWidth = cellWidth
                if cellWidth > shownWidths[k] {
                    cell = truncated(cell, toWidth: shownWidths[k])
                    cellWidth = displayWidth(cell)
                }
                let gap = repeatElement(UInt8(ascii: " "), count: shownWidths[k] - cellWidth)
                if rightAligned.contains(k) { out += gap }
                out += Array(cell.utf8)
                if k < row.count - 1 {
                    if !rightAligned.contains(k) { out += gap }
                    out += [0x20, 0x20]
                }
            }
            while out.count > lineStart, out.last == 0x20 { out.removeLast() }
            out.append(0x0A)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
}
