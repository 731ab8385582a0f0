/// A key press, as the console's logic sees it (the terminal backend translates its codes into these).
public enum Key: Equatable, Sendable {
    case character(Character)
    case enter, escape, tab, backTab, backspace
    case up, down, left, right, pageUp, pageDown, home, end
}
