import Testing
@testable import Console
@testable import PaydeskCore

extension PaydeskTests {
/// The keys and signs people bring from k9s, lazygit and less: counts, position, sorting by a column, the mouse,
/// copying an id. Pure update and view, no terminal.
@Suite struct ConsoleHabitsTests {
    typealias F = ConsoleFixtures

    private func keys(_ s: ConsoleState) -> [String] { s.visibleKeys(s.tab) }

    /// The line under the list (the audit pane's title), where the position and the marks are said.
    private func positionLine(_ s: ConsoleState) -> String { s.screen[s.layout.auditTitleRow] }

    // MARK: Counts and position

    @Test func tabCountsSayHowManyTheFilterHides() {
        var s = F.state()
        #expect(s.screen[1].contains("XPay sessions (3)"))
        #expect(s.screen[1].contains("History (3)"))
        s.press(.character("/"))
        s.type("jpy")
        #expect(s.screen[1].contains("XPay sessions (1 of 3)"))
        #expect(s.screen[1].contains("Praxis payouts (3)"), "another tab's filter is its own")
        s.press(.escape)
        #expect(s.screen[1].contains("XPay sessions (3)"))
        s.press(.character("3"), .character("/"))
        s.type("approved")
        #expect(s.screen[1].contains("History (1 of 3)"))
    }

    @Test func thePositionFollowsTheCursorAndCountsTheRowsShown() {
        var s = F.state()
        #expect(positionLine(s).contains(" row 1 of 3 "))
        s.press(.down)
        #expect(positionLine(s).contains(" row 2 of 3 "))
        s.press(.end)
        #expect(positionLine(s).contains(" row 3 of 3 "))
        s.press(.character("/"))
        s.type("1002")
        #expect(positionLine(s).contains(" row 1 of 1 "))
        s.press(.escape)
        s.press(.character("/"))
        s.type("nothing like this")
        #expect(!positionLine(s).contains("row"), "no rows, no position")
        #expect(positionLine(s).hasPrefix("─ Audit: latest outcomes on TEST"))
    }

    @Test func theNumberOfMarkedRowsIsOnScreen() {
        var s = F.state()
        #expect(!positionLine(s).contains("marked"))
        s.press(.character(" "), .character(" "))
        #expect(positionLine(s).contains(" row 3 of 3 · 2 marked "))
        s.press(.character("2"))
        #expect(!positionLine(s).contains("marked"), "marks belong to their tab")
        s.press(.character("1"), .up, .character(" "))
        #expect(positionLine(s).contains("· 1 marked "))
    }

    // MARK: Sorting by a chosen column

    @Test func angleBracketsMoveTheSortColumnAndTheHeaderMarksIt() {
        var s = F.state()
        #expect(s.list.sortColumn == 4 && s.screen[2].contains("LEFT▲"))
        s.press(.character(">"))
        #expect(s.list.sortColumn == 5)
        #expect(s.screen[2].contains("STATUS▲") && !s.screen[2].contains("LEFT▲"))
        s.press(.character(">"))
        #expect(s.list.sortColumn == 0, "round the end to SESSION")
        s.press(.character("<"))
        #expect(s.list.sortColumn == 5, "and back round to STATUS")
        s.press(.character("<"), .character("<"))
        #expect(s.list.sortColumn == 3)
        #expect(s.screen[2].contains("AGE▲"))
        s.press(.character("S"))
        #expect(s.screen[2].contains("AGE▼"))
    }

    /// Payouts in doubt (no outcome), unknown, and untouched, in the fixture's time order.
    private func payoutsWithDoubts() -> ConsoleState {
        let attempts = [
            F.attempt("praxis", "752857", secondsAgo: 40, outcome: AttemptOutcome(result: .unknown, description: "timed out")),
            F.attempt("praxis", "752858", secondsAgo: 30, outcome: nil),
        ]
        var s = F.state(data: ConsoleData(sessions: F.sessions, payouts: F.payouts, attempts: attempts))
        s.press(.character("2"))
        return s
    }

    @Test func sortingByStatusGroupsTheRowsInDoubtFirst() {
        var s = payoutsWithDoubts()
        #expect(keys(s) == ["752856", "752857", "752858"], "by request time")
        s.press(.character(">"))
        #expect(s.screen[2].contains("STATUS▲"))
        #expect(keys(s) == ["752858", "752857", "752856"], "IN DOUBT, UNKNOWN, then pending")
        s.press(.character("S"))
        #expect(keys(s) == ["752856", "752857", "752858"])
    }

    @Test func aRowWhoseStatusChangesMovesToItsPlaceAndTheCursorStaysOnIt() {
        var s = payoutsWithDoubts()
        s.press(.character(">"), .home)
        #expect(s.list.selectedKey == "752858")
        // Another desk's check found 752858 cancelled after all: it leaves the rows in doubt.
        let settled = F.attempt("praxis", "752858", secondsAgo: 30, outcome: AttemptOutcome(result: .cancelled, description: "ok"))
        _ = s.update(.changed(ConsoleDataChange(attempts: [settled, s.data.attempts[0]])))
        #expect(keys(s) == ["752857", "752858", "752856"], "UNKNOWN, cancelled, then pending")
        #expect(s.list.selectedKey == "752858", "the cursor stayed on its row")
        // Our own call on 752856 puts it in flight: before the answers.
        s.press(.end, .character("c"), .enter, .character("y"))
        #expect(keys(s) == ["752857", "752856", "752858"])
    }

    @Test func movingTheCursorNeverSortsAndASortChangeSortsOnce() {
        var s = payoutsWithDoubts()
        let before = s.view(.payouts).version
        s.press(.down, .down, .up, .end, .home, .pageDown)
        #expect(s.view(.payouts).version == before)
        s.press(.character(">"))
        #expect(s.view(.payouts).version == before + 1)
    }

    // MARK: Copying an id

    @Test func yCopiesTheSelectedRowsIdAsAnEffectAndSaysSo() {
        var s = F.state()
        #expect(s.press(.down, .character("y")) == [.copy("ps_b2")])
        #expect(s.notice?.text == "copied ps_b2")
        #expect(s.press(.character("2"), .end, .character("y")) == [.copy("752858")])
        #expect(s.screen[s.layout.messageRow].contains("copied 752858"))
        // History: the attempt's id on the list; in its details, its Correlation-Id.
        #expect(s.press(.character("3"), .character("y")) == [.copy("att-praxis-752857-40")])
        s.press(.enter)
        #expect(s.press(.character("y")) == [.copy("c-3")])
        #expect(s.dialog != nil, "y leaves the details open")
        #expect(s.notice?.text == "copied c-3")
    }

    @Test func inDetailsWithoutACorrelationIdYCopiesTheAttemptId() {
        let attempt = F.attempt("praxis", "752858", secondsAgo: 30, outcome: nil)
        var s = F.state(data: ConsoleData(sessions: F.sessions, payouts: F.payouts, attempts: [attempt]))
        #expect(s.press(.character("3"), .enter, .character("y")) == [.copy(attempt.id)])
        // A session's details copy the session id.
        s.press(.escape, .character("1"), .enter)
        #expect(s.press(.character("y")) == [.copy("ps_a1")])
    }

    @Test func yOnAnEmptyListCopiesNothing() {
        var s = F.state(data: ConsoleData(sessions: [], payouts: [], attempts: []))
        #expect(s.press(.character("y")).isEmpty)
        #expect(s.notice?.text == "Nothing to copy here.")
    }

    @Test func theClipboardSequenceIsOSC52WithTheTextInBase64() {
        #expect(Clipboard.osc52("1000123") == Array("\u{1B}]52;c;MTAwMDEyMw==\u{1B}\\".utf8))
        #expect(Clipboard.osc52("ps_é") == [0x1B, 0x5D] + Array("52;c;cHNfw6k=".utf8) + [0x1B, 0x5C], "UTF-8, then base64")
    }
}
}
