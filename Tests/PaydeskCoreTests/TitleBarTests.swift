import Testing
@testable import Console
@testable import PaydeskCore

extension PaydeskTests {
@Suite struct TitleBarTests {
    let now = Timestamp.parseRFC3339("2026-11-21T09:30:12Z")!

    private func render(_ width: Int, production: Bool, readOnly: Bool = false, name: String = "PROD") -> Grid {
        var grid = Grid(width: width, height: 1)
        TitleBar(profile: name, production: production, readOnly: readOnly, operatorName: "m.rossi", now: now).draw(into: &grid)
        return grid
    }

    /// `left` and `right` on one line `width` cells wide, `right` ending one cell before the edge.
    private func bar(_ left: String, _ right: String, _ width: Int) -> String {
        left + String(repeating: " ", count: width - 1 - left.count - right.count) + right
    }

    @Test func productionSaysSoAcrossTheWholeBar() {
        let grid = render(80, production: true)
        #expect(grid.lines == [bar(" paydesk · PROD · PRODUCTION", "m.rossi · 09:30:12Z", 80)])
        #expect((0..<80).allSatisfy { grid[$0, 0].role == .production })
    }

    @Test func testSaysTestInTheTitleColour() {
        let grid = render(80, production: false, name: "TEST")
        #expect(grid.lines == [bar(" paydesk · TEST · TEST", "m.rossi · 09:30:12Z", 80)])
        #expect((0..<80).allSatisfy { grid[$0, 0].role == .title })
    }

    @Test func readOnlyIsSaid() {
        #expect(render(80, production: true, readOnly: true).lines[0].hasSuffix("m.rossi · READ-ONLY · 09:30:12Z"))
    }

    @Test func whenNarrowTheOperatorAndTimeGiveWayNeverProductionOrReadOnly() {
        let narrow = render(44, production: true, readOnly: true)
        #expect(narrow.lines == [bar(" paydesk · PROD · PRODUCTION", "READ-ONLY", 44)])
        let tiny = render(30, production: true, readOnly: true)
        #expect(tiny.lines[0].contains("READ-ONLY"))
        #expect(render(30, production: true).lines[0].contains("PRODUCTION"))
    }

    @Test func wideCharactersTakeTwoCellsAndControlCharactersAreEscaped() {
        var grid = Grid(width: 10, height: 1)
        let end = grid.put("日本x", x: 0, y: 0, role: .row)
        #expect(end == 5)
        #expect(grid.lines == ["日本x"])
        var escaped = Grid(width: 12, height: 1)
        escaped.put("a\u{1B}[2J", x: 0, y: 0, role: .row)
        #expect(escaped.lines == [#"a\u{1B}[2J"#])
        var clipped = Grid(width: 4, height: 1)
        clipped.put("日本語", x: 0, y: 0, role: .row)
        #expect(clipped.lines == ["日本"], "a wide character that does not fit whole is not drawn")
    }
}
}
