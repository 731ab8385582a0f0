#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CNCursesW
import Console
import PaydeskCore

/// The console on a real terminal, through ncurses: draws grids, reads keys and resizes.
/// Use it from one thread only (but its `waker`, which touches only a pipe, from any), and call `end()` on every
/// way out (it is also called when released).
public final class CursesTerminal: TerminalBackend {
    /// nil once ended: every call after that does nothing.
    var screen: OpaquePointer?
    var colorDepth = ColorDepth.none
    /// Whether colour -1 (the terminal's own foreground or background) is allowed.
    var hasDefaultColors = false
    var styles: [ThemeRole: CursesStyle] = [:]
    /// Last value given to curs_set, so a frame does not resend it.
    var cursorVisibility: Int32 = 0
    /// Whether the terminal keeps the console on a screen of its own (terminfo `smcup`), which quitting takes away.
    var hasAlternateScreen = true
    /// What other threads write to when the loop should stop waiting for a key (nil if no pipe could be made:
    /// the loop then waits out its timeout).
    let wakePipe = WakePipe()
    /// The terminal hung up (said once, as `.hangup`).
    var hungUp = false

    /// `mouse`: report clicks and the wheel (button presses only, so Shift-drag still selects text).
    public init(mouse: Bool = true) throws {
        guard isatty(STDIN_FILENO) == 1 else {
            throw PaydeskError.usage("the console needs a terminal, but standard input is not one (a pipe or a file?): "
                + "run paydesk in a terminal, or use a non-interactive command")
        }
        guard isatty(STDOUT_FILENO) == 1 else {
            throw PaydeskError.usage("the console needs a terminal, but standard output is not one (redirected to a pipe or a file?): "
                + "run paydesk in a terminal without redirecting its output, or use a non-interactive command")
        }
        Self.useUTF8Locale()
        try Self.checkTerminalType()
        // newterm, not initscr: initscr ends the process itself when TERM is unknown.
        guard let screen = newterm(nil, paydesk_stdout(), paydesk_stdin()) else { throw Self.unknownTerminal() }
        self.screen = screen
        hasAlternateScreen = Self.hasCapability("smcup")
        let window = paydesk_stdscr()
        cbreak()
        noecho()
        nonl()
        keypad(window, true)
        set_escdelay(25)
        if mouse {
            mousemask(Self.mouseEvents, nil)
            mouseinterval(0)   // a press is reported at once, not held back to tell a click from a double click
        }
        curs_set(0)
        if has_colors() {
            start_color()
            hasDefaultColors = use_default_colors() == OK
            colorDepth = ColorDepth(colors: Int(paydesk_colors()))
        }
    }

    deinit { end() }

    /// The screen in cells; (0, 0) once ended.
    public var size: (width: Int, height: Int) {
        guard screen != nil, let window = paydesk_stdscr() else { return (0, 0) }
        return (max(Int(getmaxx(window)), 0), max(Int(getmaxy(window)), 0))
    }

    /// Gives the terminal back as it was. Safe to call more than once. A terminal without a screen of its own for
    /// the console (TERM=linux, vt100) would keep the last frame under the shell's prompt: it is cleared.
    public func end() {
        guard let screen else { return }
        self.screen = nil
        endwin()
        if !hasAlternateScreen, let clear = Self.capability("clear") {
            putp(clear)
            fflush(paydesk_stdout())
        }
        delscreen(screen)
    }

    /// Whether ncurses can drive the terminal TERM names, asked of its terminfo description alone (nothing is
    /// written to the terminal), so a command can refuse before it sets anything up.
    public static func checkTerminalType() throws {
        let term = Self.term
        if term.isEmpty {
            throw PaydeskError.usage("TERM is not set, so ncurses cannot drive this terminal: set it to the terminal's type, "
                + "for example TERM=xterm-256color")
        }
        var status: Int32 = 0
        guard setupterm(nil, STDOUT_FILENO, &status) == OK else { throw unknownTerminal() }
        defer { paydesk_forget_terminfo() }
        // ncurses accepts TERM=dumb and the like, which cannot put anything where the console needs it.
        guard hasCapability("cup") else {   // cursor addressing
            throw PaydeskError.usage("the terminal type \"\(term)\" cannot move the cursor, which the console needs: "
                + "run paydesk in a full terminal (TERM=xterm-256color, for example), or use a non-interactive command")
        }
    }

    private static var term: String { getenv("TERM").map { String(cString: $0) } ?? "" }

    private static func unknownTerminal() -> PaydeskError {
        PaydeskError.usage("the terminal type \"\(term)\" is unknown to ncurses: set TERM to a type "
            + "this machine knows, for example TERM=xterm-256color, or install its description (Debian: the ncurses-term package)")
    }

    /// The terminal description's string capability `name`, or nil when it has none (tigetstr gives nil, or -1
    /// for a name that is not a string capability).
    static func capability(_ name: String) -> UnsafeMutablePointer<CChar>? {
        guard let value = tigetstr(name), Int(bitPattern: value) != -1 else { return nil }
        return value
    }

    static func hasCapability(_ name: String) -> Bool { capability(name) != nil }

    /// ncurses needs a UTF-8 locale for anything beyond ASCII: without one, accents vanish and lines turn
    /// into letters. Numbers stay in the C locale so nothing in the process starts writing decimal commas.
    static func useUTF8Locale() {
        setlocale(LC_ALL, "")
        if !localeIsUTF8(), setlocale(LC_ALL, "C.UTF-8") == nil {
            setlocale(LC_ALL, "en_US.UTF-8")
        }
        setlocale(LC_NUMERIC, "C")
    }

    static func localeIsUTF8() -> Bool {
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        return String(cString: codeset).uppercased().filter { $0 != "-" } == "UTF8"
    }
}

extension CursesTerminal {
    /// Writes the OSC 52 sequence straight to the terminal, between frames: it moves no cursor, so what ncurses
    /// believes is on screen stays true.
    public func copyToClipboard(_ text: String) {
        guard screen != nil else { return }
        fflush(paydesk_stdout())
        _ = Clipboard.osc52(text).withUnsafeBytes { writeAll(STDOUT_FILENO, $0) }   // a terminal that is gone gets nothing
    }
}
