/// A key press, as the console's logic sees it (the terminal backend translates its codes into these).
public enum Key: Equatable, Sendable {
    case character(Character)
    /// Ctrl and a letter (`.control("d")`), for the few a console's users reach for.
    case control(Character)
    case enter, escape, tab, backTab, backspace
    case up, down, left, right, pageUp, pageDown, home, end
}
