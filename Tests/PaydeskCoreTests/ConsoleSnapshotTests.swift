import Foundation
import Testing
@testable import Console
@testable import PaydeskCore

extension PaydeskTests {
/// The main screens and dialogs rendered into the in-memory grid, compared with text and roles kept in Tests/Snapshots
/// (SnapshotFormat).
/// A changed screen shows up as a readable diff. To accept a deliberate change, run the tests with
/// PAYDESK_RECORD_SNAPSHOTS=1 and review the files' diff before committing.
@Suite struct ConsoleSnapshotTests {
    typealias F = ConsoleFixtures

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Snapshots").path

    private func check(_ name: String, _ state: ConsoleState, sourceLocation: SourceLocation = #_sourceLocation) {
        let frame = ConsoleView.render(state)
        let size = "\(state.layout.width)x\(state.layout.height)"
        let text = SnapshotFormat.text(of: frame.grid)
        let path = Self.directory + "/\(name)-\(size).txt"
        let recording = ProcessInfo.processInfo.environment["PAYDESK_RECORD_SNAPSHOTS"] == "1"
        guard !recording, let expected = try? String(contentsOfFile: path, encoding: .utf8) else {
            try? FileManager.default.createDirectory(atPath: Self.directory, withIntermediateDirectories: true)
            try? text.write(toFile: path, atomically: true, encoding: .utf8)
            Issue.record("snapshot \(path) recorded: review it, then run again", sourceLocation: sourceLocation)
            return
        }
        let diff = SnapshotFormat.differences(text, expected)
        if !diff.isEmpty {
            Issue.record("screen \(name) at \(size) differs from \(path):\n\(diff.joined(separator: "\n"))", sourceLocation: sourceLocation)
        }
    }

    static let sizes = [(80, 24), (120, 40)]

    @Test(arguments: sizes) func sessions(_ width: Int, _ height: Int) {
        check("sessions", F.state(width: width, height: height))
    }

    @Test(arguments: sizes) func payoutsWithOneMarkedAndOneInFlight(_ width: Int, _ height: Int) {
        var s = F.state(width: width, height: height)
        s.press(.character("2"), .character(" "))
        s.press(.end, .character("c"), .enter, .character("y"))
        check("payouts", s)
    }

    @Test func payoutsMarkedAndInDoubt() {
        var s = F.state()
        s.press(.character("2"), .character(" "), .down)   // 752856 marked, 752857 UNKNOWN, the cursor on 752858
        check("payouts-marked-in-doubt", s)
    }

    @Test func aCutMessageAndWhyCIsUnavailable() {
        var s = F.state()
        s.press(.character("2"), .down)
        _ = s.update(.notice("The theme file /home/desk/.config/paydesk/themes/night.toml could not be read: line 12, role in_doubt "
                             + "has no colour named amber; use one of the 256 colour numbers or a name from the README.", isError: true))
        check("notice-cut", s)
    }

    @Test(arguments: sizes) func history(_ width: Int, _ height: Int) {
        var s = F.state(width: width, height: height)
        s.press(.character("3"))
        check("history", s)
    }

    @Test(arguments: sizes) func productionCancelDialogAskingForTheId(_ width: Int, _ height: Int) {
        var s = F.state(F.prod, width: width, height: height)
        s.press(.character("c"))
        s.type("customer called")
        s.press(.enter)
        s.type("ps_a")
        check("cancel-production", s)
    }

    @Test(arguments: sizes) func testCancelDialogAtTheChoice(_ width: Int, _ height: Int) {
        var s = F.state(width: width, height: height)
        s.press(.character(" "), .character(" "), .character("c"), .enter)
        check("cancel-test", s)
    }

    @Test(arguments: sizes) func profileSwitcherAskingForAProductionName(_ width: Int, _ height: Int) {
        var s = F.state(width: width, height: height)
        s.press(.character("p"), .down, .enter)
        s.type("PR")
        check("profiles", s)
    }

    @Test(arguments: sizes) func sessionDetails(_ width: Int, _ height: Int) {
        var s = F.state(width: width, height: height)
        s.press(.down, .enter)
        check("details", s)
    }

    @Test(arguments: sizes) func help(_ width: Int, _ height: Int) {
        var s = F.state(F.audit, width: width, height: height)
        s.press(.character("?"))
        check("help-read-only", s)
    }

    @Test func tooSmall() {
        check("too-small", F.state(F.prod, width: 60, height: 20))
    }

    @Test func filterBeingTyped() {
        var s = F.state()
        s.press(.character("/"))
        s.type("ORD-100")
        check("filter", s)
        #expect(ConsoleView.render(s).cursor == Frame.Cursor(x: 16, y: 22), "the typing cursor follows the filter text")
    }

    @Test func aRowThatLosesItsColourFailsTheComparison() throws {
        var s = F.state()
        s.press(.character("2"), .character(" "), .down)   // 752856 marked; 752857 UNKNOWN (in doubt); the cursor on 752858
        let grid = ConsoleView.render(s).grid
        let recorded = SnapshotFormat.text(of: grid)
        #expect(SnapshotFormat.differences(recorded, recorded).isEmpty, "the same recording passes: the failures below come from the roles alone")
        for (key, role) in [("752856", ThemeRole.marked), ("752857", .inDoubt)] {
            let y = try #require((0..<grid.height).first { grid.lines[$0].contains(key) })
            #expect(grid[5, y].role == role)
            // The same text, the row painted as a plain one: only the roles differ, and that fails.
            var faded = grid
            faded.put(grid.lines[y], x: 0, y: y, role: .row)
            #expect(faded.lines == grid.lines)
            let diff = SnapshotFormat.differences(SnapshotFormat.text(of: faded), recorded)
            #expect(diff.count == 1, "\(key)")
            #expect(diff.first?.hasPrefix("role line \(y + 1):") == true, "\(diff)")
        }
    }

    // Colour is never the only sign, but it must be there: the roles the theme paints.
    @Test func productionPaintsTheWholeTitleBarAndTheCursorRowIsSelected() {
        let grid = ConsoleView.render(F.state(F.prod)).grid
        #expect((0..<80).allSatisfy { grid[$0, 0].role == .production })
        #expect(grid[5, 3].role == .selected)
        #expect(grid[5, 4].role == .row)
    }
}
}
