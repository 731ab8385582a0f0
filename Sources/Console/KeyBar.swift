import PaydeskCore

/// The bottom line: the keys that work here and now, from the current screen's action table or the open dialog.
enum KeyBar {
    static func hints(for state: ConsoleState) -> [KeyHint] {
        switch state.dialog {
        case .cancel(let form, _)?:
            switch form.stage {
            case .reason: return [KeyHint("Enter", "next"), KeyHint("Esc", "close, cancel nothing")]
            case .choice: return [KeyHint("y", "yes, cancel"), KeyHint("n", "no"), KeyHint("Tab", "No/Yes"), KeyHint("Enter", "press"), KeyHint("Esc", "close")]
            case .typeToConfirm: return [KeyHint("Enter", "confirm"), KeyHint("Backspace", "edit"), KeyHint("Esc", "close, cancel nothing")]
            }
        case .details?:
            return [KeyHint("Up/Down", "scroll"), KeyHint("PgUp/PgDn", "page"), KeyHint("y", "copy id"), KeyHint("Esc", "close")]
        case .help?:
            return [KeyHint("Up/Down", "scroll"), KeyHint("PgUp/PgDn", "page"), KeyHint("Esc", "close")]
        case .profiles(let switcher)?:
            return switcher.confirming == nil
                ? [KeyHint("Up/Down", "choose"), KeyHint("Enter", "switch"), KeyHint("Esc", "close")]
                : [KeyHint("Enter", "confirm"), KeyHint("Esc", "back")]
        case .quit?:
            return [KeyHint("y", "quit when answered"), KeyHint("n", "stay"), KeyHint("Esc", "stay")]
        case nil:
            if state.list.editingFilter { return [KeyHint("Enter", "keep filter"), KeyHint("Esc", "clear filter"), KeyHint("Up/Down", "move")] }
            let inDoubt = state.choiceInDoubt
            return state.actions.filter { $0.inKeyBar && (!$0.onlyInDoubt || inDoubt) }.map { KeyHint($0.label, $0.summary) }
        }
    }

    /// When the line is too short, hints go from the end of the middle: the first ones (what this screen is
    /// for) and the last two (help and quit) stay.
    static func draw(_ hints: [KeyHint], into grid: inout Grid, row y: Int) {
        grid.fill(row: y, role: .keyHint)
        func width(_ h: [KeyHint]) -> Int { h.reduce(1) { $0 + displayWidth($1.label) + 1 + displayWidth($1.summary) + 2 } }
        var hints = hints
        while width(hints) > grid.width + 1, hints.count > 3 { hints.remove(at: hints.count - 3) }
        var x = 1
        for hint in hints {
            let needed = displayWidth(hint.label) + 1 + displayWidth(hint.summary)
            guard x + needed <= grid.width else { break }
            x = grid.put(hint.label, x: x, y: y, role: .keyName)
            x = grid.put(" " + hint.summary, x: x, y: y, role: .keyHint) + 2
        }
    }
}

/// One entry of the key bar: a key and what it does here (for dialogs shown only: their own logic handles the key).
public struct KeyHint: Sendable, Equatable {
    public let label: String
    public let summary: String
    public init(_ label: String, _ summary: String) {
        self.label = label
        self.summary = summary
    }
}
