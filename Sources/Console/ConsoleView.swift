import PaydeskCore

/// What the terminal shows: the grid, and where the typing cursor is (nil: hidden).
public struct Frame: Equatable, Sendable {
    public var grid: Grid
    public var cursor: Cursor?

    public struct Cursor: Equatable, Sendable {
        public let x: Int
        public let y: Int
    }
}

/// Draws the whole console into a grid, every frame, from the state alone (as ratatui widgets render into a
/// buffer). The terminal backend copies the grid out; tests compare it with text snapshots.
public enum ConsoleView {
    public static func render(_ state: ConsoleState) -> Frame {
        let layout = state.layout
        var frame = Frame(grid: Grid(width: layout.width, height: layout.height), cursor: nil)
        if layout.isTooSmall {
            drawTooSmall(state, into: &frame.grid)
            return frame
        }
        TitleBar(profile: state.profile.name, production: state.profile.production, readOnly: state.profile.readOnly,
                 operatorName: state.operatorName, now: state.now).draw(into: &frame.grid, row: layout.titleRow)
        drawTabs(state, into: &frame.grid)
        switch state.tab {
        case .sessions: drawList(state, Columns.sessions, into: &frame.grid)
        case .payouts: drawList(state, Columns.payouts, into: &frame.grid)
        case .history: drawHistory(state, into: &frame.grid)
        }
        AuditPane.draw(state, into: &frame.grid)
        drawNotice(state, into: &frame)
        KeyBar.draw(KeyBar.hints(for: state), into: &frame.grid, row: layout.keyBarRow)
        if state.dialog != nil { DialogView.draw(state, into: &frame) }
        return frame
    }

    public static func tabTitle(_ tab: ConsoleTab) -> String {
        switch tab {
        case .sessions: "XPay sessions"
        case .payouts: "Praxis payouts"
        case .history: "History"
        }
    }

    private static func drawTooSmall(_ state: ConsoleState, into grid: inout Grid) {
        let layout = state.layout
        // Which profile, and PRODUCTION, stay on screen whatever the size.
        TitleBar(profile: state.profile.name, production: state.profile.production, readOnly: state.profile.readOnly,
                 operatorName: state.operatorName, now: state.now).draw(into: &grid, row: 0)
        let lines = [
            "The terminal is \(layout.width)x\(layout.height);",
            "paydesk needs at least \(ConsoleLayout.minWidth)x\(ConsoleLayout.minHeight).",
            "Enlarge the window: nothing is lost,",
            "the screen comes back as it was.",
            state.callsInFlight == 0 ? "" : "\(state.callsInFlight) call(s) to the gateways in flight.",
        ]
        let top = max(1, (layout.height - lines.count) / 2)
        for (i, line) in lines.enumerated() {
            grid.put(line, x: max(0, (layout.width - displayWidth(line)) / 2), y: top + i, role: i == 4 ? .inFlight : .warning)
        }
    }

    private static func drawTabs(_ state: ConsoleState, into grid: inout Grid) {
        let y = state.layout.tabRow
        grid.fill(row: y, role: .tab)
        var x = 0
        for span in tabSpans(state) {
            x = grid.put(span.label, x: span.columns.lowerBound, y: y, role: span.tab == state.tab ? .tabActive : .tab) + 1
        }
        let list = state.list
        if !list.filter.isEmpty || list.editingFilter {
            let searching = state.tab != .history && state.view(state.tab).pending != nil
            let text = " filter: \(list.filter)" + (searching ? " (searching…) " : " ")
            grid.put(text, x: max(x, grid.width - displayWidth(text)), y: y, role: .warning)
        }
    }

    /// Each tab's label and the columns it takes on the tab row, a blank between: drawn here, clicked in `update`.
    static func tabSpans(_ state: ConsoleState) -> [(tab: ConsoleTab, label: String, columns: Range<Int>)] {
        var x = 0
        return ConsoleTab.allCases.map { tab in
            let label = " \(tab.rawValue + 1) \(tabTitle(tab)) (\(countText(state, tab))) "
            defer { x += displayWidth(label) + 1 }
            return (tab, label, x..<x + displayWidth(label))
        }
    }

    /// `12`, or `3 of 12` when the filter hides rows, and how much of the store is read while it loads. Both
    /// counts are kept by the views: nothing is counted per frame.
    static func countText(_ state: ConsoleState, _ tab: ConsoleTab) -> String {
        let all = state.count(tab), shown = state.shownCount(tab)
        let count = shown == all ? "\(all)" : "\(shown) of \(all)"
        guard tab != .history, let loading = state.data[tab].loading else { return count }
        return count + ", loading \(Int(loading * 100))%"
    }

    /// Where the cursor is in the rows shown, and how many rows are marked: `row 5 of 30 · 2 marked`.
    static func positionText(_ state: ConsoleState) -> String {
        let shown = state.shownCount(state.tab)
        var parts = shown == 0 ? [] : ["row \(state.list.cursor + 1) of \(shown)"]
        if !state.list.marked.isEmpty { parts.append("\(state.list.marked.count) marked") }
        return parts.joined(separator: " · ")
    }

    /// Sessions or payouts: a mark column, then the kind's columns, as wide as the rows on screen need.
    private static func drawList(_ state: ConsoleState, _ columns: [ListColumn<ShownTarget>], into grid: inout Grid) {
        let layout = state.layout
        let list = state.list
        let context = RowContext(now: state.now, statuses: state.statuses)
        let count = state.shownCount(state.tab)
        // The rows on screen, their fields read and their cells made once: they are measured, then drawn.
        let rows = shownRows(state)
        let shown = ShownColumns(columns, rows, context, sortColumn: list.sortColumn, start: listStart(state.tab), room: grid.width)
        drawHeader(columns, shown, list, into: &grid, row: layout.headerRow)
        if count == 0 {
            let noun = state.tab == .sessions ? "open sessions" : "pending payouts"
            let text = state.data[state.tab].isLoading ? "Loading \(state.tab == .sessions ? "sessions" : "payouts")…"
                : list.filter.isEmpty ? "No \(noun)." : "No \(noun) match \"\(list.filter)\" (Esc clears the filter)."
            grid.put(text, x: 3, y: layout.listTop, role: .dim)
            return
        }
        for (i, row) in rows.enumerated() {
            let y = layout.listTop + i
            let isCursor = list.top + i == list.cursor
            let isMarked = list.marked.contains(row.id.key)
            let status = state.statuses[row.id]
            let base: ThemeRole = isCursor ? .selected : isMarked ? .marked : status?.role == .inDoubt ? .inDoubt : .row
            grid.fill(row: y, role: base)
            // The cursor and the marks are said in characters too, not only in colour.
            grid.put((isCursor ? ">" : " ") + (isMarked ? "*" : " "), x: 0, y: y, role: base)
            drawCells(columns, shown, row: i, rows[i], context, base: base, y: y, into: &grid)
        }
    }

    private static func drawHistory(_ state: ConsoleState, into grid: inout Grid) {
        let layout = state.layout
        let list = state.list
        let columns = Columns.history
        let context = RowContext(now: state.now, statuses: state.statuses)
        let rows = historyRows(state)
        let shown = ShownColumns(columns, rows, context, sortColumn: list.sortColumn, start: listStart(state.tab), room: grid.width)
        drawHeader(columns, shown, list, into: &grid, row: layout.headerRow)
        if rows.isEmpty {
            grid.put(list.filter.isEmpty ? "No cancellation attempts on \(state.profile.name) yet." : "No attempts match \"\(list.filter)\".",
                     x: 2, y: layout.listTop, role: .dim)
            return
        }
        for (i, attempt) in rows.enumerated() {
            let y = layout.listTop + i
            let isCursor = list.top + i == list.cursor
            let base: ThemeRole = isCursor ? .selected : attempt.needsChecking ? .inDoubt : .row
            grid.fill(row: y, role: base)
            if isCursor { grid.put(">", x: 0, y: y, role: base) }
            drawCells(columns, shown, row: i, attempt, context, base: base, y: y, into: &grid)
        }
    }

    /// The sessions or payouts on screen, their fields read once.
    private static func shownRows(_ state: ConsoleState) -> [ShownTarget] {
        let list = state.list, count = state.shownCount(state.tab)
        return (list.top..<min(count, list.top + state.layout.listHeight)).compactMap { state.shownTarget(state.tab, at: $0).map(ShownTarget.init) }
    }

    /// The attempts on screen.
    private static func historyRows(_ state: ConsoleState) -> [Attempt] {
        Array(state.visibleAttempts().dropFirst(state.list.top).prefix(state.layout.listHeight))
    }

    /// Where a tab's first column starts: after the cursor (and, on the lists, the mark).
    private static func listStart(_ tab: ConsoleTab) -> Int { tab == .history ? 2 : 3 }

    /// The column whose header is drawn at `x` on the header row: a click there sorts by it (`update`).
    static func headerColumn(_ state: ConsoleState, atX x: Int) -> Int? {
        let context = RowContext(now: state.now, statuses: state.statuses)
        let (start, sort, width) = (listStart(state.tab), state.list.sortColumn, state.layout.width)
        let shown = switch state.tab {
        case .history: ShownColumns(Columns.history, historyRows(state), context, sortColumn: sort, start: start, room: width)
        case .sessions: ShownColumns(Columns.sessions, shownRows(state), context, sortColumn: sort, start: start, room: width)
        case .payouts: ShownColumns(Columns.payouts, shownRows(state), context, sortColumn: sort, start: start, room: width)
        }
        return shown.starts.indices.first { (shown.starts[$0]..<shown.starts[$0] + shown.widths[$0]).contains(x) }
    }

    private static func drawHeader<Row>(_ columns: [ListColumn<Row>], _ shown: ShownColumns, _ list: ListState,
                                        into grid: inout Grid, row y: Int) {
        grid.fill(row: y, role: .header)
        for (i, column) in columns.enumerated() {
            let arrow = i == list.sortColumn ? (list.descending ? "▼" : "▲") : ""
            let width = shown.widths[i]
            grid.put(padded(truncated(column.title + arrow, toWidth: width), toWidth: width, alignRight: column.alignRight),
                     x: shown.starts[i], y: y, role: .header)
        }
    }

    private static func drawCells<Row>(_ columns: [ListColumn<Row>], _ shown: ShownColumns, row index: Int, _ row: Row,
                                       _ context: RowContext, base: ThemeRole, y: Int, into grid: inout Grid) {
        for (i, column) in columns.enumerated() {
            let width = shown.widths[i]
            let role = base == .row ? (column.role?(row, context) ?? base) : base
            grid.put(padded(truncated(shown.cells[index][i], toWidth: width), toWidth: width, alignRight: column.alignRight),
                     x: shown.starts[i], y: y, role: role)
        }
    }

    private static func drawNotice(_ state: ConsoleState, into frame: inout Frame) {
        let y = state.layout.messageRow
        frame.grid.fill(row: y, role: .row)
        if state.list.editingFilter && state.dialog == nil {
            let end = frame.grid.put("Filter: \(state.list.filter)", x: 1, y: y, role: .input)
            frame.grid.put("  (Enter keeps it, Esc clears it)", x: end, y: y, role: .dim)
            frame.cursor = Frame.Cursor(x: min(end, frame.grid.width - 1), y: y)
        } else if let message = state.statusMessage {
            // Cut where it must be, it says so, and which key shows the rest.
            let hint = state.statusMessageIsCut ? "  (n: in full)" : ""
            let end = frame.grid.put(truncated(printable(message.text), toWidth: frame.grid.width - 2 - displayWidth(hint)),
                                     x: 1, y: y, role: message.role)
            frame.grid.put(hint, x: end, y: y, role: .dim)
        }
    }
}
