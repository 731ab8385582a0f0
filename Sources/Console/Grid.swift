import PaydeskCore

/// One terminal cell: the text it shows (one grapheme; empty for the right half of a wide character) and
/// its role, which the theme turns into colours.
public struct Cell: Equatable, Sendable {
    public var text: String
    public var role: ThemeRole
}

/// The whole screen in memory. Views draw into it; the terminal backend copies it out, and tests read it
/// as text (as ratatui's TestBackend does).
public struct Grid: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, role: ThemeRole = .row) {
        self.width = max(width, 0)
        self.height = max(height, 0)
        cells = Array(repeating: Cell(text: " ", role: role), count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell { cells[y * width + x] }

    /// Paints a whole row with `role` (and blanks it).
    public mutating func fill(row y: Int, role: ThemeRole) {
        guard y >= 0, y < height else { return }
        for x in 0..<width { cells[y * width + x] = Cell(text: " ", role: role) }
    }

    /// Writes `text` from column `x` of row `y`, cut to `maxWidth` cells and the grid's edge; control
    /// characters are shown escaped. Returns the column after the last cell written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, role: ThemeRole, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height else { return x }
        let limit = min(width, x + (maxWidth ?? width))
        var column = x
        for character in printable(text) {
            // A grapheme of several scalars (a skin tone, a family joined by ZWJ) still takes at most two cells.
            let w = min(2, character.unicodeScalars.reduce(0) { $0 + cellWidth($1) })
            guard w > 0 else { continue }
            guard column + w <= limit else { break }
            if column >= 0 {
                cells[y * width + column] = Cell(text: String(character), role: role)
                if w == 2 { cells[y * width + column + 1] = Cell(text: "", role: role) }
            }
            column += w
        }
        return column
    }

    /// The screen as text, one line a row, trailing blanks dropped: what snapshot tests compare.
    public var lines: [String] {
        (0..<height).map { y in
            var line = (0..<width).map { cells[y * width + $0].text }.joined()
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }
}
