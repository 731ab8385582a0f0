import Console
import Foundation

/// Events posted from other threads (finished calls), taken by the loop, which each post wakes.
final class EventInbox: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [ConsoleEvent] = []
    private var wake: @Sendable () -> Void = {}

    func post(_ event: ConsoleEvent) {
        let wake = lock.withLock {
            events.append(event)
            return self.wake
        }
        wake()
    }

    /// What ends the loop's wait for a key (`TerminalBackend.waker`).
    func wakeLoop(with wake: @escaping @Sendable () -> Void) { lock.withLock { self.wake = wake } }
    func drain() -> [ConsoleEvent] { lock.withLock { defer { events = [] }; return events } }
    var isEmpty: Bool { lock.withLock { events.isEmpty } }
}
