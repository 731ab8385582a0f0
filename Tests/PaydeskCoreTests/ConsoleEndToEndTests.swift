import Foundation
import Testing

extension PaydeskTests {
/// The built binary in a real terminal (tmux): `paydesk demo` driven by keys, read back from the screen.
@Suite struct ConsoleEndToEndTests {
    /// After `End`: the id on the cursor row (`>`), once the cursor is on the list's last row.
    private func lastRowId(_ tmux: TmuxTerminal, sourceLocation: SourceLocation = #_sourceLocation) async -> String? {
        let screen = await tmux.waitFor("the cursor on the last row", sourceLocation: sourceLocation) { screen in
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            guard let i = lines.firstIndex(where: { $0.hasPrefix(">") }), i + 1 < lines.count else { return false }
            return !lines[i + 1].hasPrefix("   ") || lines[i + 1].trimmingCharacters(in: .whitespaces).isEmpty
        }
        return screen?.split(separator: "\n").first { $0.hasPrefix(">") }?.dropFirst(3).split(separator: " ").first.map(String.init)
    }

    /// The audit pane line about `target`.
    private func auditLine(_ screen: String, _ target: String) -> String? {
        guard let pane = screen.range(of: "─ Audit") else { return nil }
        return screen[pane.upperBound...].split(separator: "\n").first { $0.contains(" \(target) ") }.map(String.init)
    }

    @Test func demoCancelsASessionAndAPayoutShowsThemInHistoryGuardsProductionResizesAndQuits() async throws {
        let home = TemporaryDirectory("paydesk-e2e")
        let tmux = try TmuxTerminal("\(paydeskBinary) demo --home \(home.path)/demo --arrivals 0")
        defer { tmux.stop() }
        do {
            guard await tmux.waitFor("DEMO · TEST") != nil,
                  await tmux.waitFor("both tabs loaded", { $0.contains("Praxis payouts (") && !$0.contains("loading") }) != nil else { return }

            // A session: the youngest is the last row (sorted by time left); it is scripted to cancel.
            try tmux.press("End")
            guard let session = await lastRowId(tmux) else { return }
            try tmux.press("c")
            await tmux.waitFor("Reason:")
            try tmux.type("e2e: customer asked")
            try tmux.press("Enter")
            await tmux.waitFor("[ No ]  [ Yes ]")
            try tmux.press("y")
            let sessionDone = await tmux.waitFor("the session's outcome") { auditLine($0, session)?.contains("cancelled  HTTP 200") == true }
            #expect(sessionDone.flatMap { auditLine($0, session) }?.contains("session cancelled") == true)

            // A payout: the newest request is the last row; it is scripted to cancel, signed.
            try tmux.press("2")
            await tmux.waitFor("REQUESTED")
            try tmux.press("End")
            guard let payout = await lastRowId(tmux) else { return }
            try tmux.press("c")
            await tmux.waitFor("Reason:")
            try tmux.type("dup payout")
            try tmux.press("Enter", "y")
            let payoutDone = await tmux.waitFor("the payout's outcome") { auditLine($0, payout)?.contains("cancelled  HTTP 200  status 0") == true }
            #expect(payoutDone.flatMap { auditLine($0, payout) }?.contains("Transaction canceled successfully") == true)

            // History lists both, newest first, with the reasons typed.
            try tmux.press("3")
            let history = await tmux.waitFor("History with both attempts") { $0.contains("TIME▼") && $0.contains(" \(session) ") && $0.contains(" \(payout) ") }
            #expect(history?.contains("dup payout") == true)

            // Production: switching asks for the name; cancelling asks for a reason, then the id.
            try tmux.press("p")
            await tmux.waitFor("Profiles")
            try tmux.press("Down", "Enter")
            await tmux.waitFor("Type its name to switch")
            try tmux.type("DEMO-PROD")
            try tmux.press("Enter")
            await tmux.waitFor("DEMO-PROD · PRODUCTION")
            await tmux.waitFor("No attempts yet")
            await tmux.waitFor("DEMO-PROD's rows loaded") { !$0.contains("loading") }
            try tmux.press("End")
            guard let prodSession = await lastRowId(tmux) else { return }
            try tmux.press("c")
            await tmux.waitFor("Cancel on DEMO-PROD (PRODUCTION)")
            try tmux.press("Enter")
            await tmux.waitFor("A reason is required")
            try tmux.type("fraud")
            try tmux.press("Enter")
            await tmux.waitFor("Type the id \(prodSession) to confirm")
            try tmux.press("y", "Enter")
            await tmux.waitFor("does not match the id")
            #expect(tmux.screen.contains("No attempts yet"), "nothing was sent")
            try tmux.press("BSpace")
            try tmux.type(prodSession)
            try tmux.press("Enter")
            await tmux.waitFor("the production session's outcome") { auditLine($0, prodSession)?.contains("cancelled") == true }

            // Resizing: too small says so, and the screen comes back.
            try tmux.resize(width: 70, height: 20)
            await tmux.waitFor("paydesk needs at least 80x24")
            try tmux.resize(width: 120, height: 40)
            await tmux.waitFor("the full screen again") { $0.contains("XPay sessions (") && $0.contains("─ Audit") }

            // q: exit status 0 and the terminal restored (curses' alternate screen gone).
            try tmux.press("q")
            await tmux.waitFor("paydesk exited")
            #expect(tmux.exitStatus == "exited with 0")
            #expect(!tmux.alternateScreenOn)

            // The demo's secrets (random per run) never reached the screen.
            let secretsFolder = home.path + "/demo/secrets"
            let secrets = try FileManager.default.contentsOfDirectory(atPath: secretsFolder)
                .map { try String(contentsOfFile: secretsFolder + "/" + $0, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) }
            #expect(secrets.count == 4 && secrets.allSatisfy { $0.count >= 16 })
            #expect(tmux.captured.count > 20)
            for secret in secrets { #expect(!tmux.captured.contains { $0.contains(secret) }) }
        }
    }

    @Test func onATerminalWithoutAnAlternateScreenQuittingLeavesItClean() async throws {
        let home = TemporaryDirectory("paydesk-e2e-vt100")
        let tmux = try TmuxTerminal("TERM=vt100 \(paydeskBinary) demo --home \(home.path)/demo --arrivals 0")
        defer { tmux.stop() }
        guard await tmux.waitFor("both tabs loaded", { $0.contains("Praxis payouts (12)") }) != nil else { return }
        #expect(!tmux.alternateScreenOn, "vt100 has none: the console draws on the shell's screen")
        try tmux.press("q")
        guard let after = await tmux.waitFor("paydesk exited") else { return }
        #expect(tmux.exitStatus == "exited with 0")
        for leftover in ["paydesk · DEMO", "XPay sessions", "─ Audit", "q quit"] {
            #expect(!after.contains(leftover), "the console's last frame is cleared away")
        }
        #expect(after.contains("demo over"))
    }

    @Test func aTerminalThatCannotMoveTheCursorIsRefusedBeforeTheDemoSetsAnythingUp() async throws {
        let home = TemporaryDirectory("paydesk-e2e-dumb")
        let tmux = try TmuxTerminal("TERM=dumb \(paydeskBinary) demo --home \(home.path)/demo --arrivals 0")
        defer { tmux.stop() }
        guard let screen = await tmux.waitFor("paydesk exited") else { return }
        #expect(tmux.exitStatus == "exited with 2")
        #expect(screen.contains("the terminal type \"dumb\" cannot move the cursor"))
        #expect(!FileManager.default.fileExists(atPath: home.path + "/demo"), "no home created, no simulator started")
    }

    @Test func withoutATerminalTheConsoleSaysWhatToUseInstead() async throws {
        let home = TemporaryDirectory()
        let result = try await runPaydesk(["--home", home.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("the console needs a terminal"))
        let demo = try await runPaydesk(["demo", "--home", home.path + "/demo"])
        #expect(demo.status == 2)
        #expect(demo.stderr.contains("the console needs a terminal"))
        #expect(!FileManager.default.fileExists(atPath: home.path + "/demo"), "nothing was set up")
    }
}
}
