import Foundation
import Testing
@testable import Console
@testable import PaydeskCore

private typealias F = ConsoleFixtures

extension PaydeskTests {
/// The derived view of a tab (kept between keys, merged, narrowed, searched in the background) must always
/// show exactly what a plain filter-and-sort of the rows would.
@Suite struct ConsoleScaleTests {
    // MARK: The line filter

    @Test func theFilterMatchesValuesNotNamesInAnyCase() {
        let line = Array(#"{"trace_id":752856,"order_id":"WD-Κάτι","note":"Café \"quoted\"","risk":{"score":7},"flag":true}"#.utf8)
        func matches(_ text: String) -> Bool { line.withUnsafeBufferPointer { LineFilter(text).matches($0) } }
        #expect(matches("2856"), "a number, as written")
        #expect(matches("wd-"), "any case")
        #expect(!matches("order"), "a field's name is not its value")
        #expect(!matches("trace_id"))
        #expect(matches("\"QUOTED\""), "escaped quotes compare as the text they stand for")
        #expect(matches("κάτι"), "beyond ASCII, compared as text")
        #expect(matches("score"), "a nested value reads as its JSON")
        #expect(matches("true"))
        #expect(!matches("absent"))
        #expect(LineFilter("wd-1").narrows(LineFilter("d-")))
        #expect(!LineFilter("d-").narrows(LineFilter("wd-1")))
    }

    @Test func anEscapedLetterInAValueIsFoundAndTheEscapeItselfIsNot() {
        let line = Array(#"{"trace_id":1,"customer_id":"\u0041lice","note":"tab\there"}"#.utf8)
        #expect(line.withUnsafeBufferPointer { LineFilter("alice").matches($0) })
        #expect(line.withUnsafeBufferPointer { LineFilter("tab\there").matches($0) })
        #expect(!line.withUnsafeBufferPointer { LineFilter("u0041").matches($0) }, "an escape is not the text it stands for")
        let texts = line.withUnsafeBufferPointer { LineTexts($0, knownNames: FieldNames(["trace_id", "customer_id"])) }
        #expect(texts.text("customer_id") == "Alice")
        #expect(texts.others.first?.1 == "tab\there")
    }

    // MARK: The view against a plain computation

    /// Rows as the old console computed them: every field's text contains the filter (any case) or the status
    /// says it; sorted by the column, equal rows by key (trace ids as numbers).
    private func expected(_ rows: [TargetRow], _ s: ConsoleState) -> [String] {
        let list = s.lists[.payouts]!
        let column = Columns.payouts[list.sortColumn]
        let kept = rows.filter { row in
            list.filter.isEmpty || row.fields.members.contains { $0.1.displayText.range(of: list.filter, options: .caseInsensitive) != nil }
                || (s.statuses[row.id]?.label?.range(of: list.filter, options: .caseInsensitive) != nil)
        }
        func key(_ r: TargetRow) -> SortKey {
            switch column.order {
            case .oldestFirst?: SortKey(number: r.time.milliseconds)
            case .newestFirst?: SortKey(number: -r.time.milliseconds)
            case .value(let k)?: k(ShownTarget(r))
            case .status?: SortKey(number: (s.statuses[r.id] ?? .untouched).sortRank)
            case nil: SortKey()
            }
        }
        return kept.sorted { a, b in
            let (ka, kb) = (key(a), key(b))
            if ka != kb { return (ka < kb) != list.descending }
            return (a.id.key.count, a.id.key) < (b.id.key.count, b.id.key)
        }.map(\.id.key)
    }

    @Test(arguments: Array(UInt64(1)...12))
    func theKeptViewAlwaysEqualsAPlainFilterAndSort(seed: UInt64) {
        var random = SeededRandom(seed)
        var live: [String: TargetRow] = [:]
        func row(_ trace: Int) -> TargetRow {
            F.payout(Int64(trace), ageSeconds: Int64(random.next(100)), order: "WD-\(random.next(50))", customer: ["ana", "Bob", "cara"][random.next(3)],
                     amount: Int64(random.next(5000)), currency: ["EUR", "GBP"][random.next(2)], method: ["card", "sepa"][random.next(2)])
        }
        // Rows go in doubt, get answers, or are settled open again.
        func attempts() -> [Attempt] {
            let outcomes: [AttemptOutcome?] = [nil, AttemptOutcome(result: .unknown, description: "timed out"),
                                               AttemptOutcome(result: .failed, description: "HTTP 500"),
                                               AttemptOutcome(result: .rejected, description: "approved")]
            return (0..<random.next(5)).map { k in
                F.attempt("praxis", String(random.next(90) + 1), secondsAgo: Int64(k), outcome: outcomes[random.next(outcomes.count)])
            }
        }
        for trace in 1...60 { live[String(trace)] = row(trace) }
        var s = F.state(data: ConsoleData(sessions: [], payouts: Array(live.values), attempts: F.attempts))
        s.press(.character("2"))
        for step in 0..<250 {
            switch random.next(8) {
            case 0, 1:   // lines arrive: new, changed, closed
                var opened: [TargetRow] = [], closed: [String] = []
                for _ in 0..<random.next(6) {
                    let trace = random.next(90) + 1
                    if random.next(3) == 0 { closed.append(String(trace)); live[String(trace)] = nil } else {
                        let r = row(trace); opened.removeAll { $0.id.key == r.id.key }; closed.removeAll { $0 == r.id.key }
                        opened.append(r); live[r.id.key] = r
                    }
                }
                for key in closed { opened.removeAll { $0.id.key == key } }
                // Sometimes the trail moved in the same read: statuses and rows change together.
                let trail = random.next(3) == 0 ? attempts() : nil
                _ = s.update(.changed(ConsoleDataChange(payouts: RowChange(opened: opened, closed: closed), attempts: trail)))
            case 2:
                if !s.list.editingFilter { s.press(.character("/")) }
                s.type(["a", "b", "w", "d", "-", "1", "e", "s", "9", "wd-1", "wd-2", "ana"][random.next(12)])
            case 3: if s.list.editingFilter { for _ in 0...random.next(2) { s.press(.backspace) } }
            case 4: if s.list.editingFilter { s.press(.enter) }; s.press(.character("s"))
            case 5: if s.list.editingFilter { s.press(.enter) }; s.press(.character("S"))
            case 6:   // the trail moves on
                _ = s.update(.changed(ConsoleDataChange(attempts: attempts())))
            default: s.press(random.next(2) == 0 ? .down : .pageDown)
            }
            let want = expected(Array(live.values), s)
            #expect(s.visibleKeys(.payouts) == want, "seed \(seed), step \(step), filter \"\(s.list.filter)\", column \(s.list.sortColumn)")
            if s.visibleKeys(.payouts) != want { return }
            #expect(s.count(.payouts) == live.count)
        }
    }

    // MARK: A long list

    private func manyPayouts(_ n: Int) -> [TargetRow] {
        (0..<n).map { (i: Int) -> TargetRow in
            let customer = i % 1000 == 7 ? "needle" : "c-\(i % 97)"
            return F.payout(Int64(1_000 + i), ageSeconds: Int64(i % 5000), order: "WD-\(i)", customer: customer, amount: Int64(i))
        }
    }

    @Test func aLongListIsSearchedInTheBackgroundAndAnOutdatedResultIsDropped() {
        let rows = manyPayouts(TargetView.inlineFilterLimit + 5_000)
        var s = F.state(width: 110, data: ConsoleData(payouts: rows))
        s.press(.character("2"), .character("/"))
        let before = s.visibleKeys(.payouts)
        let effects = s.type("needl")
        let jobs = effects.compactMap { if case .filter(let job) = $0 { job } else { nil } }
        #expect(jobs.count == 5, "a job per keystroke")
        #expect(s.visibleKeys(.payouts) == before, "until a result comes, the rows stay")
        #expect(s.screen[1].contains("searching"))
        // The first keystroke's result is out of date: it must not replace the rows.
        _ = s.update(.filtered(jobs[0].run()))
        #expect(s.visibleKeys(.payouts) == before)
        _ = s.update(.filtered(jobs[4].run()))
        #expect(s.visibleKeys(.payouts).count == rows.count / 1000)
        #expect(!s.screen[1].contains("searching"))
        // Rows that arrive while a search runs: its result is corrected for them, not thrown away (a search
        // slower than the feed must still end).
        let job = s.type("e").compactMap { if case .filter(let job) = $0 { job } else { nil } }
        #expect(job.isEmpty, "a narrower filter searches the few rows already kept, at once")
        s.press(.backspace, .backspace)
        let wide = s.update(.key(.backspace)).compactMap { if case .filter(let job) = $0 { job } else { nil } }
        #expect(wide.count == 1)
        let gone = s.visibleKeys(.payouts)[0]
        let more = s.update(.changed(ConsoleDataChange(payouts: RowChange(opened: [F.payout(9, ageSeconds: 1, order: "WD-new", customer: "nee", amount: 1)],
                                                                          closed: [gone]))))
        #expect(!more.contains { if case .filter = $0 { true } else { false } }, "no new search: the running one is corrected")
        _ = s.update(.filtered(wide[0].run()))
        #expect(s.view(.payouts).pending == nil)
        #expect(s.visibleKeys(.payouts).contains("9"), "a row that arrived during the search and matches is listed")
        #expect(!s.visibleKeys(.payouts).contains(gone), "a row closed during the search is not")
        #expect(s.visibleKeys(.payouts).count == rows.count / 1000)
    }

    @Test func whileTheStoreIsReadRowsShowButNothingCanBeCancelled() {
        var s = F.state(data: ConsoleData())
        _ = s.update(.changed(ConsoleDataChange(payouts: RowChange(isFresh: true, opened: F.payouts, loading: 0.42))))
        s.press(.character("2"))
        #expect(s.screen[1].contains("Praxis payouts (3, loading 42%)"))
        #expect(s.press(.character("c")).isEmpty)
        #expect(s.dialog == nil)
        #expect(s.notice?.text.contains("Still reading the payouts store (42%)") == true)
        _ = s.update(.changed(ConsoleDataChange(payouts: RowChange(closed: ["752856"]))))
        #expect(s.screen[1].contains("Praxis payouts (2)"))
        s.press(.character("c"))
        #expect(s.dialog != nil, "once read, the same key opens the dialog")
    }
}
}

/// A small seeded generator (SplitMix64): the same seed, the same steps, so a failure can be replayed.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    init(_ seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func next(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
