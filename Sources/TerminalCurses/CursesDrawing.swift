import CNCursesW
import Console

extension CursesTerminal {
    /// Copies `grid` to the screen. ncurses diffs against what it last sent, so erasing and redrawing
    /// everything each frame sends only the changes (erase, never clear: clear repaints the whole terminal).
    /// The hardware cursor shows at `cursor` (text input), or is hidden when nil.
    public func draw(_ grid: Grid, cursor: (x: Int, y: Int)?) {
        guard screen != nil, let window = paydesk_stdscr() else { return }
        werase(window)
        let screenSize = size
        let columns = min(grid.width, screenSize.width)
        for y in 0..<min(grid.height, screenSize.height) {
            drawRow(y, of: grid, columns: columns, window: window)
        }
        var visibility: Int32 = 0
        if let cursor, (0..<screenSize.width).contains(cursor.x), (0..<screenSize.height).contains(cursor.y) {
            wmove(window, Int32(cursor.y), Int32(cursor.x))
            visibility = 1
        }
        if visibility != cursorVisibility {
            curs_set(visibility)
            cursorVisibility = visibility
        }
        wrefresh(window)
    }

    /// One write per run of cells with the same role. A run is cut early where ncurses measures a cell
    /// differently from the grid, so the cells after it still land in their own columns.
    private func drawRow(_ y: Int, of grid: Grid, columns: Int, window: UnsafeMutablePointer<WINDOW>) {
        var run: [wchar_t] = []
        var runX = 0
        var runRole = ThemeRole.row
        var nextX = -1
        func flush() {
            guard !run.isEmpty else { return }
            let style = styles[runRole] ?? CursesStyle(attributes: 0, pair: 0)
            wattr_set(window, style.attributes, style.pair, nil)
            run.append(0)
            // ERR at the bottom-right cell only means the cursor could not move past it; the cell is written.
            _ = mvwaddwstr(window, Int32(y), Int32(runX), run)
            run.removeAll(keepingCapacity: true)
        }
        var x = 0
        while x < columns {
            let cell = grid[x, y]
            // "" is the right half of the wide character before it (or an orphan, left blank).
            if cell.text.isEmpty {
                x += 1
                continue
            }
            let width = x + 1 < grid.width && grid[x + 1, y].text.isEmpty ? 2 : 1
            guard x + width <= columns else { break }
            if cell.role != runRole || x != nextX {
                flush()
                runX = x
                runRole = cell.role
            }
            let measured = appendCharacters(of: cell.text, to: &run)
            nextX = measured == width ? x + width : -1
            x += width
        }
        flush()
    }

    /// Appends a cell's text as wide characters and returns how many cells ncurses will give it.
    /// Characters this system's tables do not know (newer Unicode) become U+FFFD, which it can show.
    private func appendCharacters(of text: String, to run: inout [wchar_t]) -> Int {
        var measured = 0
        for scalar in text.unicodeScalars {
            var character = wchar_t(bitPattern: scalar.value)
            var width = wcwidth(character)
            if width < 0 {
                character = 0xFFFD
                width = max(wcwidth(character), 0)
            }
            run.append(character)
            measured += Int(width)
        }
        return measured
    }
}
