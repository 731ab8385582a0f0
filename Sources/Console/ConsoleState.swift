import PaydeskCore

/// Everything the console shows, and nothing else: `update` changes it, `ConsoleView` draws it. No I/O here.
public struct ConsoleState: Sendable {
    public enum Dialog: Equatable, Sendable {
        case cancel(CancelDialog, gateway: String)
        case details(DetailsDialog)
        case help(DetailsDialog)
        case profiles(ProfileSwitcher)
        case quit(yesFocused: Bool)
    }

    /// A line for the operator above the key bar.
    public struct Notice: Equatable, Sendable {
        public let text: String
        public let role: ThemeRole
    }

    public internal(set) var profile: Profile
    public let profiles: [Profile]
    public let operatorName: String
    public let themeNames: [String]
    public internal(set) var themeName: String
    public internal(set) var now: Timestamp
    public internal(set) var layout: ConsoleLayout
    public internal(set) var tab = ConsoleTab.sessions
    public internal(set) var lists: [ConsoleTab: ListState] = ConsoleState.freshLists
    public internal(set) var data = ConsoleData()
    /// Rows that arrived while a dialog was open: the rows under a dialog do not move.
    var deferredData: ConsoleData?
    /// Cancellations this console has sent and not yet heard back from.
    public internal(set) var ownCalls: Set<TargetID> = []
    public internal(set) var dialog: Dialog?
    public internal(set) var notice: Notice?
    /// `q` was confirmed while calls were in flight: quit as soon as the last one ends.
    public internal(set) var quitting = false
    public internal(set) var statuses: [TargetID: TargetStatus] = [:]

    public init(profile: Profile, profiles: [Profile], operatorName: String, themeNames: [String], themeName: String,
                now: Timestamp, width: Int, height: Int) {
        self.profile = profile
        self.profiles = profiles
        self.operatorName = operatorName
        self.themeNames = themeNames
        self.themeName = themeName
        self.now = now
        layout = ConsoleLayout(width: width, height: height)
    }

    static let freshLists: [ConsoleTab: ListState] = [
        .sessions: ListState(sortColumn: 4),                    // LEFT: the next to expire first
        .payouts: ListState(sortColumn: 5),                     // REQUESTED: the oldest first
        .history: ListState(sortColumn: 0, descending: true),   // TIME: the newest first
    ]

    public var list: ListState { lists[tab]! }

    // MARK: What the lists hold

    /// Open sessions (not yet expired at `now`) or pending payouts, before the filter.
    public func openTargets(_ tab: ConsoleTab) -> [TargetRow] {
        switch tab {
        case .sessions: data.sessions.filter { Columns.secondsLeft($0, now) > 0 }
        case .payouts: data.payouts
        case .history: []
        }
    }

    /// The rows of a sessions or payouts tab as shown: filtered and sorted.
    public func visibleTargets(_ tab: ConsoleTab) -> [TargetRow] {
        let state = lists[tab]!
        let columns = tab == .sessions ? Columns.sessions : Columns.payouts
        var rows = openTargets(tab)
        if !state.filter.isEmpty {
            rows = rows.filter { $0.fields.matches(state.filter) || (statuses[$0.id]?.label?.localizedCaseInsensitiveContains(state.filter) ?? false) }
        }
        return Self.sorted(rows, columns, state) { $0.id.key }
    }

    /// The History tab's attempts as shown.
    public func visibleAttempts() -> [Attempt] {
        let state = lists[.history]!
        var rows = data.attempts
        if !state.filter.isEmpty {
            let needle = state.filter
            rows = rows.filter { a in
                [a.intent.operatorName, a.gateway, a.target, a.intent.reason ?? "", a.label, a.outcome?.outcome?.description ?? "",
                 a.outcome?.outcome?.gatewayStatus ?? ""].contains { $0.range(of: needle, options: .caseInsensitive) != nil }
            }
        }
        return Self.sorted(rows, Columns.history, state) { $0.id }
    }

    /// Stable: equal rows keep their order, then by key so the order never flickers between reloads.
    static func sorted<Row>(_ rows: [Row], _ columns: [ListColumn<Row>], _ state: ListState, key: (Row) -> String) -> [Row] {
        guard let ascending = columns[state.sortColumn].ascending else { return rows }
        return rows.sorted { a, b in
            if ascending(a, b) { return !state.descending }
            if ascending(b, a) { return state.descending }
            return key(a) < key(b)
        }
    }

    /// The keys of the current tab's rows as shown.
    func visibleKeys(_ tab: ConsoleTab) -> [String] {
        tab == .history ? visibleAttempts().map(\.id) : visibleTargets(tab).map(\.id.key)
    }

    /// How many rows each tab's title counts.
    public func count(_ tab: ConsoleTab) -> Int {
        tab == .history ? data.attempts.count : openTargets(tab).count
    }

    /// The row under the cursor on a sessions or payouts tab.
    public var selectedTarget: TargetRow? {
        guard tab != .history, let key = list.selectedKey else { return nil }
        return visibleTargets(tab).first { $0.id.key == key }
    }

    /// The keys the current tab's actions and the help offer here.
    public var actions: [ConsoleAction] { ConsoleActions.table(for: tab, readOnly: profile.readOnly) }
}
