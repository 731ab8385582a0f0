/// What a key does on a screen. The key bar, the `?` help and read-only mode all come from these tables
/// (as k9s declares its actions), so a key cannot work without being shown, nor be shown without working.
public struct ConsoleAction: Sendable, Equatable {
    public enum Name: Sendable, Equatable {
        case help, filter, copy, sort, sortLeft, reverseSort, mark, cancel, check, details, profiles, theme, reload, quit, fullMessage
        case nextTab, previousTab, tab(ConsoleTab), up, down, pageUp, pageDown, halfPageUp, halfPageDown, home, end, clearFilter
    }

    public let name: Name
    public let keys: [Key]
    /// How the key is written: `c`, `Space`, `PgUp/PgDn`.
    public let label: String
    /// A word or two for the key bar.
    public let summary: String
    /// A sentence for the help.
    public let help: String
    /// Changes something at a gateway: absent on read-only profiles.
    public var dangerous = false
    /// Shown in the key bar (the help shows every action).
    public var inKeyBar = true
    /// Shown in the key bar only while the selected or a marked row is in doubt.
    public var onlyInDoubt = false
    /// Shown in the key bar only while the status line's message is cut.
    public var onlyWhenMessageCut = false
}

/// The action tables, one per screen.
public enum ConsoleActions {
    static func action(_ name: ConsoleAction.Name, _ keys: [Key], _ label: String, _ summary: String, _ help: String,
                       dangerous: Bool = false, inKeyBar: Bool = true) -> ConsoleAction {
        ConsoleAction(name: name, keys: keys, label: label, summary: summary, help: help, dangerous: dangerous, inKeyBar: inKeyBar)
    }

    static let movement: [ConsoleAction] = [
        action(.up, [.up, .character("k")], "Up/k", "up", "Move up one row.", inKeyBar: false),
        action(.down, [.down, .character("j")], "Down/j", "down", "Move down one row.", inKeyBar: false),
        action(.pageUp, [.pageUp], "PgUp", "page up", "Move up one screen.", inKeyBar: false),
        action(.pageDown, [.pageDown], "PgDn", "page down", "Move down one screen.", inKeyBar: false),
        action(.halfPageUp, [.control("u")], "Ctrl-u", "half page up", "Move up half a screen.", inKeyBar: false),
        action(.halfPageDown, [.control("d")], "Ctrl-d", "half page down", "Move down half a screen.", inKeyBar: false),
        action(.home, [.home, .character("g")], "Home/g", "first", "Go to the first row.", inKeyBar: false),
        action(.end, [.end, .character("G")], "End/G", "last", "Go to the last row.", inKeyBar: false),
    ]

    static let tabs: [ConsoleAction] = [
        action(.nextTab, [.tab], "Tab", "next tab", "Next tab.", inKeyBar: false),
        action(.previousTab, [.backTab], "Shift-Tab", "previous tab", "Previous tab.", inKeyBar: false),
        action(.tab(.sessions), [.character("1")], "1", "sessions", "XPay sessions.", inKeyBar: false),
        action(.tab(.payouts), [.character("2")], "2", "payouts", "Praxis payouts.", inKeyBar: false),
        action(.tab(.history), [.character("3")], "3", "history", "History of cancellation attempts.", inKeyBar: false),
    ]

    static let check: ConsoleAction = {
        var a = action(.check, [.character("v")], "v", "check",
                       "Ask the gateway what the row (or each marked row) is now.")
        a.onlyInDoubt = true
        return a
    }()

    static let fullMessage: ConsoleAction = {
        var a = action(.fullMessage, [.character("n")], "n", "full message",
                       "The status line's message in full (when it is cut: it ends with …).")
        a.onlyWhenMessageCut = true
        return a
    }()

    static let common: [ConsoleAction] = [
        fullMessage,
        action(.profiles, [.character("p")], "p", "profile", "Switch profile (a production profile asks for its name)."),
        action(.theme, [.character("t")], "t", "theme", "Next colour theme."),
        action(.reload, [.character("r")], "r", "reload", "Read the store and the audit trail again now."),
        action(.clearFilter, [.escape], "Esc", "clear filter", "Clear the filter.", inKeyBar: false),
        action(.help, [.character("?")], "?", "help", "All keys (this screen)."),
        action(.quit, [.character("q")], "q", "quit", "Quit (asks first while a cancellation is in flight)."),
    ]

    /// The XPay sessions and Praxis payouts tabs.
    public static let targetList: [ConsoleAction] = [
        action(.cancel, [.character("c")], "c", "cancel", "Cancel the selected row, or all marked rows (asks first).", dangerous: true),
        check,
        action(.mark, [.character(" ")], "Space", "mark", "Mark or unmark the row (for cancelling several)."),
        action(.details, [.enter], "Enter", "details", "Every field of the row, and its attempts."),
        action(.copy, [.character("y")], "y", "copy id", "Copy the row's id to the clipboard (through the terminal: over SSH too).",
               inKeyBar: false),
        action(.filter, [.character("/")], "/", "filter", "Filter as you type: Enter keeps it, Esc clears it."),
        action(.sort, [.character("s"), .character(">")], "s/>", "sort", "Sort by the next column to the right."),
        action(.sortLeft, [.character("<")], "<", "sort left", "Sort by the next column to the left.", inKeyBar: false),
        action(.reverseSort, [.character("S")], "S", "reverse", "Reverse the sort.", inKeyBar: false),
    ] + common + tabs + movement

    /// The History tab.
    public static let history: [ConsoleAction] = [
        action(.details, [.enter], "Enter", "details", "The attempt in full, its Correlation-Id included."),
        action(.copy, [.character("y")], "y", "copy id", "Copy the attempt's id to the clipboard (in details: its Correlation-Id).",
               inKeyBar: false),
        check,
        action(.filter, [.character("/")], "/", "filter", "Filter as you type: Enter keeps it, Esc clears it."),
        action(.sort, [.character("s"), .character(">")], "s/>", "sort", "Sort by the next column to the right."),
        action(.sortLeft, [.character("<")], "<", "sort left", "Sort by the next column to the left.", inKeyBar: false),
        action(.reverseSort, [.character("S")], "S", "reverse", "Reverse the sort.", inKeyBar: false),
    ] + common + tabs + movement

    /// The actions of `tab`; without the dangerous ones on a read-only profile.
    public static func table(for tab: ConsoleTab, readOnly: Bool) -> [ConsoleAction] {
        let all = tab == .history ? history : targetList
        return readOnly ? all.filter { !$0.dangerous } : all
    }
}
