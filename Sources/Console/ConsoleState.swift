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
    public internal(set) var data = ConsoleData.loading
    /// Changes that arrived while a dialog was open: the rows under a dialog do not move.
    var deferredChanges: [ConsoleDataChange] = []
    /// The sessions and payouts tabs as shown, kept between keys.
    var sessionsView = TargetView()
    var payoutsView = TargetView()
    /// The History tab as shown, and what it was computed from.
    var historyRows: [Attempt] = []
    var historyInputs: HistoryInputs?
    /// Cancellations this console has sent and not yet heard back from.
    public internal(set) var ownCalls: Set<TargetID> = []
    /// Checks with the gateway this console has asked for (or will ask for shortly) and not yet heard back from.
    public internal(set) var ownChecks: Set<TargetID> = []
    public internal(set) var dialog: Dialog?
    public internal(set) var notice: Notice?
    /// `q` was confirmed while calls were in flight: quit as soon as the last one ends.
    public internal(set) var quitting = false
    public internal(set) var statuses: [TargetID: TargetStatus] = [:]
    /// Each attempted target's attempts, newest first (rebuilt with `statuses`): what the cancel rule reads.
    var attemptsByTarget: [TargetID: [Attempt]] = [:]
    /// The trail `attemptsByTarget` was grouped from.
    var groupedAttempts: [Attempt] = []
    /// Per gateway (`xpay`, `praxis`), what this profile lacks to call it, worded for the operator; absent when nothing is.
    public internal(set) var missingCredentials: [String: String]

    public init(profile: Profile, profiles: [Profile], operatorName: String, themeNames: [String], themeName: String,
                now: Timestamp, width: Int, height: Int, missingCredentials: [String: String] = [:]) {
        self.profile = profile
        self.missingCredentials = missingCredentials
        self.profiles = profiles
        self.operatorName = operatorName
        self.themeNames = themeNames
        self.themeName = themeName
        self.now = now
        layout = ConsoleLayout(width: width, height: height)
    }

    static let freshLists: [ConsoleTab: ListState] = [
        .sessions: ListState(sortColumn: 5),                    // LEFT: the next to expire first
        .payouts: ListState(sortColumn: 5),                     // REQUESTED: the oldest first
        .history: ListState(sortColumn: 0, descending: true),   // TIME: the newest first
    ]

    public var list: ListState { lists[tab]! }

    // MARK: What the lists hold

    func view(_ tab: ConsoleTab) -> TargetView { tab == .sessions ? sessionsView : payoutsView }

    /// Changes a tab's view in place (through a copy, each change would copy every row number).
    mutating func withView<R>(_ tab: ConsoleTab, _ body: (inout TargetView) -> R) -> R {
        tab == .sessions ? body(&sessionsView) : body(&payoutsView)
    }

    /// How many rows a tab lists (before its filter; sessions not yet expired).
    public func count(_ tab: ConsoleTab) -> Int {
        tab == .history ? data.attempts.count : view(tab).sorted.count
    }

    /// How many rows the tab shows, its filter applied.
    public func shownCount(_ tab: ConsoleTab) -> Int {
        tab == .history ? historyRows.count : view(tab).shown.count
    }

    /// The row at `position` of a sessions or payouts tab as shown.
    public func shownTarget(_ tab: ConsoleTab, at position: Int) -> TargetRow? {
        let view = view(tab)
        guard tab != .history, view.shown.indices.contains(position) else { return nil }
        return data[tab].slots[Int(view.shown[position])]
    }

    /// The History tab's attempts as shown.
    public func visibleAttempts() -> [Attempt] { historyRows }

    /// The keys of the current tab's rows as shown, read one at a time.
    func shownKeys(_ tab: ConsoleTab) -> ShownKeys {
        ShownKeys(count: shownCount(tab), key: { i in
            tab == .history ? historyRows[i].id : shownTarget(tab, at: i)?.id.key ?? ""
        }, position: { key in
            if tab == .history { return historyRows.firstIndex { $0.id == key } }
            guard let slot = data[tab].slot(of: key) else { return nil }
            return view(tab).shown.firstIndex(of: slot)
        })
    }

    /// Every key as shown (for tests and the cancel dialog's count of hidden rows).
    func visibleKeys(_ tab: ConsoleTab) -> [String] {
        let keys = shownKeys(tab)
        return (0..<keys.count).map(keys.key)
    }

    /// The row under the cursor on a sessions or payouts tab.
    public var selectedTarget: TargetRow? {
        guard tab != .history, let key = list.selectedKey else { return nil }
        guard let row = shownTarget(tab, at: list.cursor), row.id.key == key else { return nil }
        return row
    }

    /// The targets a key acts on: the marked rows of the tab, or the selected one (on History, the selected attempt's).
    var chosenTargets: [TargetID] {
        if tab == .history { return selectedAttemptTarget.map { [$0] } ?? [] }
        guard let gateway = tab.gateway else { return [] }
        if !list.marked.isEmpty { return list.marked.sorted().map { TargetID(gateway: gateway, key: $0) } }
        return selectedTarget.map { [$0.id] } ?? []
    }

    /// On History, the attempt under the cursor (read where the cursor is, not searched for).
    var selectedAttempt: Attempt? {
        guard tab == .history, let key = list.selectedKey, historyRows.indices.contains(list.cursor), historyRows[list.cursor].id == key else { return nil }
        return historyRows[list.cursor]
    }

    /// On History, the target of the attempt under the cursor.
    private var selectedAttemptTarget: TargetID? { selectedAttempt.map { TargetID(gateway: $0.gateway, key: $0.target) } }

    /// Whether a row the keys act on is in doubt (the key bar then offers the check). Drawn with every frame, so it
    /// looks at the chosen rows only, unsorted.
    var choiceInDoubt: Bool {
        func inDoubt(_ id: TargetID) -> Bool { statuses[id] == .inDoubt || statuses[id] == .unknown }
        if tab != .history, let gateway = tab.gateway, !list.marked.isEmpty {
            return list.marked.contains { inDoubt(TargetID(gateway: gateway, key: $0)) }
        }
        return chosenTargets.contains(where: inDoubt)
    }

    /// Why `c` would refuse the target `id` (whose row is `row`, if listed) now, or nil: the profile, its credentials,
    /// the row's expiry, then the one rule every screen and the service share (`Attempt.cancelRefusal`).
    func cancelRefusal(_ id: TargetID, row: TargetRow?) -> CancelRefusal? {
        let what = "\(id.gateway == SessionKind.gatewayName ? SessionKind.noun : PayoutKind.noun) \(id.key)"
        if profile.readOnly { return .readOnly(profile: profile.name) }
        if let why = missingCredentials[id.gateway] {
            return .noCredentials(gateway: id.gateway == SessionKind.gatewayName ? "XPay" : "Praxis", profile: profile.name, why: why)
        }
        if id.gateway == SessionKind.gatewayName, let row, !SessionKind.isActionable(0, time: row.time, now: now) {
            return .notOpen(what, state: "expired", open: SessionKind.states[0])
        }
        if ownCalls.contains(id) { return CancelRefusal("a cancellation of \(what) is already in flight", short: StateWord.inFlight.shown) }
        if ownChecks.contains(id) {
            return CancelRefusal("\(what) is being checked with the gateway: wait for its answer", short: StateWord.checking.shown)
        }
        return Attempt.cancelRefusal(after: attemptsByTarget[id] ?? [], what: what, retryUnknown: false)
    }

    /// Why `c` would refuse the chosen rows (the first refused of the marked ones, or the selected row), for the key bar.
    /// Drawn with every frame: it reads the chosen rows only.
    var choiceCancelRefusal: CancelRefusal? {
        guard tab.gateway != nil else { return nil }
        let rows = data[tab]
        return chosenTargets.lazy.compactMap { cancelRefusal($0, row: rows[$0.key]) }.first
    }

    /// The message on the status line: the last notice, else what could not be read (every problem, for `n`).
    var statusMessage: Notice? {
        if let notice { return notice }
        let problems = data.problems
        return problems.isEmpty ? nil : Notice(text: problems.joined(separator: " "), role: .warning)
    }

    /// Whether the status line's message is too long for it: it then ends with … and `n` shows it in full.
    var statusMessageIsCut: Bool {
        guard let message = statusMessage, !(list.editingFilter && dialog == nil) else { return false }
        return displayWidth(printable(message.text)) > layout.width - 2
    }

    /// The keys the current tab's actions and the help offer here.
    public var actions: [ConsoleAction] { ConsoleActions.table(for: tab, readOnly: profile.readOnly) }
}

/// What the History tab's rows depend on (comparing the attempts costs nothing when they share storage).
struct HistoryInputs: Equatable, Sendable {
    let attempts: [Attempt]
    let filter: String
    let sortColumn: Int
    let descending: Bool
}
