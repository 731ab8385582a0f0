import PaydeskCore

extension ConsoleState {
    /// The console's logic: applies `event` and returns the I/O to do. Pure: same state and event, same result.
    public mutating func update(_ event: ConsoleEvent) -> [ConsoleEffect] {
        var effects: [ConsoleEffect] = []
        let attemptsBefore = data.attempts, callsBefore = ownCalls, checksBefore = ownChecks
        switch event {
        case .key(let key):
            effects = handle(key)
        case .mouse(let mouse):
            handle(mouse)
        case .tick(let time):
            // Time runs on under a dialog (the cancel dialog counts a session down), but the rows under it stay put:
            // an expired session leaves the list once the dialog closes.
            now = time
            if dialog == nil { sessionsView.expire(data.sessions, tab: .sessions, now: now) }
        case .resize(let width, let height):
            layout = ConsoleLayout(width: width, height: height)
        case .loaded(let fresh):
            if dialog == nil {
                replaceData(fresh)
            } else {
                // The audit pane and history move on; the rows wait until the dialog closes.
                data.attempts = fresh.attempts
                deferredChanges = [ConsoleDataChange(sessions: RowChange(isFresh: true, opened: fresh.sessions.rows, problem: fresh.sessionsProblem),
                                                     payouts: RowChange(isFresh: true, opened: fresh.payouts.rows, problem: fresh.payoutsProblem))]
            }
        case .changed(let change):
            if dialog == nil {
                apply(change)
            } else {
                if let attempts = change.attempts { data.attempts = attempts }
                if let problem = change.auditProblem { data.auditProblem = problem.isEmpty ? nil : problem }
                deferredChanges.append(ConsoleDataChange(sessions: change.sessions, payouts: change.payouts))
            }
        case .callFinished(let id, let result):
            ownCalls.remove(id)
            notice = Self.notice(for: id, result)
            effects.append(.reload)
            if quitting, ownCalls.isEmpty, ownChecks.isEmpty { effects.append(.quit) }
            // An answer that proves nothing: ask the gateway once, after a pause that lets it settle.
            if case .outcome(let outcome, _, _) = result, outcome.result == .unknown, profile.autoCheckSeconds > 0, !quitting {
                ownChecks.insert(id)
                effects.append(.check([id], after: profile.autoCheckSeconds))
                notice = Notice(text: "\(id.key): UNKNOWN, it may or may not have been cancelled; checking with the gateway in "
                                + "\(max(1, Int(profile.autoCheckSeconds.rounded()))) s…", role: .inDoubt)
            }
        case .checkFinished(let id, let result):
            ownChecks.remove(id)
            notice = Self.notice(for: id, result)
            effects.append(.reload)
            if quitting, ownCalls.isEmpty, ownChecks.isEmpty { effects.append(.quit) }
        case .profileSwitched(let newProfile, let fresh, let theme, let missing):
            profile = newProfile
            missingCredentials = missing
            themeName = theme
            lists = Self.freshLists
            dialog = nil
            deferredChanges = []
            tab = .sessions
            replaceData(fresh)
            notice = Notice(text: "Now on profile \(newProfile.name)" + (newProfile.production ? " (PRODUCTION)" : "")
                            + (newProfile.readOnly ? ", read-only" : ""), role: newProfile.production ? .production : .ok)
        case .themeChanged(let name):
            themeName = name
            notice = Notice(text: "Theme \(name).", role: .dim)
        case .notice(let text, let isError):
            notice = Notice(text: text, role: isError ? .error : .warning)
        case .filtered(let result):
            let (rows, statuses, now) = (data[result.tab], statuses, now)
            withView(result.tab) { $0.accept(result, rows, tab: result.tab, statuses: statuses, now: now) }
        case .interrupt:
            // Closes whatever dialog is open (nothing is sent) and asks as q does; a second Ctrl-C on that question does nothing.
            if case .quit? = dialog { break }
            closeDialog()
            effects = quit()
        }
        // Unchanged arrays share their storage, so comparing them costs nothing.
        let attemptsChanged = data.attempts != attemptsBefore || ownCalls != callsBefore || ownChecks != checksBefore
        if attemptsChanged { refreshStatuses() }
        effects += refreshViews(statusesChanged: attemptsChanged)
        // A key changes only the tab on screen (switching tabs included); anything else may move every tab's rows.
        let touched: [ConsoleTab] = switch event {
        case .key, .mouse: [tab]
        default: ConsoleTab.allCases
        }
        for tab in touched { lists[tab]!.settle(keys: shownKeys(tab), pageHeight: layout.listHeight) }
        return effects
    }

    /// Sorts the tab by `column`, newest first on History, oldest first elsewhere.
    private mutating func sort(by column: Int) {
        lists[tab]!.sortColumn = column
        lists[tab]!.descending = tab == .history
    }

    /// Each attempted target's status, from the trail (grouped by target again only when it changed) and this
    /// console's own calls.
    private mutating func refreshStatuses() {
        if data.attempts != groupedAttempts {   // the same storage compares at once
            attemptsByTarget = Dictionary(grouping: data.attempts) { TargetID(gateway: $0.gateway, key: $0.target) }
            groupedAttempts = data.attempts
        }
        statuses = TargetStatus.all(attemptsByTarget: attemptsByTarget, ownCalls: ownCalls, ownChecks: ownChecks)
    }

    /// Every row anew (a first load, a profile switch).
    private mutating func replaceData(_ fresh: ConsoleData) {
        data = fresh
        deferredChanges = []
        refreshStatuses()
        sessionsView.rebuild(data.sessions, tab: .sessions, list: lists[.sessions]!, statuses: statuses, now: now)
        payoutsView.rebuild(data.payouts, tab: .payouts, list: lists[.payouts]!, statuses: statuses, now: now)
        dropMarksOfClosedRows(.sessions)
        dropMarksOfClosedRows(.payouts)
    }

    /// Unmarks the rows the tab no longer holds (as many lookups as marks); not while a store is still being read
    /// anew (a compacted file), since a marked row may simply not be read yet.
    private mutating func dropMarksOfClosedRows(_ tab: ConsoleTab) {
        let rows = data[tab]
        guard !rows.isLoading else { return }
        lists[tab]!.marked = lists[tab]!.marked.filter { rows[$0] != nil }
    }

    /// What the files said since the last change: the views take in only the rows it names.
    private mutating func apply(_ change: ConsoleDataChange) {
        if let attempts = change.attempts {
            data.attempts = attempts
            refreshStatuses()   // now, for the rows this change merges
        }
        if let problem = change.auditProblem { data.auditProblem = problem.isEmpty ? nil : problem }
        for tab in [ConsoleTab.sessions, .payouts] {
            guard let rowChange = tab == .sessions ? change.sessions : change.payouts else { continue }
            // Mutated in place: through a subscript's copy, every change would copy every row.
            let delta: TargetRows.SlotChange
            if tab == .sessions {
                delta = data.sessions.apply(rowChange)
                data.sessionsProblem = rowChange.problem
            } else {
                delta = data.payouts.apply(rowChange)
                data.payoutsProblem = rowChange.problem
            }
            // A row that closed is no longer marked: the count of marked rows on screen stays true.
            if delta.isFresh { dropMarksOfClosedRows(tab) } else { lists[tab]!.marked.subtract(rowChange.closed) }
            let (rows, list, statuses, now) = (data[tab], lists[tab]!, statuses, now)
            withView(tab) { view in
                if delta.isFresh {
                    view.rebuild(rows, tab: tab, list: list, statuses: statuses, now: now)
                } else {
                    view.merge(delta, rows, tab: tab, statuses: statuses, now: now)
                }
            }
        }
    }

    /// Brings the views in line with each tab's order and filter (a long list's filter is searched in the
    /// background: the jobs are returned), and the History tab with the attempts.
    private mutating func refreshViews(statusesChanged: Bool) -> [ConsoleEffect] {
        var jobs: [ConsoleEffect] = []
        for tab in [ConsoleTab.sessions, .payouts] {
            let (rows, list, statuses, now) = (data[tab], lists[tab]!, statuses, now)
            let job = withView(tab) { view -> FilterJob? in
                if view.sortColumn != list.sortColumn || view.descending != list.descending {
                    view.rebuild(rows, tab: tab, list: list, statuses: statuses, now: now)
                } else if statusesChanged {
                    view.restatus(rows, tab: tab, statuses: statuses, now: now)
                }
                return view.refilter(list.filter, tab: tab, rows, statuses: statuses, force: statusesChanged && !list.filter.isEmpty)
            }
            if let job { jobs.append(.filter(job)) }
        }
        // The History tab: sorted again only when the attempts, its filter or its order changed.
        let history = lists[.history]!
        let inputs = HistoryInputs(attempts: data.attempts, filter: history.filter, sortColumn: history.sortColumn, descending: history.descending)
        if inputs != historyInputs {
            historyInputs = inputs
            historyRows = historyView()
        }
        return jobs
    }

    private func historyView() -> [Attempt] {
        let state = lists[.history]!
        var rows = data.attempts
        if !state.filter.isEmpty {
            let filter = LineFilter(state.filter)
            rows = rows.filter { a in
                [a.intent.operatorName, a.gateway, a.target, a.intent.reason ?? "", a.word.shown, a.outcome?.outcome?.description ?? "",
                 a.outcome?.outcome?.gatewayStatus ?? ""].contains(where: filter.matches)
            }
        }
        guard case .value(let key)? = Columns.history[state.sortColumn].order else { return rows }
        let keys = rows.map(key)
        return rows.indices.sorted { a, b in
            if keys[a] != keys[b] { return (keys[a] < keys[b]) != state.descending }
            return rows[a].id < rows[b].id
        }.map { rows[$0] }
    }

    private mutating func handle(_ key: Key) -> [ConsoleEffect] {
        if dialog != nil { return handleDialog(key) }
        let message = statusMessage
        notice = nil
        if list.editingFilter, let effects = editFilter(key) { return effects }
        guard let action = actions.first(where: { $0.keys.contains(key) }) else {
            if key == .character("c"), profile.readOnly {
                notice = Notice(text: "Cannot cancel: \(CancelRefusal.readOnly(profile: profile.name).text); nothing can be cancelled from it.",
                                role: .readOnly)
            }
            return []
        }
        if action.name == .fullMessage {
            showInFull(message)
            return []
        }
        return perform(action.name)
    }

    /// `n`: the status line's message on a page of its own, wrapped, nothing cut; it stays on the line behind.
    private mutating func showInFull(_ message: Notice?) {
        guard let message else {
            notice = Notice(text: "No message to show.", role: .dim)
            return
        }
        if message != statusMessage { notice = message }   // a notice; the problems show again by themselves
        dialog = .details(DetailsDialog(title: "Message", lines: [DetailsDialog.Line(message.text, message.role)]))
    }

    /// A click selects the tab or the row under it, or sorts by the column whose title it is on; the wheel moves three
    /// rows (in a page dialog, three lines).
    /// Where things are comes from the layout and the tab labels the view draws, so a click lands where it shows.
    private mutating func handle(_ mouse: MouseEvent) {
        guard !layout.isTooSmall else { return }
        let step = mouse.kind == .wheelUp ? -3 : 3
        switch dialog {
        case nil: break
        case .details(let page)? where mouse.kind != .press:
            dialog = .details(scrolled(page, by: step))
            return
        case .help(let page)? where mouse.kind != .press:
            dialog = .help(scrolled(page, by: step))
            return
        default: return   // a dialog's choices are made with keys
        }
        guard mouse.kind == .press else { return move(by: step) }
        if mouse.y == layout.headerRow, let column = ConsoleView.headerColumn(self, atX: mouse.x), sortableColumns.contains(column) {
            // A click on a column's title sorts by it; on the column already sorted by, the other way round.
            notice = nil
            if list.sortColumn == column { lists[tab]!.descending.toggle() } else { sort(by: column) }
        } else if mouse.y == layout.tabRow, let chosen = ConsoleView.tabSpans(self).first(where: { $0.columns.contains(mouse.x) })?.tab {
            notice = nil
            lists[tab]!.editingFilter = false
            tab = chosen
        } else if (layout.listTop..<layout.listTop + layout.listHeight).contains(mouse.y) {
            let position = list.top + mouse.y - layout.listTop
            guard position < shownCount(tab) else { return }
            notice = nil
            move(by: position - list.cursor)
        }
    }

    /// A page moved a line at a time, as the arrows move it.
    private func scrolled(_ page: DetailsDialog, by lines: Int) -> DetailsDialog {
        var page = page
        for _ in 0..<abs(lines) { _ = page.handle(lines < 0 ? .up : .down, visibleLines: dialogBodyLines, width: dialogTextWidth) }
        return page
    }

    /// Typing into the filter. Returns nil for keys that act as usual while typing (the arrows).
    private mutating func editFilter(_ key: Key) -> [ConsoleEffect]? {
        switch key {
        case .enter: lists[tab]!.editingFilter = false
        case .escape:
            lists[tab]!.filter = ""
            lists[tab]!.editingFilter = false
        case .backspace:
            if !lists[tab]!.filter.isEmpty { lists[tab]!.filter.removeLast() }
        case .character(let c) where c.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }):
            lists[tab]!.filter.append(c)
        case .tab, .backTab: lists[tab]!.editingFilter = false; return nil
        default: return nil
        }
        lists[tab]!.cursor = 0
        lists[tab]!.selectedKey = nil
        return []
    }

    private mutating func perform(_ name: ConsoleAction.Name) -> [ConsoleEffect] {
        let page = layout.listHeight
        switch name {
        case .up: move(by: -1)
        case .down: move(by: 1)
        case .pageUp: move(by: -page)
        case .pageDown: move(by: page)
        case .halfPageUp: move(by: -max(1, page / 2))
        case .halfPageDown: move(by: max(1, page / 2))
        case .home: move(by: -Int.max / 2)
        case .end: move(by: Int.max / 2)
        case .nextTab: tab = tab.next
        case .previousTab: tab = tab.previous
        case .tab(let chosen): tab = chosen
        case .filter: lists[tab]!.editingFilter = true
        case .clearFilter: lists[tab]!.filter = ""
        case .sort, .sortLeft:
            // The next sortable column to the right (or left), round the end.
            let columns = sortableColumns
            let next = name == .sort ? columns.first { $0 > list.sortColumn } ?? columns.first
                                     : columns.last { $0 < list.sortColumn } ?? columns.last
            sort(by: next ?? 0)
        case .reverseSort: lists[tab]!.descending.toggle()
        case .mark:
            guard let key = list.selectedKey, tab != .history else { break }
            if lists[tab]!.marked.remove(key) == nil { lists[tab]!.marked.insert(key) }
            move(by: 1)
        case .details: openDetails()
        case .copy: return copy()
        case .cancel: openCancel()
        case .check: return check()
        case .profiles:
            guard callsInFlight == 0 else {
                let n = callsInFlight
                notice = Notice(text: "Wait for the \(n) call\(n == 1 ? "" : "s") to the gateways in flight before switching profile.", role: .warning)
                break
            }
            dialog = .profiles(ProfileSwitcher(profiles: profiles, current: profile.name))
        case .theme:
            guard !themeNames.isEmpty else { break }
            let next = themeNames[((themeNames.firstIndex(of: themeName) ?? -1) + 1) % themeNames.count]
            return [.useTheme(next)]
        case .reload: return [.reload]
        case .fullMessage: break   // handled before: it needs the message the key would clear
        case .help: dialog = .help(helpPage)
        case .quit: return quit()
        }
        return []
    }

    private mutating func move(by delta: Int) {
        lists[tab]!.move(by: delta, keys: shownKeys(tab), pageHeight: layout.listHeight)
    }

    private var sortableColumns: [Int] {
        switch tab {
        case .sessions: Columns.sessions.indices.filter { Columns.sessions[$0].order != nil }
        case .payouts: Columns.payouts.indices.filter { Columns.payouts[$0].order != nil }
        case .history: Columns.history.indices.filter { Columns.history[$0].order != nil }
        }
    }

    /// Cancellations and checks this console is waiting for: quitting waits for their answers, which are recorded.
    var callsInFlight: Int { ownCalls.count + ownChecks.count }

    private mutating func quit() -> [ConsoleEffect] {
        if callsInFlight == 0 { return [.quit] }
        if !quitting { dialog = .quit(yesFocused: false) }
        return []
    }

    private mutating func openDetails() {
        switch tab {
        case .history:
            guard let key = list.selectedKey, let attempt = data.attempts.first(where: { $0.id == key }) else { return }
            dialog = .details(.attempt(attempt))
        case .sessions, .payouts:
            guard let row = selectedTarget else { return }
            let attempts = data.attempts.filter { $0.gateway == row.id.gateway && $0.target == row.id.key }
            dialog = .details(.target(row, noun: tab == .sessions ? "Session" : "Payout", status: statuses[row.id], attempts: attempts))
        }
    }

    /// `y`: the selected row's id to the clipboard; in an attempt's details its Correlation-Id (XPay), else the
    /// attempt's id. The terminal does the copying (an effect), and the notice says what was copied.
    private mutating func copy() -> [ConsoleEffect] {
        var text: String?
        if tab == .history {
            text = dialog == nil ? selectedAttempt?.id : selectedAttempt.map { $0.outcome?.outcome?.correlationId ?? $0.id }
        } else {
            text = selectedTarget?.id.key
        }
        guard let text, !text.isEmpty else {
            notice = Notice(text: "Nothing to copy here.", role: .warning)
            return []
        }
        notice = Notice(text: "copied \(text)", role: .ok)
        return [.copy(text)]
    }

    /// `v`: asks the gateways what the marked rows (or the selected one) are now. Works on read-only profiles: a check
    /// changes nothing at the gateway. A row with a call of ours on its way is left out: its answer is the better check.
    private mutating func check() -> [ConsoleEffect] {
        let chosen = chosenTargets
        guard !chosen.isEmpty else {
            notice = Notice(text: "Nothing to check here.", role: .warning)
            return []
        }
        let targets = chosen.filter { !ownCalls.contains($0) && !ownChecks.contains($0) }
        guard !targets.isEmpty else {
            notice = Notice(text: "Already waiting for the gateway about \(chosen.count == 1 ? chosen[0].key : "these rows").", role: .warning)
            return []
        }
        ownChecks.formUnion(targets)
        notice = Notice(text: "Checking \(targets.count == 1 ? targets[0].key : "\(targets.count) rows") with the gateway on \(profile.name)…", role: .inFlight)
        return [.check(targets, after: 0)]
    }

    /// `c`: the marked rows, or the one under the cursor. A row that cannot be cancelled (read-only, no credentials,
    /// expired, in flight, in doubt, already cancelled) is refused here with the reason, before any dialog.
    private mutating func openCancel() {
        guard let gateway = tab.gateway else { return }
        guard !quitting else {
            notice = Notice(text: "Quitting: no new cancellations.", role: .warning)
            return
        }
        let rows = data[tab]
        if let loading = rows.loading {
            notice = Notice(text: "Still reading the \(tab == .sessions ? "sessions" : "payouts") store (\(Int(loading * 100))%): "
                            + "rows may still change. Wait until it is read, then cancel.", role: .warning)
            return
        }
        let marked = list.marked.filter { key in rows[key].map { TargetView.isOpen($0, tab: tab, now: now) } ?? false }
        let targets: [String]
        if !marked.isEmpty {
            // In the order the tab sorts them, hidden rows included.
            targets = view(tab).sorted.compactMap { rows.slots[Int($0)]?.id.key }.filter { marked.contains($0) }
        } else if let row = selectedTarget {
            targets = [row.id.key]
        } else {
            notice = Notice(text: "Nothing to cancel here.", role: .warning)
            return
        }
        // The one rule, row by row, before any dialog: the dialog only ever offers what may be sent.
        let refusals = targets.compactMap { key in cancelRefusal(TargetID(gateway: gateway, key: key), row: rows[key]) }
        if let first = refusals.first {
            notice = Notice(text: "Cannot cancel" + (targets.count == 1 ? ": " : " \(refusals.count) of the \(targets.count) marked rows; first: ")
                            + first.text + ". Nothing was sent.", role: .warning)
            return
        }
        let shown = shownKeys(tab)
        let hidden = marked.isEmpty ? 0 : marked.filter { shown.position($0) == nil }.count
        dialog = .cancel(CancelDialog(targets: targets, hiddenByFilter: hidden, profileName: profile.name, production: profile.production),
                         gateway: gateway)
    }

    private mutating func handleDialog(_ key: Key) -> [ConsoleEffect] {
        var effects: [ConsoleEffect] = []
        switch dialog {
        case .cancel(var form, let gateway)?:
            switch form.handle(key) {
            case .stay: dialog = .cancel(form, gateway: gateway)
            case .close:
                closeDialog()
                notice = Notice(text: "Not cancelled: nothing was sent.", role: .dim)
            case .confirm(let reason):
                // A session that expired while the reason was typed is not sent: XPay would refuse it anyway.
                let expired = gateway == SessionKind.gatewayName
                    ? form.targets.filter { key in data.sessions[key].map { SessionKind.expiry(ofCreated: $0.time) <= now } ?? false } : []
                guard expired.count < form.targets.count else {
                    closeDialog()
                    notice = Notice(text: "\(expired.count == 1 ? "Session \(expired[0]) has" : "All \(expired.count) sessions have") "
                                    + "expired while the dialog was open: nothing was sent.", role: .warning)
                    break
                }
                let ids = form.targets.filter { !expired.contains($0) }.map { TargetID(gateway: gateway, key: $0) }
                ownCalls.formUnion(ids)
                for tab in ConsoleTab.allCases { lists[tab]!.marked.subtract(form.targets) }
                closeDialog()
                notice = Notice(text: "Cancelling \(ids.count == 1 ? ids[0].key : "\(ids.count) \(tab == .sessions ? "sessions" : "payouts")") "
                                + "on \(profile.name)…" + (expired.isEmpty ? "" : " (\(expired.count) expired while the dialog was open: not sent)"),
                                role: .inFlight)
                effects = [.cancel(ids, reason: reason)]
            }
        case .details? where DialogActions.find(key, in: DialogActions.details)?.name == .copy:
            effects = copy()
        case .details(var page)?:
            if page.handle(key, visibleLines: dialogBodyLines, width: dialogTextWidth) { dialog = .details(page) } else { closeDialog() }
        case .help(var page)?:
            if page.handle(key, visibleLines: dialogBodyLines, width: dialogTextWidth) { dialog = .help(page) } else { closeDialog() }
        case .profiles(var switcher)?:
            switch switcher.handle(key) {
            case .stay: dialog = .profiles(switcher)
            case .close: closeDialog()
            case .switchTo(let name):
                closeDialog()
                notice = Notice(text: "Switching to \(name)…", role: .dim)
                effects = [.switchProfile(name)]
            }
        case .quit(let yesFocused)?:
            switch DialogActions.find(key, in: DialogActions.quit)?.name {
            case .yes?: effects = confirmQuit()
            case .no?, .close?: closeDialog()
            case .press?: if yesFocused { effects = confirmQuit() } else { closeDialog() }
            case .toggle?: dialog = .quit(yesFocused: !yesFocused)
            default: break
            }
        case nil: break
        }
        return effects
    }

    private mutating func confirmQuit() -> [ConsoleEffect] {
        closeDialog()
        if callsInFlight == 0 { return [.quit] }
        quitting = true
        notice = Notice(text: "Quitting when the \(callsInFlight) call\(callsInFlight == 1 ? "" : "s") to the gateways in flight have an answer…", role: .inFlight)
        return []
    }

    private mutating func closeDialog() {
        dialog = nil
        let waiting = deferredChanges
        deferredChanges = []
        for change in waiting { apply(change) }
    }

    /// Lines a page dialog shows at this size (the view draws it with the same sum).
    var dialogBodyLines: Int { max(1, layout.height - 8) }
    /// Cells a page dialog's text may take on a line: the widest box the screen holds, less its frame and margins.
    var dialogTextWidth: Int { max(10, layout.width - 6) }

    private var helpPage: DetailsDialog {
        var lines: [DetailsDialog.Line] = []
        let width = actions.map { displayWidth($0.label) }.max() ?? 0
        for action in actions { lines.append(.init("  " + padded(action.label, toWidth: width) + "  " + action.help, hang: width + 4)) }
        lines.append(.init("  " + padded("Mouse", toWidth: width) + "  A click picks a tab or a row, or sorts by the column whose title it is on; the wheel scrolls (mouse = false in config.toml: off).", hang: width + 4))
        if profile.readOnly { lines.append(.init("")); lines.append(.init("Profile \(profile.name) is read-only: cancelling is off.", .readOnly)) }
        // The dialogs' keys, from the tables their logic reads.
        for (title, table) in DialogActions.all {
            lines.append(.init(""))
            lines.append(.init(title, .header))
            let keysWidth = table.map { displayWidth($0.keyNames) }.max() ?? 0
            for action in table {
                lines.append(.init("  " + padded(action.keyNames, toWidth: keysWidth) + "  " + action.help, hang: keysWidth + 4))
            }
        }
        return DetailsDialog(title: "Keys: " + ConsoleView.tabTitle(tab), lines: lines)
    }

    static func notice(for id: TargetID, _ result: CheckResult) -> Notice {
        switch result {
        case .refused(let why):
            return Notice(text: "\(id.key): \(why)", role: .error)
        case .answered(let check, _, let warnings):
            let role: ThemeRole = switch check.verdict {
            case .cancelled: .ok
            case .open: .row
            case .closed: .warning
            case .unknown: .inDoubt
            }
            var text = "\(id.key): checked, \(check.failed ? "CHECK FAILED" : check.verdict.rawValue.uppercased()): "
                + (check.failed ? "the gateway could not be asked" : check.verdict.meaning) + ". \(check.facts.description)"
            for warning in warnings { text += " WARNING: \(warning)" }
            return Notice(text: text, role: warnings.isEmpty ? role : .error)
        }
    }

    static func notice(for id: TargetID, _ result: CallResult) -> Notice {
        switch result {
        case .refused(let why):
            return Notice(text: "\(id.key): \(why)", role: .error)
        case .outcome(let outcome, _, let warnings):
            let role = TargetStatus(outcome.result).role ?? .row
            var text = "\(id.key): \(outcome.result.rawValue.uppercased()), \(outcome.result.meaning)."
            for warning in warnings { text += " WARNING: \(warning)" }
            return Notice(text: text, role: warnings.isEmpty ? role : .error)
        }
    }
}
