import Testing
@testable import Console
@testable import PaydeskCore

extension PaydeskTests {
/// The console's logic, key by key, without a terminal.
@Suite struct ConsoleUpdateTests {
    typealias F = ConsoleFixtures

    private func keys(_ s: ConsoleState) -> [String] { s.visibleKeys(s.tab) }

    // MARK: Tabs and movement

    @Test func tabsSwitchWithTabShiftTabAndDigits() {
        var s = F.state()
        #expect(s.tab == .sessions)
        s.press(.tab); #expect(s.tab == .payouts)
        s.press(.tab); #expect(s.tab == .history)
        s.press(.tab); #expect(s.tab == .sessions)
        s.press(.backTab); #expect(s.tab == .history)
        s.press(.character("2")); #expect(s.tab == .payouts)
        s.press(.character("1")); #expect(s.tab == .sessions)
        s.press(.character("3")); #expect(s.tab == .history)
    }

    @Test func theCursorMovesAndStopsAtTheEnds() {
        var s = F.state()
        // Sorted by time left: the next to expire first. ps_d4 expired and is not listed.
        #expect(keys(s) == ["ps_a1", "ps_b2", "ps_c3"])
        #expect(s.list.selectedKey == "ps_a1")
        s.press(.down); #expect(s.list.selectedKey == "ps_b2")
        s.press(.character("j")); #expect(s.list.selectedKey == "ps_c3")
        s.press(.down); #expect(s.list.selectedKey == "ps_c3")
        s.press(.up); #expect(s.list.selectedKey == "ps_b2")
        s.press(.character("k")); #expect(s.list.selectedKey == "ps_a1")
        s.press(.up); #expect(s.list.selectedKey == "ps_a1")
        s.press(.end); #expect(s.list.selectedKey == "ps_c3")
        s.press(.home); #expect(s.list.selectedKey == "ps_a1")
        s.press(.pageDown); #expect(s.list.selectedKey == "ps_c3")
        s.press(.pageUp); #expect(s.list.selectedKey == "ps_a1")
    }

    @Test func pagingMovesAScreenAndScrolls() {
        let many = (0..<40).map { F.payout(Int64(1000 + $0), ageSeconds: Int64(4000 - $0), order: "WD-\($0)", customer: "c", amount: 100) }
        var s = F.state(data: ConsoleData(payouts: many))
        s.press(.character("2"))
        let page = s.layout.listHeight
        s.press(.pageDown)
        #expect(s.list.cursor == page)
        #expect(s.list.top == 1, "the cursor's row is the last one on screen")
        s.press(.end)
        #expect(s.list.selectedKey == "1039")
        #expect(s.list.top == 40 - page)
        #expect(s.screen[s.layout.listTop + page - 1].contains("1039"))
    }

    @Test func theCursorStaysOnItsRowWhenRowsArrive() {
        var s = F.state()
        s.press(.down)
        #expect(s.list.selectedKey == "ps_b2")
        let data = ConsoleData(sessions: [F.session("ps_new", ageSeconds: 280, order: "ORD-2000", amount: 1)] + F.sessions,   // sorts first
                               payouts: F.payouts, attempts: F.attempts)
        _ = s.update(.loaded(data))
        #expect(keys(s).first == "ps_new")
        #expect(s.list.selectedKey == "ps_b2")
    }

    @Test func anExpiredSessionLeavesTheListAsTheClockMoves() {
        var s = F.state()
        #expect(s.count(.sessions) == 3)
        _ = s.update(.tick(F.now + 51))   // ps_a1 was 250 s old: 300 s is its end
        #expect(keys(s) == ["ps_b2", "ps_c3"])
        #expect(s.count(.sessions) == 2)
        #expect(s.screen[1].contains("XPay sessions (2)"))
    }

    // MARK: Filter and sort

    @Test func theFilterNarrowsAsYouTypeEnterKeepsItEscClearsIt() {
        var s = F.state()
        s.press(.character("/"))
        #expect(s.list.editingFilter)
        s.type("jpy")
        #expect(keys(s) == ["ps_c3"])
        s.press(.backspace)
        #expect(s.list.filter == "jp")
        s.press(.character("y"), .enter)
        #expect(!s.list.editingFilter)
        #expect(s.list.filter == "jpy")
        #expect(keys(s) == ["ps_c3"])
        s.press(.character("q"))   // after Enter, keys act again: q is quit
        #expect(s.list.filter == "jpy")
        s.press(.character("/"))
        s.press(.escape)
        #expect(s.list.filter.isEmpty && !s.list.editingFilter)
        #expect(keys(s).count == 3)
    }

    @Test func whileTypingAFilterLettersAreText() {
        var s = F.state()
        s.press(.character("/"))
        let effects = s.type("cq")
        #expect(effects.isEmpty, "c and q are letters of the filter, not cancel and quit")
        #expect(s.dialog == nil)
        #expect(s.list.filter == "cq")
    }

    @Test func escClearsAKeptFilter() {
        var s = F.state()
        s.press(.character("/")); s.type("1003"); s.press(.enter)
        #expect(keys(s) == ["ps_c3"])
        s.press(.escape)
        #expect(s.list.filter.isEmpty)
    }

    @Test func historyFiltersOnEveryColumn() {
        var s = F.state()
        s.press(.character("3"), .character("/"))
        s.type("approved")
        #expect(s.visibleAttempts().map(\.target) == ["752800"])
        s.press(.escape, .character("/"))
        s.type("PRAXIS")
        #expect(s.visibleAttempts().map(\.target) == ["752857", "752800"])
    }

    @Test func sCyclesTheSortColumnAndSReverses() {
        var s = F.state()
        #expect(s.list.sortColumn == 5)
        s.press(.character("s"))
        #expect(s.list.sortColumn == 6, "STATUS sorts too")
        s.press(.character("s"))
        #expect(s.list.sortColumn == 0, "wraps to the first sortable column: SESSION")
        #expect(keys(s) == ["ps_a1", "ps_b2", "ps_c3"])
        s.press(.character("S"))
        #expect(keys(s) == ["ps_c3", "ps_b2", "ps_a1"])
        s.press(.character("s"))
        #expect(s.list.sortColumn == 1)
        s.press(.character("s"))
        #expect(s.list.sortColumn == 2, "CUSTOMER")
        s.press(.character("s"))
        #expect(s.list.sortColumn == 3)
        #expect(keys(s) == ["ps_b2", "ps_a1", "ps_c3"], "AMOUNT: by currency, then minor units")
        #expect(s.screen[2].contains("AMOUNT▲"))
    }

    @Test func payoutsSortByTraceIdAsNumbers() {
        let data = ConsoleData(sessions: F.sessions, payouts: F.payouts + [F.payout(99, ageSeconds: 10, order: "WD-0", customer: "c", amount: 1)],
                               attempts: F.attempts)
        var s = F.state(data: data)
        s.press(.character("2"), .character("s"), .character("s"))
        #expect(s.list.sortColumn == 0)
        #expect(keys(s) == ["99", "752856", "752857", "752858"])
    }

    // MARK: Marking and cancelling

    @Test func spaceMarksMovesDownAndUnmarks() {
        var s = F.state()
        s.press(.character(" "))
        #expect(s.list.marked == ["ps_a1"])
        #expect(s.list.selectedKey == "ps_b2")
        s.press(.up, .character(" "))
        #expect(s.list.marked.isEmpty)
        #expect(s.screen[3].hasPrefix("   ps_a1"))
        s.press(.up, .character(" "))
        #expect(s.screen[3].hasPrefix(" * ps_a1"))
        #expect(s.screen[4].hasPrefix(">  ps_b2"), "the cursor moved on")
    }

    @Test func cEnterEnterNeverCancels() {
        var s = F.state()
        let effects = s.press(.character("c"), .enter, .enter)
        #expect(effects.isEmpty)
        #expect(s.dialog == nil)
        #expect(s.ownCalls.isEmpty)
    }

    @Test func onTestYConfirmsWithTheReason() {
        var s = F.state()
        s.press(.character("c"))
        guard case .cancel(let form, "xpay")? = s.dialog else { Issue.record("no cancel dialog"); return }
        #expect(form.targets == ["ps_a1"])
        s.type("customer asked")
        s.press(.enter)
        let effects = s.press(.character("y"))
        #expect(effects == [.cancel([TargetID(gateway: "xpay", key: "ps_a1")], reason: "customer asked")])
        #expect(s.dialog == nil)
        #expect(s.ownCalls == [TargetID(gateway: "xpay", key: "ps_a1")])
        #expect(s.screen[3].contains("in-flight"))
    }

    @Test func onTestTabThenEnterPressesYesAndNClosesEscCloses() {
        var s = F.state()
        #expect(s.press(.character("c"), .enter, .tab, .enter) == [.cancel([TargetID(gateway: "xpay", key: "ps_a1")], reason: "")])
        var t = F.state()
        #expect(t.press(.character("c"), .enter, .right, .left, .enter).isEmpty, "back on No")
        #expect(t.press(.character("c"), .enter, .character("n")).isEmpty)
        #expect(t.dialog == nil)
        #expect(t.press(.character("c"), .escape).isEmpty)
        #expect(t.dialog == nil)
        #expect(t.ownCalls.isEmpty)
    }

    @Test func onProductionTheReasonIsRequiredAndTheIdMustBeTyped() {
        var s = F.state(F.prod)
        s.press(.character("c"), .enter)
        guard case .cancel(let form, _)? = s.dialog else { Issue.record("the dialog closed"); return }
        #expect(form.stage == .reason)
        #expect(s.screenText.contains("A reason is required"))
        s.type("fraud")
        s.press(.enter)
        #expect(s.press(.character("y"), .enter).isEmpty, "y is just a letter here")
        #expect(s.screenText.contains("does not match"))
        s.press(.backspace)
        s.type("ps_a")
        #expect(s.press(.enter).isEmpty)
        s.type("1")
        #expect(s.press(.enter) == [.cancel([TargetID(gateway: "xpay", key: "ps_a1")], reason: "fraud")])
    }

    @Test func severalMarkedRowsOnProductionAskForTheirNumberAndCountWhatTheFilterHides() {
        var s = F.state(F.prod)
        s.press(.character("2"), .character(" "), .character(" "))   // 752856, 752857... 752857 is in doubt
        s.press(.home)
        #expect(s.list.marked == ["752856", "752857"])
        s.press(.character("c"))
        #expect(s.dialog == nil, "a row in doubt is refused before any dialog")
        #expect(s.notice?.text.contains("it may have gone through") == true)
        s.press(.down, .character(" "), .character(" "))   // unmark 752857, mark 752858
        #expect(s.list.marked == ["752856", "752858"])
        s.press(.character("/")); s.type("skrill"); s.press(.enter)
        s.press(.character("c"))
        guard case .cancel(let form, "praxis")? = s.dialog else { Issue.record("no dialog"); return }
        #expect(form.targets == ["752856", "752858"])
        #expect(form.hiddenByFilter == 1)
        #expect(s.screenText.contains("Cancel 2 marked Praxis payouts? (1 of them hidden by the filter)"))
        s.type("batch"); s.press(.enter)
        s.type("2")
        #expect(s.press(.enter) == [.cancel([TargetID(gateway: "praxis", key: "752856"), TargetID(gateway: "praxis", key: "752858")], reason: "batch")])
        #expect(s.list.marked.isEmpty)
    }

    @Test func readOnlyHasNoCancelAnywhere() {
        var s = F.state(F.audit)
        #expect(!s.actions.contains { $0.name == .cancel })
        #expect(!s.screen[23].contains("cancel"))
        s.press(.character("?"))
        guard case .help(let page)? = s.dialog else { Issue.record("no help"); return }
        #expect(!page.lines.contains { $0.text.contains("Cancel the selected row") })
        #expect(page.lines.contains { $0.text.contains("read-only") })
        s.press(.escape)
        #expect(s.press(.character("c")).isEmpty)
        #expect(s.dialog == nil)
        #expect(s.notice?.text.contains("read-only") == true)
        // With cancelling on, the same screens do offer it: the test above can fail.
        let t = F.state()
        #expect(t.screen[23].contains("c cancel"))
    }

    // MARK: In flight and in doubt

    @Test func anOutcomeEndsTheCallAsksForAReloadAndIsSaid() {
        var s = F.state()
        s.press(.character("c"), .enter, .character("y"))
        let id = TargetID(gateway: "xpay", key: "ps_a1")
        #expect(s.press(.character("c")).isEmpty, "the same row again")
        #expect(s.dialog == nil)
        #expect(s.notice?.text.contains("already in flight") == true)
        let effects = s.update(.callFinished(id, .outcome(AttemptOutcome(result: .cancelled, httpStatus: 200, description: "ok"),
                                                         attemptId: "a1", warnings: [])))
        #expect(effects == [.reload])
        #expect(s.ownCalls.isEmpty)
        #expect(s.notice?.text == "ps_a1: CANCELLED, cancelled by the gateway.")
    }

    @Test func anUnknownOutcomeIsCheckedWithTheGatewayAfterAPause() {
        var s = F.state()
        s.press(.character("c"), .enter, .character("y"))
        let id = TargetID(gateway: "xpay", key: "ps_a1")
        let effects = s.update(.callFinished(id, .outcome(AttemptOutcome(result: .unknown, description: "timed out"), attemptId: "a1", warnings: [])))
        #expect(effects == [.reload, .check([id], after: 5)])
        #expect(s.notice?.text.contains("checking with the gateway in 5 s") == true)
        #expect(s.notice?.role == .inDoubt)
        #expect(s.statuses[id] == .checking)
        let answer = GatewayCheck(verdict: .cancelled, facts: AttemptOutcome(result: .cancelled, httpStatus: 200, description: "session PAYMENT_COMPLETE"))
        #expect(s.update(.checkFinished(id, .answered(answer, checkId: "c1", warnings: []))) == [.reload])
        #expect(s.notice?.text == "ps_a1: checked, CANCELLED: the gateway shows it cancelled. session PAYMENT_COMPLETE")
        #expect(s.statuses[id] == nil, "the trail's next read says what the row is")

        // Off: the operator is told to check, and nothing is asked.
        let off = Profile(name: "TEST", production: false, xpayURL: "http://127.0.0.1:1/x", praxisURL: "http://127.0.0.1:1", autoCheckSeconds: 0)
        var quiet = F.state(off)
        quiet.press(.character("c"), .enter, .character("y"))
        let silent = quiet.update(.callFinished(id, .outcome(AttemptOutcome(result: .unknown, description: "timed out"), attemptId: "a1", warnings: [])))
        #expect(silent == [.reload])
        #expect(quiet.notice?.text.contains("Check with the gateway before retrying") == true)
    }

    @Test func vChecksTheRowOrTheMarkedRowsEvenReadOnly() {
        var s = F.state(F.audit)
        s.press(.character("2"), .down)
        let doubtful = TargetID(gateway: "praxis", key: "752857")
        #expect(s.statuses[doubtful] == .unknown)
        #expect(s.screen.last?.contains("v check") == true, "offered on a row whose answer proved nothing")
        #expect(s.press(.character("v")) == [.check([doubtful], after: 0)])
        #expect(s.statuses[doubtful] == .checking)
        #expect(s.press(.character("v")).isEmpty, "asked once at a time")
        s.press(.up)
        #expect(s.screen.last?.contains("v check") == false, "not offered on a row that is not in doubt")
        s.press(.character(" "), .character(" "))
        let marked = s.press(.character("v"))
        guard case .check(let ids, let delay)? = marked.first else { Issue.record("no check for the marked rows"); return }
        #expect(ids.count == 1 && delay == 0, "the row already being checked is left out")
        let failed = GatewayCheck.failed(AttemptOutcome(result: .failed, description: "no answer: timed out"))
        _ = s.update(.checkFinished(doubtful, .answered(failed, checkId: "c1", warnings: [])))
        #expect(s.notice?.text.contains("CHECK FAILED") == true)
    }

    @Test func aRowInDoubtIsMarkedAndCannotBeCancelledFromHere() {
        var s = F.state()
        s.press(.character("2"), .down)
        #expect(s.list.selectedKey == "752857")
        #expect(s.statuses[TargetID(gateway: "praxis", key: "752857")] == .unknown)
        #expect(s.screen[4].contains("UNKNOWN"), "the word history uses for an answer that proved nothing")
        s.press(.down)
        #expect(ConsoleView.render(s).grid[10, 4].role == .inDoubt, "off the cursor, the whole row stands out")
        s.press(.up)
        #expect(s.press(.character("c")).isEmpty)
        #expect(s.dialog == nil)
        #expect(s.notice?.text.contains("Check with the gateway first") == true)
    }

    // MARK: Nothing is cut

    @Test func wrapBreaksBetweenWordsHangsAndMeasuresWideCharacters() {
        let text = "description    the gateway refused the request because the session 漢字漢字漢字 was already closed"
        let lines = wrap(text, width: 40, hang: 15)
        #expect(lines.count > 2)
        #expect(lines.allSatisfy { displayWidth($0) <= 40 }, "\(lines)")
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(String(repeating: " ", count: 15)) && !$0.hasPrefix(String(repeating: " ", count: 16)) })
        #expect(lines.joined(separator: " ").split(separator: " ") == text.split(separator: " "), "every word kept, none split")
        // A word longer than a line is broken where it must be, nothing lost.
        let token = String(repeating: "a1", count: 40)
        let broken = wrap("id  " + token, width: 20, hang: 4)
        #expect(broken.allSatisfy { displayWidth($0) <= 20 })
        #expect(broken.map { $0.replacingOccurrences(of: " ", with: "") }.joined() == "id" + token)
        #expect(broken[0].hasPrefix("id  a1"), "started where it stands, not after an empty line")
        #expect(wrap("short", width: 20, hang: 0) == ["short"])
    }

    @Test func detailsWrapALongValueAndScrollToItsEnd() {
        let words = (1...120).map { "word\($0)" }
        let long = F.session("ps_long", ageSeconds: 10, order: "O-9", amount: 100, extra: [("description", .string(words.joined(separator: " ")))])
        var s = F.state(data: ConsoleData(sessions: [long]))
        s.press(.enter)
        guard case .details? = s.dialog else { Issue.record("no details"); return }
        #expect(s.screenText.contains("word1 "))
        #expect(!s.screenText.contains("word120"), "below the fold at first")
        #expect(s.screenText.contains("lines 1-16 of"))
        s.press(.end)
        #expect(s.screenText.contains("word120"))
        #expect(!s.screen.contains { $0.contains("…") }, "wrapped, never cut")
        s.press(.home)
        #expect(s.screenText.contains("session_id"))
        s.press(.pageDown)
        #expect(!s.screenText.contains("session_id"))
        s.press(.pageUp, .down)
        #expect(s.screenText.contains("lines 2-17 of"))
        // Every word can be read, page by page.
        var seen = Set<String>()
        s.press(.home)
        for _ in 0..<10 {
            for line in s.screen { for w in line.split(separator: " ") where w.hasPrefix("word") { seen.insert(String(w)) } }
            s.press(.pageDown)
        }
        #expect(seen.isSuperset(of: words))
    }

    @Test func aLongGatewayDescriptionIsReadInFullInTheAttempt() {
        let description = "Praxis refused the cancellation: " + String(repeating: "the payout is locked by the risk team pending review, ", count: 4)
            + "contact support with reference RISK-20261121-0042"
        var data = F.data
        data.attempts[2] = F.attempt("praxis", "752800", secondsAgo: 200, outcome: AttemptOutcome(result: .rejected, httpStatus: 200,
                                     gatewayStatus: "6", description: description, signatureValid: true, correlationId: "c-1"))
        var s = F.state(data: data)
        s.press(.character("3"), .end, .enter, .end)
        let words = s.screen.flatMap { $0.split(separator: " ").map(String.init) }
        #expect(words.contains("RISK-20261121-0042"))
        #expect(s.screen.filter { $0.contains("the payout is locked") }.count >= 2)
    }

    @Test func anAttemptsDetailsSayWhatTheRecordWasWorth() {
        var data = F.data
        var intent = data.attempts[0].intent
        intent.amount = RecordAmount(minorUnits: 4990, currency: "GBP")
        data.attempts[0] = Attempt(intent: intent, outcome: data.attempts[0].outcome, state: data.attempts[0].state)
        var s = F.state(data: data)
        s.press(.character("3"), .home, .enter)
        #expect(s.screen.contains { $0.contains("amount") && $0.contains("49.90 GBP (4990 minor units)") }, "\(s.screen.joined(separator: "\n"))")
    }

    @Test func aNoticeTooLongForTheLineIsMarkedAndOpensInFullOnN() {
        var s = F.state()
        let why = "the gateway could not be reached: connection refused by 127.0.0.1:1; check the profile's xpay_url in config.toml, "
            + "then press r to reload and try again"
        _ = s.update(.callFinished(TargetID(gateway: "xpay", key: "ps_a1"), .refused(why)))
        let line = s.screen[s.layout.messageRow]
        #expect(line.hasSuffix("…  (n: in full)"), "\(line)")
        #expect(s.screen.last?.contains("n full message") == true)
        s.press(.character("n"))
        guard case .details(let page)? = s.dialog else { Issue.record("no page"); return }
        #expect(page.title == "Message")
        #expect(s.screenText.contains("try again"))
        #expect(s.screenText.contains("check the profile's"))
        s.press(.escape)
        #expect(s.dialog == nil)
        #expect(s.notice?.text.hasSuffix("try again") == true, "still on the line behind")
        // A message that fits is not marked, and the key bar does not offer n.
        _ = s.update(.notice("Theme light.", isError: false))
        #expect(!s.screen[s.layout.messageRow].contains("(n: in full)"))
        #expect(s.screen.last?.contains("n full message") == false)
        s.press(.character("?"))
        #expect(s.screenText.contains("The status line's message in full"), "the help always lists it")
    }

    @Test func problemsReadingTheFilesOpenInFullToo() {
        var data = F.data
        data.payoutsProblem = "3 bad line(s) skipped in /home/desk/.local/share/paydesk/TEST/payouts.jsonl (the file is unchanged), "
            + "first at line 17: amount is not a whole number. `paydesk store check` lists them."
        var s = F.state(data: data)
        #expect(s.screen[s.layout.messageRow].hasSuffix("(n: in full)"))
        s.press(.character("n"))
        #expect(s.screenText.contains("first at line 17"))
        #expect(s.screenText.contains("lists them."))
        s.press(.escape)
        #expect(s.screen[s.layout.messageRow].contains("3 bad line(s)"))
    }

    // MARK: Columns sized to what is on screen

    /// Where each title of the header row starts.
    private func columnStarts(_ s: ConsoleState) -> [String: Int] {
        let header = s.screen[s.layout.headerRow]
        var starts: [String: Int] = [:]
        for title in ["SESSION", "TRACE", "ORDER", "CUSTOMER", "AMOUNT", "METHOD", "REQUESTED", "STATUS", "DESCRIPTION", "REASON"] {
            if let r = header.range(of: title) { starts[title] = header.distance(from: header.startIndex, to: r.lowerBound) }
        }
        return starts
    }

    @Test func columnsAreAsWideAsTheRowsOnScreenNeed() {
        let id = "ps_0123456789ab"   // 15 characters
        let sessions = [F.session(id, ageSeconds: 10, order: "O-1", amount: 100, customer: "cust-5")]
        let method = "bank_transfer_sepa"
        let payouts = [F.payout(7, ageSeconds: 10, order: "WD-7", customer: "c-1", amount: 100, method: method)]
        var s = F.state(width: 80, data: ConsoleData(sessions: sessions, payouts: payouts))
        let starts = columnStarts(s)
        #expect(starts["ORDER"]! - starts["SESSION"]! == id.count + 1, "SESSION as wide as its id, and a blank")
        #expect(s.screen[3].contains("cust-5"), "sessions show the customer")
        s.press(.character("2"))
        #expect(s.screen[3].contains(method), "METHOD is not cut while there is room: \(s.screen[3])")
    }

    @Test func onlyTheRowsOnScreenAreMeasured() {
        let long = String(repeating: "x", count: 40)
        let payouts: [TargetRow] = (0..<40).map { (i: Int) -> TargetRow in
            let customer = i == 39 ? long : "c"
            return F.payout(Int64(1000 + i), ageSeconds: Int64(4000 - i), order: "WD-\(i)", customer: customer, amount: 100)
        }
        var s = F.state(width: 120, height: 40, data: ConsoleData(payouts: payouts))
        s.press(.character("2"))
        let narrow = columnStarts(s)
        #expect(narrow["AMOUNT"]! - narrow["CUSTOMER"]! < 15, "the long customer is off screen")
        s.press(.end)
        let wide = columnStarts(s)
        #expect(wide["AMOUNT"]! - wide["CUSTOMER"]! > 40, "on screen now, its column grows")
        #expect(s.screen.contains { $0.contains(long) })
    }

    @Test func historysDescriptionTakesTheRoomLeft() {
        var s = F.state(width: 120, height: 40)
        s.press(.character("3"))
        let context = RowContext(now: s.now, statuses: s.statuses)
        let needed = ListColumn.needed(Columns.history, s.visibleAttempts(), context, sortColumn: 0)
        let widths = ListColumn.widths(Columns.history, needed: needed, in: 118)
        #expect(widths.reduce(0, +) + widths.count - 1 == 118, "every cell of the line is given out")
        #expect(Array(widths.dropLast()) == Array(needed.dropLast()), "the other columns as wide as their cells, the rest to DESCRIPTION")
        #expect(s.screen[3].contains("the answer's signature does not"))
        // At 80 columns the description is what gets cut, marked with an ellipsis.
        var narrow = F.state(width: 80)
        narrow.press(.character("3"))
        #expect(narrow.screen[3].hasSuffix("…"))
        #expect(narrow.screen[3].contains("752857"))
    }

    // MARK: Refuse before asking

    private func cancelHint(_ s: ConsoleState) -> String? {
        KeyBar.hints(for: s).first { $0.label == "c" }?.summary
    }

    @Test func theKeyBarSaysWhyCIsUnavailableForTheRowUnderTheCursor() {
        var data = F.data
        // 752858: its paydesk died mid-call (an intent without outcome): in doubt.
        data.attempts.insert(F.attempt("praxis", "752858", secondsAgo: 10, outcome: nil), at: 0)
        var s = F.state(data: data)
        #expect(cancelHint(s) == "cancel")
        s.press(.character("2"))
        #expect(cancelHint(s) == "cancel", "752856 may be cancelled")
        s.press(.down)
        #expect(cancelHint(s) == "n/a: UNKNOWN")
        s.press(.character("v"))
        #expect(cancelHint(s) == "n/a: checking", "a check of ours on its way")
        _ = s.update(.checkFinished(TargetID(gateway: "praxis", key: "752857"), .refused("test")))
        #expect(cancelHint(s) == "n/a: UNKNOWN")
        s.press(.down)
        #expect(cancelHint(s) == "n/a: IN-DOUBT")
        #expect(s.screen.last?.contains("c n/a: IN-DOUBT") == true)
        #expect(s.press(.character("c")).isEmpty)
        #expect(s.dialog == nil, "refused before any dialog")
        #expect(s.notice?.text.hasPrefix("Cannot cancel: an earlier attempt on payout 752858") == true)
        #expect(s.notice?.text.contains("is IN-DOUBT") == true)
        // Our own call on its way: in flight, until its answer.
        s.press(.home, .character("c"), .enter, .character("y"))
        #expect(cancelHint(s) == "n/a: in-flight")
        s.press(.character("c"))
        #expect(s.dialog == nil)
        #expect(s.notice?.text.contains("already in flight") == true)
        // Marked rows: refused when one of them is, naming it.
        s.press(.down, .character(" "), .character(" "))
        #expect(s.list.marked == ["752857", "752858"])
        #expect(cancelHint(s) == "n/a: UNKNOWN")
        s.press(.character("c"))
        #expect(s.dialog == nil)
        #expect(s.notice?.text.hasPrefix("Cannot cancel 2 of the 2 marked rows; first: an earlier attempt on payout 752857") == true)
    }

    @Test func aProfileWithoutAGatewaysCredentialsRefusesBeforeTheDialog() {
        let missing = Credentials(environment: ["PAYDESK_TEST_XPAY_API_KEY": "k"]).missing(of: F.test)
        #expect(missing["xpay"] == nil)
        #expect(missing["praxis"]?.contains("praxis_secret missing (set $PAYDESK_TEST_PRAXIS_SECRET)") == true)
        var s = ConsoleState(profile: F.test, profiles: [F.test], operatorName: "m.rossi", themeNames: ["default"], themeName: "default",
                             now: F.now, width: 80, height: 24, missingCredentials: missing)
        _ = s.update(.loaded(F.data))
        #expect(cancelHint(s) == "cancel", "XPay's key is there")
        s.press(.character("2"))
        #expect(cancelHint(s) == "n/a: no credentials")
        #expect(s.press(.character("c")).isEmpty)
        #expect(s.dialog == nil)
        #expect(s.notice?.text.contains("profile TEST has no credentials for Praxis: praxis_merchant_id missing") == true)
        #expect(!s.screenText.contains("Cancel on"))
        // A switch to a profile that has them all lifts it.
        _ = s.update(.profileSwitched(F.test, F.data, themeName: "default", missingCredentials: [:]))
        s.press(.character("2"))
        #expect(cancelHint(s) == "cancel")
    }

    @Test func aReadOnlyProfileAndAnExpiredSessionSayWhyInTheKeyBar() {
        var s = F.state(F.audit)
        #expect(s.screen.last?.hasPrefix(" c n/a: read-only") == true)
        s.press(.character("3"))
        #expect(cancelHint(s) == nil, "History has no c")
        // ps_a1 has 50 s left; under the details dialog the rows hold still while time passes.
        var t = F.state()
        t.press(.enter)
        _ = t.update(.tick(F.now + 60))
        t.press(.escape)
        #expect(t.list.selectedKey == "ps_a1")
        #expect(cancelHint(t) == "n/a: expired")
        t.press(.character("c"))
        #expect(t.dialog == nil)
        #expect(t.notice?.text == "Cannot cancel: session ps_a1 is expired, not open (XPay sessions expire 5 minutes after creation). Nothing was sent.")
    }

    @Test func anotherPaydesksCallInFlightShowsAndBlocks() {
        var data = F.data
        data.attempts.insert(F.attempt("xpay", "ps_b2", secondsAgo: 2, outcome: nil, inFlight: true), at: 0)
        var s = F.state(data: data)
        #expect(s.screen[4].contains("in-flight"))
        s.press(.down, .character("c"))
        #expect(s.dialog == nil)
    }

    @Test func refusalsAreSaidAsErrors() {
        var s = F.state()
        s.press(.character("c"), .enter, .character("y"))
        _ = s.update(.callFinished(TargetID(gateway: "xpay", key: "ps_a1"), .refused("refused: session ps_a1 is expired")))
        #expect(s.notice == ConsoleState.Notice(text: "ps_a1: refused: session ps_a1 is expired", role: .error))
        #expect(s.ownCalls.isEmpty)
    }

    @Test func theMovesPeopleReachForFromLessAndVim() {
        var s = F.state(width: 80, height: 24)
        s.press(.character("G"))
        #expect(s.list.cursor == 2, "G: the last row")
        s.press(.character("g"))
        #expect(s.list.cursor == 0, "g: the first row")
        s.press(.control("d"))
        #expect(s.list.cursor == 2, "Ctrl-d: half a page down (the list is shorter)")
        s.press(.control("u"))
        #expect(s.list.cursor == 0)
        s.press(.character("?"))
        guard case .help(let page)? = s.dialog else { Issue.record("no help"); return }
        #expect(page.lines.contains { $0.text.contains("Ctrl-d") } && page.lines.contains { $0.text.contains("Home/g") })
    }

    @Test func ctrlDAndCtrlUMoveHalfAScreenOnALongList() {
        let rows = (0..<60).map { F.payout(800_000 + Int64($0), ageSeconds: Int64(6_000 - $0), order: "W-\($0)", customer: "c", amount: 100) }
        var s = F.state(data: ConsoleData(sessions: F.sessions, payouts: rows, attempts: []))
        s.press(.character("2"))
        let half = s.layout.listHeight / 2
        #expect(half > 1)
        s.press(.control("d"))
        #expect(s.list.cursor == half, "half a screen, not the end")
        s.press(.control("d"))
        #expect(s.list.cursor == 2 * half)
        s.press(.control("u"))
        #expect(s.list.cursor == half)
        s.press(.character("G"), .control("u"))
        #expect(s.list.cursor == 59 - half)
    }

    // MARK: Dialogs pause the background

    @Test func underADialogTheRowsWaitButTheClockAndAnswersGoOn() {
        var s = F.state()
        s.press(.character("c"))
        _ = s.update(.tick(F.now + 100))
        #expect(s.now == F.now + 100, "a session counts down inside the cancel dialog")
        #expect(s.count(.sessions) == 3, "but an expired one stays listed until the dialog closes")
        var fresh = ConsoleData(sessions: Array(F.sessions.dropFirst()), payouts: F.payouts, attempts: F.attempts)
        fresh.attempts.insert(F.attempt("xpay", "ps_c3", secondsAgo: 1, outcome: AttemptOutcome(result: .failed, description: "down")), at: 0)
        _ = s.update(.loaded(fresh))
        #expect(s.data.sessions.count == 4, "the rows under the dialog stay")
        #expect(s.data.attempts.count == 4, "the audit pane moves on")
        s.press(.escape)
        #expect(s.data.sessions.count == 3)
        _ = s.update(.tick(F.now + 101))
        #expect(s.now == F.now + 101)
    }

    @Test func aSessionThatExpiresWhileTheReasonIsTypedIsNotSent() {
        var s = F.state()
        let first = s.list.selectedKey
        s.press(.character("c"))
        #expect(s.screenText.contains("left 0:50"), "the dialog counts the session down")
        _ = s.update(.tick(F.now + 60))
        #expect(s.screenText.contains("EXPIRED"))
        s.type("customer called")
        let effects = s.press(.enter, .character("y"))
        #expect(effects.isEmpty, "nothing is sent")
        #expect(s.notice?.text.contains("expired while the dialog was open: nothing was sent") == true)
        #expect(first != nil)
    }

    // MARK: Details and help

    @Test func enterShowsEveryFieldUnknownOnesIncludedAndEscCloses() {
        var s = F.state()
        s.press(.down, .enter)
        guard case .details(let page)? = s.dialog else { Issue.record("no details"); return }
        #expect(page.title == "Session ps_b2")
        #expect(page.lines.contains { $0.text.contains("merchant_note") && $0.text.contains("not a field paydesk knows") })
        #expect(page.lines.contains { $0.text.contains("order_id") && $0.text.contains("ORD-1002") })
        s.press(.escape)
        #expect(s.dialog == nil)
    }

    @Test func aPayoutsDetailsListItsAttempts() {
        var s = F.state()
        s.press(.character("2"), .down, .enter)
        guard case .details(let page)? = s.dialog else { Issue.record("no details"); return }
        #expect(page.lines.contains { $0.text.contains("UNKNOWN") && $0.text.contains("HTTP 200") })
        #expect(page.lines.contains { $0.text.contains("Check with the gateway") })
        #expect(page.lines.contains { $0.text.hasPrefix("amount") && $0.text.hasSuffix("123.45 EUR (12345 minor units)") },
                "money as money, and the stored number beside it")
    }

    @Test func historyEnterShowsTheAttemptWithItsCorrelationId() {
        var s = F.state()
        s.press(.character("3"), .down, .enter)
        guard case .details(let page)? = s.dialog else { Issue.record("no details"); return }
        #expect(page.title == "Attempt on xpay ps_zz")
        #expect(page.lines.contains { $0.text.hasPrefix("Correlation-Id") && $0.text.hasSuffix("c-2") })
        #expect(page.lines.contains { $0.text.hasPrefix("latency") && $0.text.contains("412 ms") })
        s.press(.enter)
        #expect(s.dialog == nil)
    }

    @Test func helpListsEveryActionOfTheScreenAndScrolls() {
        var s = F.state(width: 80, height: 24)
        s.press(.character("?"))
        guard case .help(let page)? = s.dialog else { Issue.record("no help"); return }
        for action in s.actions { #expect(page.lines.contains { $0.text.contains(action.help) }, "\(action.label)") }
        s.press(.down)
        guard case .help(let scrolled)? = s.dialog else { Issue.record("closed"); return }
        #expect(scrolled.scroll == 1)
        s.press(.escape)
        #expect(s.dialog == nil)
    }

    // MARK: Profiles, themes, reload, quit

    @Test func switchingToATestProfileIsOneEnter() {
        var s = F.state(F.prod)
        s.press(.character("p"))
        guard case .profiles(let switcher)? = s.dialog else { Issue.record("no switcher"); return }
        #expect(switcher.cursor == 1, "starts on the current profile")
        #expect(s.screenText.contains("PRODUCTION") && s.screenText.contains("READ-ONLY"))
        #expect(s.press(.up, .enter) == [.switchProfile("TEST")])
    }

    @Test func switchingToProductionAsksForItsName() {
        var s = F.state()
        s.press(.character("p"), .down, .enter)
        guard case .profiles(let switcher)? = s.dialog else { Issue.record("closed"); return }
        #expect(switcher.confirming == "PROD")
        #expect(s.type("prod").isEmpty)
        #expect(s.press(.enter).isEmpty)
        #expect(s.screenText.contains("is not PROD"))
        s.press(.backspace, .backspace, .backspace, .backspace)
        s.type("PROD")
        #expect(s.press(.enter) == [.switchProfile("PROD")])
        #expect(s.dialog == nil)
    }

    @Test func escFromTheNameGoesBackAndEscAgainCloses() {
        var s = F.state()
        s.press(.character("p"), .down, .enter, .escape)
        guard case .profiles(let switcher)? = s.dialog else { Issue.record("closed"); return }
        #expect(switcher.confirming == nil)
        s.press(.escape)
        #expect(s.dialog == nil)
        #expect(s.press(.character("p"), .enter).isEmpty, "Enter on the current profile just closes")
        #expect(s.dialog == nil)
    }

    @Test func noSwitchingWhileCallsAreInFlight() {
        var s = F.state()
        s.press(.character("c"), .enter, .character("y"), .character("p"))
        #expect(s.dialog == nil)
        #expect(s.notice?.text.contains("in flight") == true)
    }

    @Test func aSwitchedProfileShowsOnlyItsOwnData() {
        var s = F.state()
        s.press(.character("/")); s.type("x"); s.press(.enter, .character("2"))
        _ = s.update(.profileSwitched(F.prod, ConsoleData(), themeName: "high-contrast"))
        #expect(s.profile == F.prod)
        #expect(s.tab == .sessions)
        #expect(s.list.filter.isEmpty)
        #expect(s.count(.sessions) == 0 && s.count(.history) == 0)
        #expect(s.themeName == "high-contrast")
        #expect(s.screen[0].contains("PROD · PRODUCTION"))
    }

    @Test func tAsksForTheNextThemeAndRReloads() {
        var s = F.state()
        #expect(s.press(.character("t")) == [.useTheme("light")])
        _ = s.update(.themeChanged("light"))
        #expect(s.press(.character("t")) == [.useTheme("high-contrast")])
        #expect(s.press(.character("r")) == [.reload])
    }

    @Test func qQuitsAtOnceWhenNothingIsInFlight() {
        var s = F.state()
        #expect(s.press(.character("q")) == [.quit])
        var t = F.state()
        #expect(t.update(.interrupt) == [.quit], "Ctrl-C is q")
        var u = F.state()
        u.press(.character("c"))
        #expect(u.update(.interrupt) == [.quit], "from inside a dialog too, sending nothing")
        #expect(u.dialog == nil && u.ownCalls.isEmpty)
    }

    @Test func qWithACallInFlightAsksAndQuitsWhenTheAnswerIsIn() {
        var s = F.state()
        s.press(.character("c"), .enter, .character("y"))
        #expect(s.press(.character("q")).isEmpty)
        #expect(s.dialog == .quit(yesFocused: false))
        #expect(s.press(.enter).isEmpty, "Enter on No stays")
        #expect(s.dialog == nil)
        s.press(.character("q"), .character("y"))
        #expect(s.quitting)
        #expect(s.press(.character("c")).isEmpty)
        #expect(s.dialog == nil, "no new cancellations while quitting")
        let effects = s.update(.callFinished(TargetID(gateway: "xpay", key: "ps_a1"), .outcome(AttemptOutcome(result: .cancelled, description: "ok"),
                                                                                              attemptId: "a", warnings: [])))
        #expect(effects == [.reload, .quit])
    }

    @Test func escClosesEveryDialog() {
        for opening in [[Key.character("c")], [.character("c"), .enter], [.enter], [.character("?")], [.character("p")]] {
            var s = F.state()
            for key in opening { s.press(key) }
            #expect(s.dialog != nil)
            s.press(.escape)
            #expect(s.dialog == nil, "\(opening)")
        }
        var q = F.state()
        q.press(.character("c"), .enter, .character("y"), .character("q"))
        #expect(q.dialog != nil)
        q.press(.escape)
        #expect(q.dialog == nil && !q.quitting)
    }

    // MARK: Size

    @Test func aTooSmallTerminalSaysSoAndResizingBringsTheScreenBack() {
        var s = F.state(F.prod)
        _ = s.update(.resize(width: 60, height: 20))
        #expect(s.screenText.contains("paydesk needs at least 80x24"))
        #expect(s.screen[0].contains("PRODUCTION"))
        _ = s.update(.resize(width: 100, height: 30))
        #expect(s.screen[1].contains("XPay sessions (3)"))
        #expect(s.layout.listHeight == 30 - 6 - 7)
    }
}
}
