import Console

/// What the terminal reports: a key, or that its window changed size.
public enum TerminalInput: Equatable, Sendable {
    case key(Key)
    case resize(width: Int, height: Int)
}
