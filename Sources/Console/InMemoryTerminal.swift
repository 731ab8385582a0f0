import Foundation

/// A terminal in memory, for tests of the console's loop (as ratatui's `TestBackend`): input is queued by the
/// test, from any thread; every frame drawn is kept. Thread-safe.
public final class InMemoryTerminal: TerminalBackend, @unchecked Sendable {
    private let condition = NSCondition()
    private var inputs: [TerminalInput] = []
    private var frames: [Grid] = []
    private var width: Int
    private var height: Int
    public private(set) var themes: [String] = []
    private var clipboard: [String] = []
    private var woken = false
    private var wakes = 0

    public init(width: Int = 100, height: Int = 30) {
        self.width = width
        self.height = height
    }

    public var size: (width: Int, height: Int) { condition.withLock { (width, height) } }

    /// Queues keys as if typed.
    public func type(_ keys: Key...) {
        condition.withLock {
            inputs += keys.map(TerminalInput.key)
            condition.broadcast()
        }
    }

    /// The terminal goes away, as a dropped ssh session's does.
    public func hangUp() {
        condition.withLock {
            inputs.append(.hangup)
            condition.broadcast()
        }
    }

    public func resize(width: Int, height: Int) {
        condition.withLock {
            self.width = width
            self.height = height
            inputs.append(.resize(width: width, height: height))
            condition.broadcast()
        }
    }

    public func read(timeoutMilliseconds: Int) -> TerminalInput? {
        condition.withLock {
            let deadline = Date(timeIntervalSinceNow: Double(timeoutMilliseconds) / 1000)
            while inputs.isEmpty, !woken, condition.wait(until: deadline) {}
            woken = false
            return inputs.isEmpty ? nil : inputs.removeFirst()
        }
    }

    /// How many times another thread woke the loop (for tests of who wakes it).
    public var wakeCount: Int { condition.withLock { wakes } }

    public var waker: @Sendable () -> Void {
        { [self] in
            condition.withLock {
                woken = true
                wakes += 1
                condition.broadcast()
            }
        }
    }

    public func draw(_ grid: Grid, cursor: (x: Int, y: Int)?) {
        condition.withLock {
            frames.append(grid)
            condition.broadcast()
        }
    }

    public func apply(theme: Theme) { condition.withLock { themes.append(theme.name) } }

    public func copyToClipboard(_ text: String) { condition.withLock { clipboard.append(text) } }

    /// Every text copied to the clipboard, oldest first.
    public var copied: [String] { condition.withLock { clipboard } }

    public func end() {}

    /// The last frame's text, a line per row ("" before the first frame).
    public var screenText: String { condition.withLock { frames.last?.lines.joined(separator: "\n") ?? "" } }

    public var frameCount: Int { condition.withLock { frames.count } }

    /// Waits until a frame drawn satisfies `check`, up to `seconds`; returns whether one did.
    public func waitForFrame(seconds: Double = 10, _ check: (String) -> Bool) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        return condition.withLock {
            while true {
                if let last = frames.last, check(last.lines.joined(separator: "\n")) { return true }
                if !condition.wait(until: deadline) { return false }
            }
        }
    }
}
