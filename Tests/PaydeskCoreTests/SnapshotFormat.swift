@testable import Console

/// How a screen is kept in Tests/Snapshots: its text, then its roles (the colours a theme paints), one letter a
/// cell, then a legend naming the letters used. A row that loses its colour changes the second block, so it fails
/// the comparison as surely as a changed word (as ratatui's buffer assertions compare styles).
enum SnapshotFormat {
    /// One letter per role; `.` for a plain row, the background of most of the screen.
    static let letters: [ThemeRole: Character] = [
        .title: "T", .production: "P", .readOnly: "R", .tab: "t", .tabActive: "A", .header: "H", .row: ".",
        .selected: "S", .marked: "M", .inFlight: "F", .inDoubt: "D", .dim: "d", .ok: "o", .warning: "W", .error: "E",
        .keyHint: "k", .keyName: "K", .dialog: "g", .dialogFocus: "G", .input: "I",
    ]

    static let rolesHeader = "-- roles: one letter a cell --"
    static let legendHeader = "-- legend --"

    /// The snapshot text of `grid`: its lines, its roles with trailing plain-row cells dropped, and the legend.
    static func text(of grid: Grid) -> String {
        var used = Set<ThemeRole>()
        let roleLines = (0..<grid.height).map { y in
            var line = ""
            for x in 0..<grid.width {
                let role = grid[x, y].role
                used.insert(role)
                line.append(letters[role]!)
            }
            while line.hasSuffix(".") { line.removeLast() }
            return line
        }
        let legend = ThemeRole.allCases.filter(used.contains).map { "\(letters[$0]!) \($0.rawValue)" }
        return (grid.lines + [rolesHeader] + roleLines + [legendHeader] + legend).joined(separator: "\n") + "\n"
    }

    /// The lines where `got` differs from `want` (at most `limit`), worded for a test failure; empty when they match.
    static func differences(_ got: String, _ want: String, limit: Int = 8) -> [String] {
        let g = got.split(separator: "\n", omittingEmptySubsequences: false)
        let w = want.split(separator: "\n", omittingEmptySubsequences: false)
        let rolesStart = w.firstIndex { $0 == rolesHeader } ?? w.count
        return (0..<max(g.count, w.count)).filter { i in (i < g.count ? g[i] : "") != (i < w.count ? w[i] : "") }
            .prefix(limit).map { i in
                let part = i > rolesStart ? "role line \(i - rolesStart)" : "line \(i + 1)"
                return "\(part):\n  want: \(i < w.count ? w[i] : "")\n  got:  \(i < g.count ? g[i] : "")"
            }
    }
}
