import Testing
@testable import Console
@testable import PaydeskCore

extension PaydeskTests {
/// The dialogs' keys come from their action tables: every key a dialog acts on is in its table (so in the help),
/// every key in the table acts, and the key bar shows only keys from the table.
@Suite struct DialogKeysTests {
    typealias F = ConsoleFixtures

    /// Every key the terminal backend can deliver, and a few characters beyond ASCII.
    static let everyKey: [Key] = [.enter, .escape, .tab, .backTab, .backspace, .up, .down, .left, .right, .pageUp, .pageDown, .home, .end]
        + (0x20...0x7E).map { Key.character(Character(Unicode.Scalar($0)!)) } + ["é", "漢", "\u{7}"].map { Key.character($0) }
        + "abcdefghijklmnopqrstuvwxyz".map { Key.control($0) }

    /// Each dialog in a state where every key of its table does something visible (a page scrolled to its middle, a
    /// field with text in it, a cursor with room both ways).
    static func dialogs() -> [(String, ConsoleState)] {
        var out: [(String, ConsoleState)] = []
        let words = (1...400).map { "word\($0)" }.joined(separator: " ")
        let long = F.session("ps_long", ageSeconds: 10, order: "O-9", amount: 100, extra: [("description", .string(words))])
        var page = F.state(data: ConsoleData(sessions: [long]))
        page.press(.enter, .pageDown, .pageDown)
        out.append(("details", page))
        var help = F.state()
        help.press(.character("?"), .pageDown, .pageDown)
        out.append(("help", help))
        var reason = F.state()
        reason.press(.character("c")); reason.type("why")
        out.append(("cancel: reason", reason))
        for yes in [false, true] {
            var choice = F.state()
            choice.press(.character("c"), .enter)
            if yes { choice.press(.tab) }
            out.append(("cancel: choice, yes focused \(yes)", choice))
        }
        var typing = F.state(F.prod)
        typing.press(.character("c")); typing.type("why"); typing.press(.enter); typing.type("ps")
        out.append(("cancel: type the id", typing))
        let three = [F.test, F.audit, F.prod]
        var profiles = ConsoleState(profile: F.audit, profiles: three, operatorName: "m.rossi", themeNames: ["default"], themeName: "default",
                                    now: F.now, width: 80, height: 24)
        _ = profiles.update(.loaded(F.data))
        profiles.press(.character("p"))   // the cursor on AUDIT, in the middle
        out.append(("profiles", profiles))
        var confirming = profiles
        confirming.press(.down, .enter); confirming.type("PR")
        out.append(("profiles: type the name", confirming))
        for yes in [false, true] {
            var quit = F.state()
            quit.press(.character("c"), .enter, .character("y"), .character("q"))
            if yes { quit.press(.tab) }
            out.append(("quit, yes focused \(yes)", quit))
        }
        return out
    }

    @Test func everyKeyADialogActsOnIsInItsTableAndEveryKeyInItsTableActs() throws {
        for (name, state) in Self.dialogs() {
            let dialog = try #require(state.dialog, "\(name): no dialog open")
            let table = DialogActions.table(for: dialog)
            for key in Self.everyKey {
                var after = state
                let effects = after.update(.key(key))
                let acted = after.dialog != state.dialog || !effects.isEmpty
                let listed = table.contains { $0.matches(key) }
                #expect(acted == listed, "\(name): \(key.name) \(acted ? "acts" : "does nothing") but is \(listed ? "" : "not ")in the table")
            }
        }
    }

    @Test func theKeyBarShowsOnlyTheTablesKeysAndTheHelpNamesEveryKey() throws {
        for (name, state) in Self.dialogs() {
            let dialog = try #require(state.dialog)
            let table = DialogActions.table(for: dialog)
            let hints = KeyBar.hints(for: state)
            #expect(!hints.isEmpty)
            #expect(hints == table.filter(\.inKeyBar).map { KeyHint($0.label, $0.summary) }, "\(name)")
            #expect(state.screen.last?.contains(hints[0].label + " " + hints[0].summary) == true, "\(name): drawn")
        }
        // The help lists every dialog's every key, by name, with what it does.
        var s = F.state()
        s.press(.character("?"))
        guard case .help(let help)? = s.dialog else { Issue.record("no help"); return }
        let text = help.lines.map(\.text)
        for (title, table) in DialogActions.all {
            let start = try #require(text.firstIndex(of: title), "\(title) in the help")
            for action in table {
                #expect(text[start...].contains { $0.contains(action.keyNames) && $0.contains(action.help) }, "\(title): \(action.keyNames)")
            }
        }
        // What changed for the quit dialog: Tab and Enter work there, and now say so.
        let quitHelp = try #require(text.firstIndex(of: "When quitting with calls in flight"))
        #expect(text[quitHelp...].contains { $0.contains("Tab, Shift-Tab, Left, Right") })
        #expect(text[quitHelp...].contains { $0.contains("Enter") })
    }
}
}
