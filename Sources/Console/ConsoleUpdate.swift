import PaydeskCore

extension ConsoleState {
    /// The console's logic: applies `event` and returns the I/O to do. Pure: same state and event, same result.
    public mutating func update(_ event: ConsoleEvent) -> [ConsoleEffect] {
        var effects: [ConsoleEffect] = []
        switch event {
        case .key(let key):
            effects = handle(key)
        case .tick(let time):
            // Countdowns pause under a dialog, so the rows it talks about stay put.
            if dialog == nil { now = time }
        case .resize(let width, let height):
            layout = ConsoleLayout(width: width, height: height)
        case .loaded(let fresh):
            if dialog == nil {
                data = fresh
                deferredData = nil
            } else {
                // The audit pane and history move on; the rows wait until the dialog closes.
                data.attempts = fresh.attempts
                deferredData = fresh
            }
        case .callFinished(let id, let result):
            ownCalls.remove(id)
            notice = Self.notice(for: id, result)
            effects.append(.reload)
            if quitting, ownCalls.isEmpty { effects.append(.quit) }
        case .profileSwitched(let newProfile, let fresh, let theme):
            profile = newProfile
            data = fresh
            deferredData = nil
            themeName = theme
            lists = Self.freshLists
            dialog = nil
            tab = .sessions
            notice = Notice(text: "Now on profile \(newProfile.name)" + (newProfile.production ? " (PRODUCTION)" : "")
                            + (newProfile.readOnly ? ", read-only" : ""), role: newProfile.production ? .production : .ok)
        case .themeChanged(let name):
            themeName = name
            notice = Notice(text: "Theme \(name).", role: .dim)
        case .notice(let text, let isError):
            notice = Notice(text: text, role: isError ? .error : .warning)
        case .interrupt:
            // Closes whatever dialog is open (nothing is sent) and asks as q does; a second Ctrl-C on that question does nothing.
            if case .quit? = dialog { break }
            closeDialog()
            effects = quit()
        }
        statuses = TargetStatus.all(attempts: data.attempts, ownCalls: ownCalls)
        // A key changes only the tab on screen (switching tabs included); anything else may move every tab's rows.
        let touched: [ConsoleTab] = if case .key = event { [tab] } else { ConsoleTab.allCases }
        for tab in touched { lists[tab]!.settle(keys: visibleKeys(tab), pageHeight: layout.listHeight) }
        return effects
    }

    private mutating func handle(_ key: Key) -> [ConsoleEffect] {
        if dialog != nil { return handleDialog(key) }
        notice = nil
        if list.editingFilter, let effects = editFilter(key) { return effects }
        guard let action = actions.first(where: { $0.keys.contains(key) }) else {
            if key == .character("c"), profile.readOnly {
                notice = Notice(text: "Profile \(profile.name) is read-only: nothing can be cancelled from it.", role: .readOnly)
            }
            return []
        }
        return perform(action.name)
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
        case .home: move(by: -Int.max / 2)
        case .end: move(by: Int.max / 2)
        case .nextTab: tab = tab.next
        case .previousTab: tab = tab.previous
        case .tab(let chosen): tab = chosen
        case .filter: lists[tab]!.editingFilter = true
        case .clearFilter: lists[tab]!.filter = ""
        case .sort:
            let columns = sortableColumns
            let next = columns.first { $0 > list.sortColumn } ?? columns.first ?? 0
            lists[tab]!.sortColumn = next
            lists[tab]!.descending = tab == .history
        case .reverseSort: lists[tab]!.descending.toggle()
        case .mark:
            guard let key = list.selectedKey, tab != .history else { break }
            if lists[tab]!.marked.remove(key) == nil { lists[tab]!.marked.insert(key) }
            move(by: 1)
        case .details: openDetails()
        case .cancel: openCancel()
        case .profiles:
            guard ownCalls.isEmpty else {
                notice = Notice(text: "Wait for the \(ownCalls.count) cancellation\(ownCalls.count == 1 ? "" : "s") in flight before switching profile.", role: .warning)
                break
            }
            dialog = .profiles(ProfileSwitcher(profiles: profiles, current: profile.name))
        case .theme:
            guard !themeNames.isEmpty else { break }
            let next = themeNames[((themeNames.firstIndex(of: themeName) ?? -1) + 1) % themeNames.count]
            return [.useTheme(next)]
        case .reload: return [.reload]
        case .help: dialog = .help(helpPage)
        case .quit: return quit()
        }
        return []
    }

    private mutating func move(by delta: Int) {
        lists[tab]!.move(by: delta, keys: visibleKeys(tab), pageHeight: layout.listHeight)
    }

    private var sortableColumns: [Int] {
        switch tab {
        case .sessions: Columns.sessions.indices.filter { Columns.sessions[$0].ascending != nil }
        case .payouts: Columns.payouts.indices.filter { Columns.payouts[$0].ascending != nil }
        case .history: Columns.history.indices.filter { Columns.history[$0].ascending != nil }
        }
    }

    private mutating func quit() -> [ConsoleEffect] {
        if ownCalls.isEmpty { return [.quit] }
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

    /// `c`: the marked rows, or the one under the cursor. Rows with a call on its way or in doubt are refused
    /// here with the reason, before any dialog: the dialog only ever offers what may be sent.
    private mutating func openCancel() {
        guard let gateway = tab.gateway else { return }
        guard !quitting else {
            notice = Notice(text: "Quitting: no new cancellations.", role: .warning)
            return
        }
        let open = openTargets(tab)
        let openKeys = Set(open.map(\.id.key))
        let marked = list.marked.intersection(openKeys)
        let targets: [String]
        if !marked.isEmpty {
            targets = open.map(\.id.key).filter { marked.contains($0) }
        } else if let row = selectedTarget {
            targets = [row.id.key]
        } else {
            notice = Notice(text: "Nothing to cancel here.", role: .warning)
            return
        }
        let blocked = targets.filter { key in
            switch statuses[TargetID(gateway: gateway, key: key)] {
            case .inFlight?, .inDoubt?, .cancelled?: true
            default: false
            }
        }
        if !blocked.isEmpty {
            let id = TargetID(gateway: gateway, key: blocked[0])
            let why: String = switch statuses[id] {
            case .inFlight?: "a cancellation is already in flight"
            case .cancelled?: "it is already cancelled"
            default: "an earlier attempt is IN DOUBT: check with the gateway first; if it did not go through, "
                + "retry with paydesk cancel --retry-unknown"
            }
            notice = Notice(text: (targets.count == 1 ? "\(blocked[0]): " : "\(blocked.count) of the \(targets.count) marked rows (first \(blocked[0])): ")
                            + why + ". Nothing was sent.", role: .warning)
            return
        }
        let visible = Set(visibleKeys(tab))
        dialog = .cancel(CancelDialog(targets: targets, hiddenByFilter: marked.isEmpty ? 0 : marked.subtracting(visible).count,
                                      profileName: profile.name, production: profile.production), gateway: gateway)
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
                let ids = form.targets.map { TargetID(gateway: gateway, key: $0) }
                ownCalls.formUnion(ids)
                for tab in ConsoleTab.allCases { lists[tab]!.marked.subtract(form.targets) }
                closeDialog()
                notice = Notice(text: "Cancelling \(ids.count == 1 ? ids[0].key : "\(ids.count) \(tab == .sessions ? "sessions" : "payouts")") "
                                + "on \(profile.name)…", role: .inFlight)
                effects = [.cancel(ids, reason: reason)]
            }
        case .details(var page)?:
            if page.handle(key, visibleLines: dialogBodyLines) { dialog = .details(page) } else { closeDialog() }
        case .help(var page)?:
            if page.handle(key, visibleLines: dialogBodyLines) { dialog = .help(page) } else { closeDialog() }
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
            switch key {
            case .character("y"), .character("Y"): effects = confirmQuit()
            case .character("n"), .character("N"), .escape: closeDialog()
            case .enter: if yesFocused { effects = confirmQuit() } else { closeDialog() }
            case .tab, .backTab, .left, .right: dialog = .quit(yesFocused: !yesFocused)
            default: break
            }
        case nil: break
        }
        return effects
    }

    private mutating func confirmQuit() -> [ConsoleEffect] {
        closeDialog()
        if ownCalls.isEmpty { return [.quit] }
        quitting = true
        notice = Notice(text: "Quitting when the \(ownCalls.count) cancellation\(ownCalls.count == 1 ? "" : "s") in flight have an answer…", role: .inFlight)
        return []
    }

    private mutating func closeDialog() {
        dialog = nil
        if let fresh = deferredData {
            data = fresh
            deferredData = nil
        }
    }

    /// Lines a page dialog shows at this size (the view draws it with the same sum).
    var dialogBodyLines: Int { max(1, layout.height - 8) }

    private var helpPage: DetailsDialog {
        var lines: [DetailsDialog.Line] = []
        let width = actions.map { displayWidth($0.label) }.max() ?? 0
        for action in actions { lines.append(.init("  " + padded(action.label, toWidth: width) + "  " + action.help)) }
        if profile.readOnly { lines.append(.init("")); lines.append(.init("Profile \(profile.name) is read-only: cancelling is off.", .readOnly)) }
        lines.append(.init(""))
        lines.append(.init("In the cancel dialog", .header))
        lines.append(.init("  Enter moves on from the reason; then y confirms, n or Esc closes, Tab moves between No and Yes."))
        lines.append(.init("  On a production profile a reason is required and the id (or the number of rows) must be typed."))
        lines.append(.init("  Esc closes any dialog."))
        return DetailsDialog(title: "Keys: " + ConsoleView.tabTitle(tab), lines: lines)
    }

    static func notice(for id: TargetID, _ result: CallResult) -> Notice {
        switch result {
        case .refused(let why):
            return Notice(text: "\(id.key): \(why)", role: .error)
        case .outcome(let outcome, _, let warnings):
            let role = TargetStatus(outcome.result).role ?? .row
            var text = "\(id.key): \(outcome.result.rawValue.uppercased()), \(outcome.result.meaning)."
            if let warning = warnings.first { text += " WARNING: \(warning)" }
            return Notice(text: text, role: warnings.isEmpty ? role : .error)
        }
    }
}
