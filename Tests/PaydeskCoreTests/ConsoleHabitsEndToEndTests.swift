import Foundation
import Testing

extension PaydeskTests {
/// The mouse and the clipboard with the built binary in a real terminal (tmux): tmux decodes nothing here, it
/// passes the bytes a terminal would send to the program, and reports which mouse modes the program turned on.
@Suite struct ConsoleHabitsEndToEndTests {
    /// An xterm mouse report, 0-based cell: X10 (`ESC [ M` and three bytes, TERM=screen) or SGR (`ESC [ <`, xterm-256color).
    private func report(button: Int, x: Int, y: Int, sgr: Bool, release: Bool = false) -> [UInt8] {
        if sgr { return Array("\u{1B}[<\(button);\(x + 1);\(y + 1)\(release ? "m" : "M")".utf8) }
        return [0x1B, 0x5B, 0x4D, UInt8(32 + (release ? 3 : button)), UInt8(32 + x + 1), UInt8(32 + y + 1)]
    }

    private func click(_ tmux: TmuxTerminal, x: Int, y: Int, sgr: Bool) throws {
        try tmux.send(bytes: report(button: 0, x: x, y: y, sgr: sgr) + report(button: 0, x: x, y: y, sgr: sgr, release: true))
    }

    /// The column of `text` on the screen's row `y`.
    private func column(of text: String, _ screen: String, row y: Int) -> Int? {
        let line = screen.split(separator: "\n", omittingEmptySubsequences: false)[y]
        return line.range(of: text).map { line.distance(from: line.startIndex, to: $0.lowerBound) + 1 }
    }

    @Test(arguments: [false, true])
    func clicksSelectTabsAndRowsTheWheelScrollsAndYCopies(sgr: Bool) async throws {
        let home = TemporaryDirectory("paydesk-e2e-mouse")
        let term = sgr ? "TERM=xterm-256color " : ""   // tmux's own TERM (screen) speaks X10
        let tmux = try TmuxTerminal("\(term)\(paydeskBinary) demo --home \(home.path)/demo --arrivals 0")
        defer { tmux.stop() }
        try tmux.setOption("set-clipboard", "on")
        guard let first = await tmux.waitFor("both tabs loaded", { $0.contains("Praxis payouts (12)") && $0.contains("row 1 of") }) else { return }
        // Button presses and releases only, never motion: dragging (with Shift, in most terminals) stays the terminal's.
        #expect(tmux.format("#{mouse_standard_flag} #{mouse_button_flag} #{mouse_all_flag} #{mouse_sgr_flag}") == "1 0 0 \(sgr ? 1 : 0)")

        let x = try #require(column(of: "Praxis payouts", first, row: 1))
        try click(tmux, x: x, y: 1, sgr: sgr)
        await tmux.waitFor("TRACE")
        try click(tmux, x: 10, y: 3 + 4, sgr: sgr)   // the fifth row
        await tmux.waitFor("row 5 of 12")
        try tmux.send(bytes: report(button: 65, x: 10, y: 5, sgr: sgr))   // wheel down
        await tmux.waitFor("row 8 of 12")
        try tmux.send(bytes: report(button: 64, x: 10, y: 5, sgr: sgr))   // wheel up
        guard let screen = await tmux.waitFor("row 5 of 12") else { return }

        let trace = try #require(screen.split(separator: "\n").first { $0.hasPrefix(">") }?.split(separator: " ").dropFirst().first.map(String.init))
        try tmux.press("y")
        await tmux.waitFor("copied \(trace)")
        #expect(tmux.pasteBuffer == trace, "OSC 52 reached tmux's clipboard (set-clipboard on)")

        try tmux.press("q")
        await tmux.waitFor("paydesk exited")
        #expect(tmux.exitStatus == "exited with 0")
        #expect(tmux.format("#{mouse_any_flag}") == "0", "mouse reporting off again after quitting")
    }

    @Test func mouseFalseLeavesTheMouseToTheTerminal() async throws {
        let home = TemporaryDirectory("paydesk-e2e-nomouse")
        home.write("config.toml", """
            mouse = false

            [profiles.TEST]
            xpay_url = "http://127.0.0.1:1/x"
            praxis_url = "http://127.0.0.1:1"

            """, mode: 0o600)
        let tmux = try TmuxTerminal("\(paydeskBinary) --home \(home.path)")
        defer { tmux.stop() }
        guard await tmux.waitFor("TEST · TEST") != nil else { return }
        #expect(tmux.format("#{mouse_any_flag}") == "0")
        try tmux.press("q")
        await tmux.waitFor("paydesk exited")
        #expect(tmux.exitStatus == "exited with 0")
    }
}
}
