/// What a key does in a dialog. Each dialog looks its keys up in its table here (a key the table does not name
/// does nothing), and its key bar and the `?` help are written from the same table: a key cannot work in a dialog
/// without being shown, nor be shown without working.
public struct DialogAction: Sendable, Equatable {
    public enum Name: Sendable, Equatable {
        /// Typing into the dialog's field, and taking the last character back.
        case type, erase
        /// The reason is written: on to the choice (or the typed confirmation).
        case next
        case yes, no
        /// Moves the focus between No and Yes; presses the focused one.
        case toggle, press
        /// Confirms what was typed.
        case confirm
        case close
        case up, down, pageUp, pageDown, halfPageUp, halfPageDown, first, last
        /// Switches to the profile under the cursor.
        case choose
        /// The id shown to the clipboard (OSC 52).
        case copy
    }

    public let name: Name
    public let keys: [Key]
    /// Any printable character, besides `keys` (a field being typed into).
    public var typing = false
    /// How the keys are written: `y`, `Tab/arrows`, `letters`.
    public let label: String
    /// A word or two for the key bar.
    public let summary: String
    /// A sentence for the help.
    public let help: String
    public var inKeyBar = true

    /// Whether `key` does this here.
    public func matches(_ key: Key) -> Bool { keys.contains(key) || (typing && key.isTyped) }

    /// Every key that does it, as the help names them: `Tab, Shift-Tab, Left, Right`; `letters` for typing.
    public var keyNames: String { (keys.map(\.name) + (typing ? ["letters"] : [])).joined(separator: ", ") }
}

extension Key {
    /// How the help writes the key.
    public var name: String {
        switch self {
        case .character(" "): "Space"
        case .character(let c): String(c)
        case .control(let c): "Ctrl-\(c)"
        case .enter: "Enter"
        case .escape: "Esc"
        case .tab: "Tab"
        case .backTab: "Shift-Tab"
        case .backspace: "Backspace"
        case .up: "Up"
        case .down: "Down"
        case .left: "Left"
        case .right: "Right"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        }
    }

    /// A printable character: what a field takes as text.
    public var isTyped: Bool {
        guard case .character(let c) = self else { return false }
        return !c.isNewline && c.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F }
    }
}

/// The dialogs' tables, one per dialog and stage.
public enum DialogActions {
    static func action(_ name: DialogAction.Name, _ keys: [Key], _ label: String, _ summary: String, _ help: String,
                       typing: Bool = false, inKeyBar: Bool = true) -> DialogAction {
        DialogAction(name: name, keys: keys, typing: typing, label: label, summary: summary, help: help, inKeyBar: inKeyBar)
    }

    /// The action `key` does in `table`, or nil: then the key does nothing there.
    public static func find(_ key: Key, in table: [DialogAction]) -> DialogAction? {
        table.first { $0.keys.contains(key) } ?? table.first { $0.matches(key) }
    }

    static let choiceMoves: [Key] = [.tab, .backTab, .left, .right]

    /// The details, the help and a message in full: pages that scroll.
    public static let page: [DialogAction] = [
        action(.up, [.up, .character("k")], "Up/k", "up", "Scroll up a line."),
        action(.down, [.down, .character("j")], "Down/j", "down", "Scroll down a line."),
        action(.pageUp, [.pageUp], "PgUp", "page up", "Scroll up a page.", inKeyBar: false),
        action(.pageDown, [.pageDown, .character(" ")], "PgDn/Space", "page", "Scroll down a page."),
        action(.halfPageUp, [.control("u")], "Ctrl-u", "half page up", "Scroll up half a page.", inKeyBar: false),
        action(.halfPageDown, [.control("d")], "Ctrl-d", "half page down", "Scroll down half a page.", inKeyBar: false),
        action(.first, [.home, .character("g")], "Home/g", "top", "The first line.", inKeyBar: false),
        action(.last, [.end, .character("G")], "End/G", "end", "The last line.", inKeyBar: false),
        action(.close, [.escape, .enter, .character("q"), .character("?")], "Esc", "close", "Close the page."),
    ]

    /// The details of a row or an attempt: a page, and its id to copy.
    public static let details: [DialogAction] = page + [
        action(.copy, [.character("y")], "y", "copy id", "Copy the id to the clipboard: the row's, or the attempt's Correlation-Id (else its id)."),
    ]

    /// The cancel dialog, at each stage.
    public static func cancel(_ stage: CancelDialog.Stage) -> [DialogAction] {
        switch stage {
        case .reason: [
            action(.next, [.enter], "Enter", "next", "The reason is written: on to the confirmation (a reason is required on production)."),
            action(.type, [], "letters", "type", "Type the reason (written to the audit trail).", typing: true, inKeyBar: false),
            action(.erase, [.backspace], "Backspace", "erase", "Erase the last character.", inKeyBar: false),
            action(.close, [.escape], "Esc", "close, cancel nothing", "Close: nothing is sent."),
        ]
        case .choice: [
            action(.yes, [.character("y"), .character("Y")], "y", "yes, cancel", "Cancel it: the request is sent."),
            action(.no, [.character("n"), .character("N")], "n", "no", "Close: nothing is sent."),
            action(.toggle, choiceMoves, "Tab/arrows", "No/Yes", "Move between No and Yes (No first)."),
            action(.press, [.enter], "Enter", "press", "Press the focused button: No closes, Yes cancels."),
            action(.close, [.escape], "Esc", "close", "Close: nothing is sent."),
        ]
        case .typeToConfirm: [
            action(.confirm, [.enter], "Enter", "confirm", "Cancel, if what was typed is the id (for several rows: their number)."),
            action(.type, [], "letters", "type", "Type the id (or the number of rows) to confirm: y here is just a letter.",
                   typing: true, inKeyBar: false),
            action(.erase, [.backspace], "Backspace", "edit", "Erase the last character."),
            action(.close, [.escape], "Esc", "close, cancel nothing", "Close: nothing is sent."),
        ]
        }
    }

    /// The profiles dialog: choosing, then (for a production profile) typing its name.
    public static let profilesChoosing: [DialogAction] = [
        action(.up, [.up, .character("k")], "Up/k", "up", "The profile above."),
        action(.down, [.down, .character("j")], "Down/j", "down", "The profile below."),
        action(.first, [.home], "Home", "first", "The first profile.", inKeyBar: false),
        action(.last, [.end], "End", "last", "The last profile.", inKeyBar: false),
        action(.choose, [.enter], "Enter", "switch", "Switch to it (a production profile asks for its name first)."),
        action(.close, [.escape, .character("q"), .character("p")], "Esc/q/p", "close", "Close: the profile stays."),
    ]

    public static let profilesConfirming: [DialogAction] = [
        action(.confirm, [.enter], "Enter", "confirm", "Switch, if what was typed is the profile's name."),
        action(.type, [], "letters", "type", "Type the production profile's name.", typing: true, inKeyBar: false),
        action(.erase, [.backspace], "Backspace", "erase", "Erase the last character.", inKeyBar: false),
        action(.close, [.escape], "Esc", "back", "Back to the list of profiles."),
    ]

    /// The question asked when quitting while calls are in flight.
    public static let quit: [DialogAction] = [
        action(.yes, [.character("y"), .character("Y")], "y", "quit when answered", "Quit once the calls in flight have their answers."),
        action(.no, [.character("n"), .character("N")], "n", "stay", "Stay."),
        action(.toggle, choiceMoves, "Tab/arrows", "No/Yes", "Move between No and Yes (No first)."),
        action(.press, [.enter], "Enter", "press", "Press the focused button."),
        action(.close, [.escape], "Esc", "stay", "Stay."),
    ]

    /// The table of the dialog open in `dialog`.
    static func table(for dialog: ConsoleState.Dialog) -> [DialogAction] {
        switch dialog {
        case .cancel(let form, _): cancel(form.stage)
        case .details: details
        case .help: page
        case .profiles(let switcher): switcher.confirming == nil ? profilesChoosing : profilesConfirming
        case .quit: quit
        }
    }

    /// Every table, titled, for the help.
    static let all: [(title: String, actions: [DialogAction])] = [
        ("In the cancel dialog, writing the reason", cancel(.reason)),
        ("In the cancel dialog, choosing No or Yes (not production)", cancel(.choice(yesFocused: false))),
        ("In the cancel dialog, typing the id (production)", cancel(.typeToConfirm)),
        ("In the profiles dialog", profilesChoosing),
        ("In the profiles dialog, typing a production profile's name", profilesConfirming),
        ("In details and messages", details),
        ("In the help", page),
        ("When quitting with calls in flight", quit),
    ]
}

extension String {
    /// A dialog's field taking a key: a typed character is added, Backspace removes the last one.
    mutating func edit(with key: Key) {
        if case .character(let c) = key { append(c) } else if key == .backspace, !isEmpty { removeLast() }
    }
}
