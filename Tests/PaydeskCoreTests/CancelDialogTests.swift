import Testing
@testable import Console

extension PaydeskTests {
/// The confirmation flow, key by key: the rules operators build muscle memory on.
@Suite struct CancelDialogTests {
    private func test(_ targets: [String] = ["752856"]) -> CancelDialog {
        CancelDialog(targets: targets, profileName: "TEST", production: false)
    }

    private func prod(_ targets: [String] = ["752856"]) -> CancelDialog {
        CancelDialog(targets: targets, profileName: "PROD", production: true)
    }

    private func type(_ text: String, into dialog: inout CancelDialog) {
        for c in text { #expect(dialog.handle(.character(c)) == .stay) }
    }

    @Test func enterEnterNeverCancels() {
        var d = test()
        #expect(d.stage == .reason, "the cursor starts in Reason")
        #expect(d.handle(.enter) == .stay)
        #expect(d.stage == .choice(yesFocused: false), "No is focused")
        #expect(d.handle(.enter) == .close)
    }

    @Test func yConfirmsWithTheReasonTyped() {
        var d = test()
        type("customer called", into: &d)
        #expect(d.reason == "customer called")
        #expect(d.handle(.enter) == .stay)
        #expect(d.handle(.character("y")) == .confirm(reason: "customer called"))
    }

    @Test func yInTheReasonIsJustALetter() {
        var d = test()
        #expect(d.handle(.character("y")) == .stay)
        #expect(d.stage == .reason)
        #expect(d.reason == "y")
    }

    @Test(arguments: [Key.character("n"), .character("N"), .escape])
    func noOrEscapeCloses(_ key: Key) {
        var d = test()
        _ = d.handle(.enter)
        #expect(d.handle(key) == .close)
    }

    @Test(arguments: [Key.tab, .backTab, .left, .right])
    func movingToYesAndPressingEnterConfirms(_ move: Key) {
        var d = test()
        _ = d.handle(.enter)
        #expect(d.handle(move) == .stay)
        #expect(d.stage == .choice(yesFocused: true))
        #expect(d.handle(.enter) == .confirm(reason: ""))
    }

    @Test func movingTwiceReturnsToNo() {
        var d = test()
        _ = d.handle(.enter)
        _ = d.handle(.tab)
        _ = d.handle(.right)
        #expect(d.handle(.enter) == .close)
    }

    @Test func otherKeysAtTheChoiceDoNothing() {
        var d = test()
        _ = d.handle(.enter)
        for key in [Key.character("x"), .up, .down, .backspace, .character(" ")] { #expect(d.handle(key) == .stay) }
        #expect(d.stage == .choice(yesFocused: false))
    }

    @Test func escapeClosesFromEveryStage() {
        var reason = test()
        #expect(reason.handle(.escape) == .close)
        var typing = prod()
        type("why", into: &typing)
        _ = typing.handle(.enter)
        #expect(typing.stage == .typeToConfirm)
        #expect(typing.handle(.escape) == .close)
    }

    @Test func productionRequiresAReason() {
        var d = prod()
        #expect(d.handle(.enter) == .stay)
        #expect(d.stage == .reason)
        #expect(d.message == "A reason is required on a production profile.")
        type("   ", into: &d)
        #expect(d.handle(.enter) == .stay)
        #expect(d.stage == .reason, "spaces are not a reason")
    }

    @Test func productionWantsTheIdTypedAndYIsJustALetter() {
        var d = prod()
        type("fraud suspected", into: &d)
        _ = d.handle(.enter)
        #expect(d.stage == .typeToConfirm)
        #expect(d.handle(.character("y")) == .stay)
        #expect(d.handle(.enter) == .stay, "\"y\" is not the id")
        #expect(d.message?.contains("does not match") == true)
        _ = d.handle(.backspace)
        type("75285", into: &d)
        #expect(d.handle(.enter) == .stay, "a prefix is not the id")
        type("6", into: &d)
        #expect(d.typed == "752856")
        #expect(d.handle(.enter) == .confirm(reason: "fraud suspected"))
    }

    @Test func severalTargetsOnProductionWantTheirNumber() {
        var d = prod(["1", "2", "3"])
        #expect(d.expectedConfirmation == "3")
        type("batch", into: &d)
        _ = d.handle(.enter)
        type("1", into: &d)
        #expect(d.handle(.enter) == .stay)
        _ = d.handle(.backspace)
        type("3", into: &d)
        #expect(d.handle(.enter) == .confirm(reason: "batch"))
    }

    @Test func backspaceEditsAndControlCharactersAreNotTyped() {
        var d = test()
        type("ab", into: &d)
        _ = d.handle(.backspace)
        _ = d.handle(.character("\u{1B}"))
        _ = d.handle(.character("\u{7}"))
        type("c", into: &d)
        #expect(d.reason == "ac")
        _ = d.handle(.backspace)
        _ = d.handle(.backspace)
        _ = d.handle(.backspace)
        #expect(d.reason.isEmpty)
    }

    @Test func theReasonIsTrimmed() {
        var d = test()
        type("  called twice  ", into: &d)
        _ = d.handle(.enter)
        #expect(d.handle(.character("Y")) == .confirm(reason: "called twice"))
    }
}
}
