import Foundation
import Testing
@testable import Console
@testable import PaydeskCore

/// The home tried as an attacker (or a bad day) would leave it: hostile config values, text of the wrong width,
/// unwritable output.
extension PaydeskTests {
@Suite struct HostileHomeTests {
    // MARK: 9. Control characters in config values are escaped in error messages

    @Test func controlCharactersInConfigValuesNeverReachTheTerminal() async throws {
        let dir = TemporaryDirectory()
        dir.write("config.toml", """
            [profiles.TEST]
            xpay_url = "http://ex\\u001Bample\\u0007.com/\\u0000x"

            """, mode: 0o600)
        let url = try await runPaydesk(["list", "payouts", "--home", dir.path])
        #expect(url.status == 2)
        for raw in ["\u{1B}", "\u{07}", "\u{0}"] { #expect(!url.stderr.contains(raw), "\(url.stderr)") }

        dir.write("config.toml", "[profiles.TEST]\n\"ke\\u001By\\u0007\\u0000\" = 1\n", mode: 0o600)
        let key = try await runPaydesk(["list", "payouts", "--home", dir.path])
        #expect(key.status == 2)
        for raw in ["\u{1B}", "\u{07}", "\u{0}"] { #expect(!key.stderr.contains(raw), "\(key.stderr)") }
        #expect(key.stderr.contains("ke\\u{1B}y\\u{7}"), "\(key.stderr)")

        dir.write("config.toml", "default_profile = \"T\\u001B[2J\"\n[profiles.TEST]\n", mode: 0o600)
        let named = try await runPaydesk(["list", "payouts", "--home", dir.path])
        #expect(named.status == 2)
        #expect(!named.stderr.contains("\u{1B}"))
        #expect(named.stderr.contains("T\\u{1B}[2J"))
    }

    // MARK: 10. One width for the screen and the terminal

    @Test func widthIsTheTerminalsOwn() {
        useUTF8Locale()
        #expect(displayWidth("🚀") == 2, "emoji the old table missed")
        #expect(displayWidth("✅") == 2)
        #expect(displayWidth("🫠") == 2)
        #expect(displayWidth("漢字") == 4)
        #expect(displayWidth("e\u{301}") == 1)
        #expect(displayWidth("plain ascii") == 11)
        #expect(displayWidth("tab\there") == 7, "a control character takes no cell (it is shown escaped)")
    }

    @Test func textNeverSpillsPastItsCell() {
        useUTF8Locale()
        var grid = Grid(width: 10, height: 2)
        let end = grid.put("ab🚀🚀🚀🚀🚀", x: 0, y: 0, role: .row, maxWidth: 7)
        #expect(end <= 7)
        let drawn = (0..<10).map { grid[$0, 0].text }
        #expect(drawn[2] == "🚀" && drawn[3] == "", "a wide character takes its two cells")
        #expect(drawn[6...].allSatisfy { $0 == " " }, "nothing past the cell's edge: \(drawn)")
        #expect(grid.lines[1].isEmpty, "and nothing on the next row")
        let cut = truncated("🚀🚀🚀", toWidth: 5)
        #expect(displayWidth(cut) <= 5)
    }
}
}
