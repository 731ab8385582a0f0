import Console
import Foundation

/// Events posted from other threads (finished calls), taken by the loop.
final class EventInbox: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [ConsoleEvent] = []

    func post(_ event: ConsoleEvent) { lock.withLock { events.append(event) } }
    func drain() -> [ConsoleEvent] { lock.withLock { defer { events = [] }; return events } }
    var isEmpty: Bool { lock.withLock { events.isEmpty } }
}
