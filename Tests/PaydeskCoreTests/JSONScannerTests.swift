import Testing
@testable import PaydeskCore

extension PaydeskTests {
@Suite struct JSONScannerTests {
    /// The error of checking `text` as a payout line, or nil if it is a valid line.
    private func lineError(_ text: String) -> LineError? {
        if case .failure(let e) = PayoutKind.summarize(line: Array(text.utf8)) { return e }
        return nil
    }

    @Test(arguments: [
        #"{"trace_id":1,"requested_at":"2026-11-21T09:00:00Z"}"#,
        #"  { "trace_id" : 1 , "requested_at" : "2026-11-21T09:00:00Z" }  "#,
        #"{"trace_id":1,"requested_at":"2026-11-21T09:00:00Z","x":{"a":[1,2.5e-3,-0,true,false,null,"s\"\\\/\b\f\n\r\t\u00e9"]}}"#,
        #"{"trace_id":1,"requested_at":"2026-11-21T09:00:00Z","note":"Zoë 日本 😀"}"#,
        "{\"trace_id\":1,\"requested_at\":\"2026-11-21T09:00:00Z\"}\r",
    ])
    func acceptsValidLines(_ text: String) {
        #expect(lineError(text) == nil)
    }

    @Test(arguments: [
        (#"{"trace_id":1,"requested_at":"2026-11-21T09:00:00Z""#, "not closed"),
        (#"{"trace_id":1 "requested_at":"2026-11-21T09:00:00Z"}"#, "expected ',' or '}'"),
        (#"{"trace_id":1,"requested_at":"2026-11-21T09:00:00Z",}"#, "field name"),
        (#"{trace_id:1}"#, "field name"),
        (#"[1,2]"#, "JSON object"),
        (#"{"trace_id":01,"requested_at":"2026-11-21T09:00:00Z"}"#, "must not start with 0"),
        (#"{"trace_id":1,"requested_at":"2026-11-21T09:00:00Z","x":1.}"#, "decimal point"),
        (#"{"trace_id":1,"requested_at":"2026-11-21T09:00:00Z","x":"a\qb"}"#, "unknown escape"),
        (#"{"trace_id":1,"requested_at":"2026-11-21T09:00:00Z","x":"\u12"}"#, "four hex digits"),
        (#"{"trace_id":1,"requested_at":"2026-11-21T09:00:00Z","x":tru}"#, "expected 'true'"),
        (#"{"trace_id":1,"requested_at":"2026-11-21T09:00:00Z"} x"#, "after the closing"),
        ("{\"trace_id\":1,\"requested_at\":\"2026-11-21T09:00:00Z\",\"x\":\"a\tb\"}", "control character"),
        (#"{"trace_id":1,"requested_at":"2026-11-21T09:00:00Z","x":[1,2}"#, "expected ',' or ']'"),
    ])
    func rejectsMalformedJSON(_ text: String, _ expected: String) throws {
        let error = try #require(lineError(text))
        #expect(error.message.hasPrefix("not valid JSON"))
        #expect(error.message.contains(expected), "\(error.message)")
        #expect(error.column != nil)
    }

    @Test func findsWhatEndsOrBreaksAStringAtEveryPlaceInAnEightByteStep() throws {
        // Strings are stepped over eight bytes at a time: each special byte is tried at every offset.
        let head = Array(#"{"trace_id":1,"requested_at":"2026-11-21T09:00:00Z","x":""#.utf8)
        func value(_ bytes: [UInt8]) throws -> String? {
            guard case .success = PayoutKind.summarize(line: head + bytes + Array("\"}".utf8)) else { return nil }
            guard case .object(let members) = try JSONValue.parse(head + bytes + Array("\"}".utf8)),
                  case .string(let x)? = members.last?.1 else { return nil }
            return x
        }
        for k in 0..<24 {
            let before = [UInt8](repeating: UInt8(ascii: "a"), count: k), after = [UInt8](repeating: UInt8(ascii: "b"), count: 9)
            #expect(try value(before + after) == String(repeating: "a", count: k) + "bbbbbbbbb")
            #expect(try value(before + Array(#"\""#.utf8) + after) == String(repeating: "a", count: k) + "\"bbbbbbbbb", "an escaped quote at \(k)")
            #expect(try value(before + [0xC3, 0xA9] + after) == String(repeating: "a", count: k) + "ébbbbbbbbb", "UTF-8 at \(k)")
            #expect(try value(before + [0x01] + after) == nil, "a control byte at \(k)")
            #expect(try value(before + [0x7F] + after) != nil, "DEL needs no escape in JSON (\(k))")
            #expect(try value(before + [0xFF] + after) == nil, "invalid UTF-8 at \(k)")
            #expect(try value(before + [0xC3] + after) == nil, "a lead byte alone at \(k)")
            let error = try #require(lineError(String(decoding: head + before + [0x1F] + after + Array("\"}".utf8), as: UTF8.self)))
            #expect(error.column == head.count + k + 1, "the column of the control byte at \(k)")
        }
    }

    @Test func reportsTheColumnOfTheFault() throws {
        let error = try #require(lineError(#"{"trace_id":1,"requested_at":"x" "amount":5}"#))
        #expect(error.column == 34)
    }

    @Test func rejectsInvalidUTF8() throws {
        var bytes = Array(#"{"trace_id":1,"requested_at":"2026-11-21T09:00:00Z","x":"ab"}"#.utf8)
        bytes.insert(0xC3, at: bytes.count - 3)   // a lead byte with no continuation
        guard case .failure(let e) = PayoutKind.summarize(line: bytes) else {
            Issue.record("invalid UTF-8 was accepted")
            return
        }
        #expect(e.message.contains("UTF-8"))
        // An encoded surrogate (ED A0 80) is not UTF-8 either.
        var surrogate = Array(#"{"trace_id":1,"requested_at":"2026-11-21T09:00:00Z","x":"ab"}"#.utf8)
        surrogate.insert(contentsOf: [0xED, 0xA0, 0x80], at: surrogate.count - 3)
        guard case .failure = PayoutKind.summarize(line: surrogate) else {
            Issue.record("an encoded surrogate was accepted")
            return
        }
    }

    @Test func refusesDeepNestingInsteadOfOverflowingTheStack() throws {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let error = try #require(lineError(#"{"trace_id":1,"requested_at":"2026-11-21T09:00:00Z","x":\#(deep)}"#))
        #expect(error.message.contains("nested deeper"))
    }

    @Test func decodesEscapesAndKeepsNumbersAsWritten() throws {
        let value = try JSONValue.parse(#"{"s":"a\"b\\c\u00e9\ud83d\ude00\n","n":12345678901234567890,"f":1.10}"#)
        #expect(value["s"] == .string("a\"b\\cé😀\n"))
        #expect(value["n"] == .number("12345678901234567890"))
        #expect(value["f"] == .number("1.10"))
    }

    @Test func writesJSONThatReadsBackTheSame() throws {
        let original = JSONValue.object([("z", .string("quote \" backslash \\ newline \n tab \t bell \u{7}")), ("a", .array([.number("1"), .null, .bool(true)]))])
        let text = original.jsonText
        #expect(text.hasPrefix(#"{"z":"#), "member order is kept")
        #expect(try JSONValue.parse(text) == original)
    }

    @Test func matchesFieldNamesWrittenWithEscapes() {
        // "trace\u005fid" is trace_id; spelled so, it must still count as the key.
        #expect(lineError(#"{"trace\u005fid":7,"requested_at":"2026-11-21T09:00:00Z"}"#) == nil)
        #expect(lineError(#"{"trace\u005fid":7,"trace_id":8,"requested_at":"2026-11-21T09:00:00Z"}"#)?.message.contains("appears twice") == true)
    }
}
}
