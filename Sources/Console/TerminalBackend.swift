/// What the terminal reports: a key, or that its window changed size.
public enum TerminalInput: Equatable, Sendable {
    case key(Key)
    case mouse(MouseEvent)
    case resize(width: Int, height: Int)
    /// The terminal is gone (its line hung up: an ssh session dropped, a terminal window closed): no key will
    /// come. The loop ends as on SIGHUP, also where SIGHUP never came or was ignored.
    case hangup
}

/// What the console's loop needs of a terminal (as ratatui's `Backend`): input in, frames out. The real one is
/// ncurses (`CursesTerminal`); `InMemoryTerminal` lets tests drive the loop itself without a terminal.
public protocol TerminalBackend: AnyObject {
    /// The screen in cells.
    var size: (width: Int, height: Int) { get }
    /// The next key or resize, waiting at most `timeoutMilliseconds`, or less when woken (`waker`).
    func read(timeoutMilliseconds: Int) -> TerminalInput?
    /// Ends a `read` under way early, from any thread: another thread posted something for the loop (rows read,
    /// an answer), so it is drawn now rather than at the end of the wait.
    var waker: @Sendable () -> Void { get }
    func draw(_ grid: Grid, cursor: (x: Int, y: Int)?)
    func apply(theme: Theme)
    /// Puts `text` on the operator's clipboard, through the terminal (`Clipboard.osc52`).
    func copyToClipboard(_ text: String)
    /// Gives the terminal back as it was; safe to call more than once.
    func end()
}
