/// The three tabs, in the order `1` `2` `3` and Tab walk them.
public enum ConsoleTab: Int, CaseIterable, Sendable {
    case sessions, payouts, history

    /// The gateway whose records the tab lists (nil for History).
    public var gateway: String? {
        switch self {
        case .sessions: "xpay"
        case .payouts: "praxis"
        case .history: nil
        }
    }

    var next: ConsoleTab { ConsoleTab(rawValue: (rawValue + 1) % 3)! }
    var previous: ConsoleTab { ConsoleTab(rawValue: (rawValue + 2) % 3)! }
}
