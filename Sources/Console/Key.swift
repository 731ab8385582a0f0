/// A key press, as the console's logic sees it (the terminal backend translates its codes into these).
public enum Key: Equatable, Sendable {
    case character(Character)
    /// Ctrl and a letter (`.control("d")`), for the few a console's users reach for.
    case control(Character)
    case enter, escape, tab, backTab, backspace
    case up, down, left, right, pageUp, pageDown, home, end
}

/// A click or a turn of the wheel, at a cell of the screen (0-based). Only what the console asks the terminal
/// for: button presses and the wheel, never motion, so Shift-drag still selects text in the terminal.
public struct MouseEvent: Equatable, Sendable {
    public enum Kind: Equatable, Sendable { case press, wheelUp, wheelDown }
    public let kind: Kind
    public let x: Int
    public let y: Int

    public init(_ kind: Kind, x: Int, y: Int) {
        self.kind = kind
        self.x = x
        self.y = y
    }
}
