#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CNCursesW
import Console

/// What one wget_wch call returned: a character, or a function key (arrows, KEY_RESIZE, ...).
enum CursesCode: Equatable {
    case character(UInt32)
    case function(Int32)
}

extension CursesTerminal {
    /// Waits up to `timeoutMilliseconds` for a key or a resize; nil on timeout and for keys the console
    /// has no use for (other control characters, unknown function keys, Alt combinations). `.hangup` once when
    /// the terminal is gone; after that, only the wait.
    public func read(timeoutMilliseconds: Int) -> TerminalInput? {
        guard screen != nil, let window = paydesk_stdscr() else { return nil }
        guard let wakePipe else { return readWithoutWakePipe(timeoutMilliseconds, window) }
        // Input ncurses holds already comes first; else the wait is for the terminal or a wake-up (`waker`).
        // Once the terminal is gone, only wake-ups end the wait: the loop is winding down, and must not spin.
        if hungUp {
            _ = wakePipe.waitForInput(on: -1, timeoutMilliseconds: max(timeoutMilliseconds, 0))
            return nil
        }
        wtimeout(window, 0)
        if let code = Self.readCode(window) { return input(for: code, window) }
        switch wakePipe.waitForInput(on: STDIN_FILENO, timeoutMilliseconds: max(timeoutMilliseconds, 0)) {
        case .quiet: return nil
        case .hungUp:
            hungUp = true
            return .hangup
        case .interrupted:
            // Not the full wait again: a resize's KEY_RESIZE is there now, and a wake-up may be due.
            return Self.readCode(window).flatMap { input(for: $0, window) }
        case .input: break
        }
        // Waiting again, not at once: a character whose bytes arrive in two packets (over ssh) is not dropped half read.
        wtimeout(window, Int32(clamping: max(timeoutMilliseconds, 0)))
        return Self.readCode(window).flatMap { input(for: $0, window) }
    }

    /// Where no wake pipe could be made (no descriptor left): ncurses waits for keys itself, and a terminal that
    /// hung up is noticed by asking it directly first.
    private func readWithoutWakePipe(_ timeoutMilliseconds: Int, _ window: UnsafeMutablePointer<WINDOW>) -> TerminalInput? {
        if hungUp {
            usleep(UInt32(clamping: max(timeoutMilliseconds, 0) * 1000))
            return nil
        }
        var terminal = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        if poll(&terminal, 1, 0) > 0, hasHungUp(terminal) {
            hungUp = true
            return .hangup
        }
        wtimeout(window, Int32(clamping: max(timeoutMilliseconds, 0)))
        return Self.readCode(window).flatMap { input(for: $0, window) }
    }

    public var waker: @Sendable () -> Void {
        let wakePipe = wakePipe
        return { wakePipe?.wake() }
    }

    private func input(for code: CursesCode, _ window: UnsafeMutablePointer<WINDOW>) -> TerminalInput? {
        if code == .function(KEY_RESIZE) { return resized }
        if code == .function(KEY_MOUSE) {
            var event = MEVENT()
            guard getmouse(&event) == OK else { return nil }
            return Self.mouse(buttons: event.bstate, x: Int(event.x), y: Int(event.y)).map(TerminalInput.mouse)
        }
        if code == .character(27) { return afterEscape(window) }
        return Self.key(for: code).map(TerminalInput.key)
    }

    private var resized: TerminalInput {
        let size = size
        return .resize(width: size.width, height: size.height)
    }

    static func readCode(_ window: UnsafeMutablePointer<WINDOW>) -> CursesCode? {
        var value: wint_t = 0
        switch wget_wch(window, &value) {
        case OK: return .character(UInt32(truncatingIfNeeded: value))
        case KEY_CODE_YES: return .function(Int32(truncatingIfNeeded: value))
        default: return nil
        }
    }

    /// ncurses has already waited ESCDELAY for a known escape sequence. If more input is waiting now, this
    /// was Alt with a key or a sequence ncurses does not know: drop it rather than act on its pieces.
    private func afterEscape(_ window: UnsafeMutablePointer<WINDOW>) -> TerminalInput? {
        wtimeout(window, 0)
        guard let next = Self.readCode(window) else { return .key(.escape) }
        switch next {
        case .character(27):
            // Escape pressed twice: keep the second for the next read.
            unget_wch(27)
            return .key(.escape)
        case .function(KEY_RESIZE):
            return resized
        case .character(0x5B):  // "[": a CSI sequence ends with a byte in 0x40...0x7E.
            for _ in 0..<32 {
                guard let code = Self.readCode(window) else { break }
                if code == .function(KEY_RESIZE) { return resized }
                if case .character(let c) = code, (0x40...0x7E).contains(c) { break }
            }
        case .character(0x4F):  // "O": an SS3 sequence has one more byte.
            if Self.readCode(window) == .function(KEY_RESIZE) { return resized }
        default:
            break
        }
        return nil
    }

    /// The mouse events the console asks ncurses for (`mousemask`).
    static var mouseEvents: mmask_t {
        paydesk_button1_pressed() | paydesk_button1_released() | paydesk_button1_clicked() | paydesk_wheel_up() | paydesk_wheel_down()
    }

    /// The console's mouse event for what getmouse reported: a left press, or the wheel; nil for the rest (a release).
    /// A press and its release read together come as one click: a press too.
    static func mouse(buttons: mmask_t, x: Int, y: Int) -> MouseEvent? {
        if buttons & paydesk_wheel_up() != 0 { return MouseEvent(.wheelUp, x: x, y: y) }
        if buttons & paydesk_wheel_down() != 0 { return MouseEvent(.wheelDown, x: x, y: y) }
        if buttons & (paydesk_button1_pressed() | paydesk_button1_clicked()) != 0 { return MouseEvent(.press, x: x, y: y) }
        return nil
    }

    /// The console's key for a code, if it has one. Escape and resize are handled by `read`.
    static func key(for code: CursesCode) -> Key? {
        switch code {
        case .character(let c):
            switch c {
            case 10, 13: return .enter
            case 127, 8: return .backspace
            case 9: return .tab
            case 27: return .escape
            case 4: return .control("d")
            case 21: return .control("u")
            case ..<0x20, 0x7F..<0xA0: return nil
            default: return Unicode.Scalar(c).map { .character(Character($0)) }
            }
        case .function(let f):
            switch f {
            case KEY_ENTER: return .enter
            case KEY_BACKSPACE: return .backspace
            case KEY_BTAB: return .backTab
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_LEFT: return .left
            case KEY_RIGHT: return .right
            case KEY_PPAGE, KEY_A3: return .pageUp
            case KEY_NPAGE, KEY_C3: return .pageDown
            // Keypad corners, and Find/Select where vt220-style terminals put Home and End.
            case KEY_HOME, KEY_A1, KEY_FIND: return .home
            case KEY_END, KEY_C1, KEY_SELECT: return .end
            default: return nil
            }
        }
    }
}
