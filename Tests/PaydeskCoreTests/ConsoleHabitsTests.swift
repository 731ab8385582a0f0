import Testing
@testable import Console
@testable import PaydeskCore
import CNCursesW
@testable import TerminalCurses

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

    @Test func aMarkedRowThatClosesIsNoLongerCounted() {
        var s = F.state()
        s.press(.character("2"), .character(" "), .character(" "))
        #expect(positionLine(s).contains("2 marked"))
        // Another desk cancelled 752856: its line says so, and the row leaves the list.
        _ = s.update(.changed(ConsoleDataChange(payouts: RowChange(closed: ["752856"]))))
        #expect(s.list.marked == ["752857"])
        #expect(positionLine(s).contains("row 2 of 2 · 1 marked"))
        // A fresh read of the store keeps the marks of rows still there, and only those.
        _ = s.update(.loaded(ConsoleData(sessions: F.sessions, payouts: Array(F.payouts.dropFirst()), attempts: F.attempts)))
        #expect(s.list.marked == ["752857"])
        _ = s.update(.loaded(ConsoleData(sessions: F.sessions, payouts: [F.payouts[2]], attempts: F.attempts)))
        #expect(s.list.marked.isEmpty)
        #expect(!positionLine(s).contains("marked"))
    }

    // MARK: Sorting by a chosen column

    @Test func angleBracketsMoveTheSortColumnAndTheHeaderMarksIt() {
        var s = F.state()
        #expect(s.list.sortColumn == 5 && s.screen[2].contains("LEFT▲"))
        s.press(.character(">"))
        #expect(s.list.sortColumn == 6)
        #expect(s.screen[2].contains("STATUS▲") && !s.screen[2].contains("LEFT▲"))
        s.press(.character(">"))
        #expect(s.list.sortColumn == 0, "round the end to SESSION")
        s.press(.character("<"))
        #expect(s.list.sortColumn == 6, "and back round to STATUS")
        s.press(.character("<"), .character("<"))
        #expect(s.list.sortColumn == 4)
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

    // MARK: The mouse

    private func click(_ s: inout ConsoleState, x: Int, y: Int) { _ = s.update(.mouse(MouseEvent(.press, x: x, y: y))) }

    /// The middle column of `text` on the screen's row `y`.
    private func column(of text: String, in s: ConsoleState, row y: Int) -> Int? {
        guard let range = s.screen[y].range(of: text) else { return nil }
        return s.screen[y].distance(from: s.screen[y].startIndex, to: range.lowerBound) + text.count / 2
    }

    @Test func clickingAColumnsTitleSortsByItAndAgainTheOtherWay() throws {
        var s = F.state()
        s.press(.character("2"))
        let header = s.layout.headerRow
        click(&s, x: try #require(column(of: "AMOUNT", in: s, row: header)), y: header)
        #expect(s.list.sortColumn == 3 && !s.list.descending && s.screen[header].contains("AMOUNT▲"))
        #expect(keys(s) == ["752856", "752857", "752858"], "by currency, then amount: 50.00 EUR, 123.45 EUR, 2.500 KWD")
        click(&s, x: try #require(column(of: "AMOUNT", in: s, row: header)), y: header)
        #expect(s.list.descending && s.screen[header].contains("AMOUNT▼"))
        #expect(keys(s) == ["752858", "752857", "752856"])
        click(&s, x: try #require(column(of: "STATUS", in: s, row: header)), y: header)
        #expect(s.list.sortColumn == 6 && s.screen[header].contains("STATUS▲"))
        #expect(keys(s).first == "752857", "the UNKNOWN row first")
        s.press(.character("3"))
        click(&s, x: try #require(column(of: "RESULT", in: s, row: header)), y: header)
        #expect(s.screen[header].contains("RESULT"), "History sorts by a click too")
        #expect(s.list.sortColumn == Columns.history.firstIndex { $0.title == "RESULT" })
    }

    @Test func clickingATabSelectsIt() throws {
        var s = F.state()
        let tabRow = s.layout.tabRow
        click(&s, x: try #require(column(of: "Praxis payouts", in: s, row: tabRow)), y: tabRow)
        #expect(s.tab == .payouts)
        click(&s, x: try #require(column(of: "History", in: s, row: tabRow)), y: tabRow)
        #expect(s.tab == .history)
        click(&s, x: try #require(column(of: "XPay", in: s, row: tabRow)), y: tabRow)
        #expect(s.tab == .sessions)
        click(&s, x: s.layout.width - 2, y: tabRow)
        #expect(s.tab == .sessions, "past the last tab: nothing")
    }

    @Test func clickingARowMovesTheCursorThereAndBelowTheRowsNothing() {
        var s = F.state()
        let top = s.layout.listTop
        click(&s, x: 10, y: top + 2)
        #expect(s.list.selectedKey == "ps_c3")
        #expect(s.screen[top + 2].hasPrefix(">"))
        click(&s, x: 40, y: top + 1)
        #expect(s.list.selectedKey == "ps_b2")
        click(&s, x: 10, y: top + 3)
        #expect(s.list.selectedKey == "ps_b2", "no row there")
        click(&s, x: 10, y: s.layout.auditTop)
        #expect(s.list.selectedKey == "ps_b2", "the audit pane is not the list")
    }

    @Test func clickingARowOfAScrolledListPicksTheRowShown() {
        let many = (0..<40).map { F.payout(Int64(1000 + $0), ageSeconds: Int64(4000 - $0), order: "WD-\($0)", customer: "c", amount: 100) }
        var s = F.state(data: ConsoleData(payouts: many))
        s.press(.character("2"), .end)
        let top = s.layout.listTop
        click(&s, x: 10, y: top)
        #expect(s.list.selectedKey == String(1000 + s.list.top))
        #expect(s.screen[top].hasPrefix(">"))
    }

    @Test func theWheelMovesThreeRowsAndScrollsAPage() {
        let many = (0..<40).map { F.payout(Int64(1000 + $0), ageSeconds: Int64(4000 - $0), order: "WD-\($0)", customer: "c", amount: 100) }
        var s = F.state(data: ConsoleData(payouts: many))
        s.press(.character("2"))
        _ = s.update(.mouse(MouseEvent(.wheelDown, x: 5, y: 5)))
        #expect(s.list.selectedKey == "1003")
        _ = s.update(.mouse(MouseEvent(.wheelUp, x: 5, y: 5)))
        _ = s.update(.mouse(MouseEvent(.wheelUp, x: 5, y: 5)))
        #expect(s.list.selectedKey == "1000")
        // In the help, the wheel scrolls the page.
        s.press(.character("?"))
        guard case .help(let before)? = s.dialog else { Issue.record("no help"); return }
        _ = s.update(.mouse(MouseEvent(.wheelDown, x: 5, y: 5)))
        guard case .help(let after)? = s.dialog else { Issue.record("the wheel closed the help"); return }
        #expect(after.scroll == before.scroll + 3)
    }

    @Test func underADialogOrOnATooSmallScreenAClickDoesNothing() {
        var s = F.state()
        s.press(.character("c"))
        let tabRow = s.layout.tabRow
        click(&s, x: 30, y: tabRow)
        click(&s, x: 10, y: s.layout.listTop + 2)
        #expect(s.tab == .sessions && s.list.selectedKey == "ps_a1")
        #expect(s.dialog != nil)
        var small = F.state()
        _ = small.update(.resize(width: 60, height: 20))
        click(&small, x: 10, y: small.layout.listTop + 1)
        #expect(small.list.selectedKey == "ps_a1")
    }

    @Test func theHelpSaysWhatTheMouseDoes() {
        var s = F.state(height: 60)
        s.press(.character("?"))
        #expect(s.screenText.contains("Mouse      A click picks a tab or a row, or sorts by the column whose"))
        #expect(s.screenText.contains("y          Copy the row's id to the clipboard"))
    }

    @Test func ncursesMouseReportsBecomeClicksAndTheWheel() {
        #expect(CursesTerminal.mouse(buttons: paydesk_button1_pressed(), x: 3, y: 4) == MouseEvent(.press, x: 3, y: 4))
        #expect(CursesTerminal.mouse(buttons: paydesk_button1_clicked(), x: 3, y: 4) == MouseEvent(.press, x: 3, y: 4))
        #expect(CursesTerminal.mouse(buttons: paydesk_wheel_up(), x: 0, y: 9) == MouseEvent(.wheelUp, x: 0, y: 9))
        #expect(CursesTerminal.mouse(buttons: paydesk_wheel_down(), x: 0, y: 9) == MouseEvent(.wheelDown, x: 0, y: 9))
        #expect(CursesTerminal.mouse(buttons: paydesk_button1_released(), x: 3, y: 4) == nil)
        #expect(CursesTerminal.mouseEvents & paydesk_report_mouse_position() == 0, "no motion: Shift-drag stays the terminal's")
    }
}
}
