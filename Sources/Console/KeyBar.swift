import PaydeskCore

/// The bottom line: the keys that work here and now, from the current screen's action table or the open dialog.
enum KeyBar {
    static func hints(for state: ConsoleState) -> [KeyHint] {
        switch state.dialog {
        case let dialog?:
            // The keys that work in the open dialog, from the table its logic reads.
            return DialogActions.table(for: dialog).filter(\.inKeyBar).map { KeyHint($0.label, $0.summary) }
        case nil:
            if state.list.editingFilter { return [KeyHint("Enter", "keep filter"), KeyHint("Esc", "clear filter"), KeyHint("Up/Down", "move")] }
            let inDoubt = state.choiceInDoubt
            // `c` says why it would refuse the chosen row, before anyone presses it (a read-only profile has no `c` to press).
            let refusal = state.choiceCancelRefusal
            let cut = state.statusMessageIsCut
            var hints = state.actions.filter { $0.inKeyBar && (!$0.onlyInDoubt || inDoubt) && (!$0.onlyWhenMessageCut || cut) }.map { action in
                action.name == .cancel && refusal != nil ? KeyHint(action.label, "n/a: " + refusal!.short) : KeyHint(action.label, action.summary)
            }
            if state.profile.readOnly, let refusal { hints.insert(KeyHint("c", "n/a: " + refusal.short), at: 0) }
            // A cut message is what the operator must read now: its key comes first, where a short line keeps it.
            if cut, let full = hints.firstIndex(where: { $0.label == ConsoleActions.fullMessage.label }) {
                hints.insert(hints.remove(at: full), at: 0)
            }
            return hints
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

/// One entry of the key bar: a key and what it does here.
public struct KeyHint: Sendable, Equatable {
    public let label: String
    public let summary: String
    public init(_ label: String, _ summary: String) {
        self.label = label
        self.summary = summary
    }
}
