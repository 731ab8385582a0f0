import Testing
@testable import PaydeskCore

extension PaydeskTests {
/// A scan checks most lines in one quick pass that expects the names of the lines before them. Whatever that pass
/// decides must be what checking the line member by member (`summarize(line:)`, which never takes it) decides.
@Suite struct LineLayoutTests {
    /// What a line is to a reader: accepted with its key, time and state, or refused with a column and words.
    private enum Verdict: Equatable, CustomStringConvertible {
        case accepted(key: String, time: Int64, state: UInt8)
        case refused(column: Int?, message: String)

        var description: String {
            switch self {
            case let .accepted(key, time, state): "accepted \(key) at \(time), state \(state)"
            case let .refused(column, message): "refused at \(column.map(String.init) ?? "-"): \(message)"
            }
        }
    }

    /// Each line alone, member by member.
    private func carefully<Kind: RecordKind>(_: Kind.Type, _ lines: [[UInt8]]) -> [Verdict] {
        lines.filter { !StoreLineScan<Kind>.isBlank($0, $0.count) }.map { line in
            switch Kind.summarize(line: line) {
            case .success(let s): .accepted(key: s.key.description, time: s.time.milliseconds, state: s.state)
            case .failure(let e): .refused(column: e.column, message: e.message)
            }
        }
    }

    /// All lines in one scan, as a store is read: the layouts of earlier lines are tried first.
    private func scanned<Kind: RecordKind>(_: Kind.Type, _ lines: [[UInt8]]) -> [Verdict] {
        let bytes: [UInt8] = lines.flatMap { $0 + [0x0A] }
        let scan = bytes.withUnsafeBufferPointer { StoreLineScan<Kind>.scan($0, from: 0, to: $0.count) }
        var starts: [Int: Int] = [:]   // a line's first byte -> its number
        var offset = 0
        for (number, line) in lines.enumerated() {
            starts[offset] = number + 1
            offset += line.count + 1
        }
        var verdicts: [(line: Int, verdict: Verdict)] = scan.records.map {
            (starts[$0.offset]!, Verdict.accepted(key: $0.key.description, time: $0.time.milliseconds, state: $0.state))
        }
        verdicts += scan.problems.map { ($0.line, Verdict.refused(column: $0.column, message: $0.message)) }
        return verdicts.sorted { $0.line < $1.line }.map(\.verdict)
    }

    /// Where a scan's verdicts first differ from the careful ones, or nil.
    private func difference(_ scanned: [Verdict], _ careful: [Verdict], _ lines: [[UInt8]]) -> String? {
        guard scanned != careful else { return nil }
        guard let k = zip(scanned, careful).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset else { return "\(scanned.count) verdicts, not \(careful.count)" }
        let nonBlank = lines.filter { !StoreLineScan<PayoutKind>.isBlank($0, $0.count) }
        return "line \(String(decoding: nonBlank[k], as: UTF8.self)): scanned \(scanned[k]), carefully \(careful[k])"
    }

    private static let payoutLines = [
        #"{"trace_id":1000000,"requested_at":"2026-11-18T11:06:40Z","order_id":"O-1000000","amount":392391,"currency":"USD","customer_id":"C-8255764","payment_method":"mastercard","status":"pending","src":"crm"}"#,
        #"{"trace_id":1000001,"requested_at":"2026-11-18T11:06:42Z","order_id":"O-1000001","amount":125025,"currency":"USD","customer_id":"C-2482005","payment_method":"mastercard","status":"approved","src":"crm"}"#,
        #"{ "trace_id": 7, "requested_at": "2026-11-19T00:00:00.250Z", "amount": -0, "status": null, "note": {"a": [1, 2.5e3, true, null]} }"#,
        #"{"requested_at":"2026-11-19T23:59:59+01:00","trace_id":8,"currency":null,"payment_method":"Zoë 日本 😀"}"#,
    ]

    private static let sessionLines = [
        #"{"session_id":"s-1","created_at":"2026-11-21T09:00:00Z","state":"open","order_id":"O-1","amount":1000,"currency":"EUR"}"#,
        #"{"session_id":"s-2","created_at":"2026-11-21T09:00:01Z","state":"paid","order_id":"O-2","amount":2000,"currency":"EUR"}"#,
    ]

    /// Session lines with the layout of the first, each key unusual: escaped, empty, with a space, null.
    private static let sessionTraps = [
        #"{"session_id":"s\/1","created_at":"2026-11-21T09:00:00Z","state":"open","order_id":"O-1","amount":1000,"currency":"EUR"}"#,
        #"{"session_id":"s\u002d1","created_at":"2026-11-21T09:00:00Z","state":"open","order_id":"O-1","amount":1000,"currency":"EUR"}"#,
        #"{"session_id":"","created_at":"2026-11-21T09:00:00Z","state":"open","order_id":"O-1","amount":1000,"currency":"EUR"}"#,
        #"{"session_id":"a b","created_at":"2026-11-21T09:00:00Z","state":"open","order_id":"O-1","amount":1000,"currency":"EUR"}"#,
        "{\"session_id\":\"a\u{A0}b\",\"created_at\":\"2026-11-21T09:00:00Z\",\"state\":\"open\",\"order_id\":\"O-1\",\"amount\":1000,\"currency\":\"EUR\"}",
        #"{"session_id":"\u0020","created_at":"2026-11-21T09:00:00Z","state":"open","order_id":"O-1","amount":1000,"currency":"EUR"}"#,
        #"{"session_id":null,"created_at":"2026-11-21T09:00:00Z","state":"open","order_id":"O-1","amount":1000,"currency":"EUR"}"#,
        #"{"session_id":"s-9","created_at":"2026-11-22T09:00:00Z","state":"open","order_id":"O-1","amount":1000,"currency":"EUR"}"#,
    ]

    /// Lines with the layout of a line before them (most of them), each wrong or unusual in one place.
    private static let payoutTraps = [
        // The next day, after a line of the day before: its date is read, not taken from the last line's.
        #"{"trace_id":1000040,"requested_at":"2026-11-19T11:06:40Z","order_id":"O-1","amount":1,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm"}"#,
        #"{"trace_id":1000041,"requested_at":"2026-12-18T11:06:40Z","order_id":"O-1","amount":1,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm"}"#,
        // Times the quick pass must not misread, on the date it has just seen.
        #"{"trace_id":1000002,"requested_at":"2026-11-18T24:00:00Z","order_id":"O-1","amount":1,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm"}"#,
        #"{"trace_id":1000003,"requested_at":"2026-11-18T23:60:00Z","order_id":"O-1","amount":1,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm"}"#,
        #"{"trace_id":1000004,"requested_at":"2026-11-18T23:59:60Z","order_id":"O-1","amount":1,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm"}"#,
        #"{"trace_id":1000005,"requested_at":"2026-11-18t11:06:40Z","order_id":"O-1","amount":1,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm"}"#,
        #"{"trace_id":1000006,"requested_at":"2026-11-18T11:06:40z","order_id":"O-1","amount":1,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm"}"#,
        #"{"trace_id":1000007,"requested_at":"2026-02-30T11:06:40Z","order_id":"O-1","amount":1,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm"}"#,
        #"{"trace_id":1000008,"requested_at":"2026-11-18T11:06:4Z","order_id":"O-1","amount":1,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm"}"#,
        #"{"trace_id":1000009,"requested_at":"2026-11-18T11:06:40ZZ","order_id":"O-1","amount":1,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm"}"#,
        #"{"trace_id":1000010,"requested_at":"2026-11-18T11:06:40\u005A","order_id":"O-1","amount":1,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm"}"#,
        #"{"trace_id":1000011,"requested_at":null,"order_id":"O-1","amount":1,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm"}"#,
        #"{"trace_id":1000012,"requested_at":20261118,"order_id":"O-1","amount":1,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm"}"#,
        // Numbers.
        #"{"trace_id":1000013,"requested_at":"2026-11-18T11:06:40Z","order_id":"O-1","amount":1.5,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm"}"#,
        #"{"trace_id":1000014,"requested_at":"2026-11-18T11:06:40Z","order_id":"O-1","amount":1e3,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm"}"#,
        #"{"trace_id":1000015,"requested_at":"2026-11-18T11:06:40Z","order_id":"O-1","amount":0123,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm"}"#,
        #"{"trace_id":1000016,"requested_at":"2026-11-18T11:06:40Z","order_id":"O-1","amount":1234567890123456789,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm"}"#,
        #"{"trace_id":1000017,"requested_at":"2026-11-18T11:06:40Z","order_id":"O-1","amount":9999999999999999999,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm"}"#,
        #"{"trace_id":1000018,"requested_at":"2026-11-18T11:06:40Z","order_id":"O-1","amount":-,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm"}"#,
        #"{"trace_id":1000019,"requested_at":"2026-11-18T11:06:40Z","order_id":"O-1","amount":"12","currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm"}"#,
        #"{"trace_id":1000020,"requested_at":"2026-11-18T11:06:40Z","order_id":"O-1","amount":null,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm"}"#,
        // Keys.
        #"{"trace_id":0,"requested_at":"2026-11-18T11:06:40Z","order_id":"O-1","amount":1,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm"}"#,
        #"{"trace_id":-5,"requested_at":"2026-11-18T11:06:40Z","order_id":"O-1","amount":1,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm"}"#,
        #"{"trace_id":"1000021","requested_at":"2026-11-18T11:06:40Z","order_id":"O-1","amount":1,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm"}"#,
        #"{"trace_id":1000022.0,"requested_at":"2026-11-18T11:06:40Z","order_id":"O-1","amount":1,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm"}"#,
        #"{"trace_id":null,"requested_at":"2026-11-18T11:06:40Z","order_id":"O-1","amount":1,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm"}"#,
        // Codes, states and text.
        #"{"trace_id":1000023,"requested_at":"2026-11-18T11:06:40Z","order_id":"O-1","amount":1,"currency":"usd","customer_id":"C","payment_method":"m","status":"pending","src":"crm"}"#,
        #"{"trace_id":1000024,"requested_at":"2026-11-18T11:06:40Z","order_id":"O-1","amount":1,"currency":"US","customer_id":"C","payment_method":"m","status":"pending","src":"crm"}"#,
        #"{"trace_id":1000025,"requested_at":"2026-11-18T11:06:40Z","order_id":"O-1","amount":1,"currency":"USD","customer_id":"C","payment_method":"m","status":"PENDING","src":"crm"}"#,
        #"{"trace_id":1000026,"requested_at":"2026-11-18T11:06:40Z","order_id":"O-1","amount":1,"currency":"USD","customer_id":"C","payment_method":"m","status":"pend\u0069ng","src":"crm"}"#,
        #"{"trace_id":1000027,"requested_at":"2026-11-18T11:06:40Z","order_id":"O-1","amount":1,"currency":"USD","customer_id":"C","payment_method":"m","status":"cancelled","src":"crm"}"#,
        #"{"trace_id":1000028,"requested_at":"2026-11-18T11:06:40Z","order_id":7,"amount":1,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm"}"#,
        #"{"trace_id":1000029,"requested_at":"2026-11-18T11:06:40Z","order_id":"O-\"1\"","amount":1,"currency":"USD","customer_id":"C","payment_method":"Zoë","status":"pending","src":{"x":[1]}}"#,
        // Names: escaped, given twice, missing, one too many.
        #"{"tr\u0061ce_id":1000030,"requested_at":"2026-11-18T11:06:40Z","order_id":"O-1","amount":1,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm"}"#,
        #"{"trace_id":1000031,"requested_at":"2026-11-18T11:06:40Z","order_id":"O-1","amount":1,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm","src":"crm"}"#,
        #"{"trace_id":1000032,"requested_at":"2026-11-18T11:06:40Z","order_id":"O-1","amount":1,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","trace_id":1}"#,
        #"{"trace_id":1000033,"requested_at":"2026-11-18T11:06:40Z","order_id":"O-1","amount":1,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending"}"#,
        #"{"trace_id":1000034,"requested_at":"2026-11-18T11:06:40Z","order_id":"O-1","amount":1,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm","more":1}"#,
        #"{"trace_id":1000035,"requested_at":"2026-11-18T11:06:40Z","order_id":"O-1","amount":1,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","srd":"crm"}"#,
        // A name longer than a place keeps, and more unknown names than the quick pass compares.
        #"{"trace_id":1000042,"requested_at":"2026-11-18T11:06:40Z","\#(String(repeating: "n", count: 70))":1,"status":"pending"}"#,
        #"{"trace_id":1000043,"requested_at":"2026-11-18T11:06:40Z","\#(String(repeating: "n", count: 70))":1,"status":"pending"}"#,
        "{\"trace_id\":1000044,\"requested_at\":\"2026-11-18T11:06:40Z\"" + (0..<17).map { ",\"u\($0)\":\($0)" }.joined() + "}",
        "{\"trace_id\":1000045,\"requested_at\":\"2026-11-18T11:06:40Z\"" + (0..<17).map { ",\"u\($0 % 9)\":\($0)" }.joined() + "}",
        // The end of the line.
        #"{"trace_id":1000036,"requested_at":"2026-11-18T11:06:40Z","order_id":"O-1","amount":1,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm"} x"#,
        #"{"trace_id":1000037,"requested_at":"2026-11-18T11:06:40Z","order_id":"O-1","amount":1,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm""#,
        #"{"trace_id":1000038,"requested_at":"2026-11-18T11:06:40Z","order_id":"O-1","amount":1,"currency":"USD","customer_id":"C","payment_method":"m","status":"pending","src":"crm"},"#,
        "{\"trace_id\":1000039,\"requested_at\":\"2026-11-18T11:06:40Z\",\"order_id\":\"O-1\",\"amount\":1,\"currency\":\"USD\",\"customer_id\":\"C\",\"payment_method\":\"m\",\"status\":\"pending\",\"src\":\"crm\"}\r",
    ]

    @Test func everyTrapIsJudgedAsTheCarefulCheckJudgesIt() {
        let lines = (Self.payoutLines + Self.payoutTraps).map { Array($0.utf8) }
        let careful = carefully(PayoutKind.self, lines)
        #expect(difference(scanned(PayoutKind.self, lines), careful, lines) == nil)
        // Each trap right after the line whose layout it has, the quick pass's case.
        for trap in Self.payoutTraps {
            let pair = [Array(Self.payoutLines[0].utf8), Array(trap.utf8)]
            #expect(difference(scanned(PayoutKind.self, pair), carefully(PayoutKind.self, pair), pair) == nil)
        }
        // The traps hold both verdicts, so the comparison means something.
        #expect(careful.contains { if case .refused = $0 { true } else { false } })
        #expect(careful.filter { if case .accepted = $0 { true } else { false } }.count > Self.payoutLines.count)
    }

    @Test func sessionKeysAreJudgedAsTheCarefulCheckJudgesThem() {
        for trap in Self.sessionTraps {
            let pair = [Array(Self.sessionLines[0].utf8), Array(trap.utf8)]
            #expect(difference(scanned(SessionKind.self, pair), carefully(SessionKind.self, pair), pair) == nil)
        }
        let careful = carefully(SessionKind.self, Self.sessionTraps.map { Array($0.utf8) })
        #expect(careful.contains(.accepted(key: "s/1", time: Timestamp.parseRFC3339("2026-11-21T09:00:00Z")!.milliseconds, state: 0)),
                "an escaped key is read decoded")
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func randomlyDamagedLinesAreJudgedAsTheCarefulCheckJudgesThem(seed: UInt64) {
        var random = SeededRandom(seed)
        // Bytes that matter to JSON and to the quick pass, and plain ones. No newline: that would split a line.
        let alphabet = Array(#"{}[]":,\ .-+eE0159aZTtz/nul"#.utf8) + [0x01, 0x09, 0x0D, 0xC3, 0xA9, 0xFF, 0x80]
        func damaged(_ text: String) -> [UInt8] {
            var bytes = Array(text.utf8)
            for _ in 0..<(1 + random.next(3)) {
                let at = random.next(bytes.count)
                switch random.next(3) {
                case 0: bytes[at] = alphabet[random.next(alphabet.count)]
                case 1: bytes.insert(alphabet[random.next(alphabet.count)], at: at)
                default: bytes.remove(at: at)
                }
            }
            return bytes
        }
        for (kind, valid) in [("payout", Self.payoutLines), ("session", Self.sessionLines)] {
            var lines: [[UInt8]] = []
            for _ in 0..<3_000 {
                let base = valid[random.next(valid.count)]
                lines.append(random.next(3) == 0 ? Array(base.utf8) : damaged(base))
            }
            let difference = kind == "payout"
                ? difference(scanned(PayoutKind.self, lines), carefully(PayoutKind.self, lines), lines)
                : difference(scanned(SessionKind.self, lines), carefully(SessionKind.self, lines), lines)
            #expect(difference == nil, "\(kind) lines, seed \(seed)")
        }
    }

    @Test func plainLinesTakeTheQuickPassWhateverTheirLayout() {
        let lines = Self.payoutLines.map { Array($0.utf8) } + [Array(#"{"amount":5,"trace_id":9,"requested_at":"2026-11-19T23:59:59Z"}"#.utf8)]
        FieldMatcher.with(PayoutKind.fields) { matcher in
            LineLayout.with { layout in
                func quick(_ line: [UInt8]) -> LineSummary<Int64>? {
                    line.withUnsafeBufferPointer { PayoutKind.quickSummary(JSONScanner($0.baseAddress!, count: $0.count), &layout, matcher) }
                }
                let first = quick(lines[0]), second = quick(lines[1])
                #expect(first?.key == 1_000_000)
                #expect(second?.key == 1_000_001)
                #expect(second?.time == Timestamp.parseRFC3339("2026-11-18T11:06:42Z"))
                #expect(second?.state == 2, "approved")
                #expect(quick(lines[2])?.key == 7, "spaces, a nested value, a fraction of a second, a null")
                #expect(quick(Array(#"{"tr\u0061ce_id":1,"requested_at":"2026-11-19T23:59:59Z"}"#.utf8)) == nil, "an escaped name: the careful way")
                #expect(quick(lines[4])?.key == 9, "another order of names")
                #expect(quick(lines[4])?.time == Timestamp.parseRFC3339("2026-11-19T23:59:59Z"), "a day after the date read last")
                #expect(quick(lines[1])?.key == 1_000_001, "and back")
            }
        }
    }

    @Test func comparesShortNamesByteForByte() {
        let names = ["", "a", "ab", "abc", "abcd", "abcdefg", "abcdefgh", "abcdefghi", "abcdefghijklmnopq"]
        for name in names {
            let a = Array(name.utf8)
            for k in a.indices {
                var b = a
                b[k] ^= 0x20
                #expect(!sameBytes(a, b, a.count), "\(name) differs at \(k)")
            }
            #expect(sameBytes(a + [1], a + [2], a.count), "\(name): bytes past the count are not compared")
        }
    }
}
}
