import Console
import Foundation
import PaydeskCore

/// Reads a profile's store and audit trail on a thread of its own, a few times a second and whenever asked,
/// and hands the console's loop what changed as events: the loop never waits on a file. The first read takes
/// each file whole; later ones only what was appended. Its followers also answer the console's cancellations.
final class ConsoleFeed: @unchecked Sendable {
    let dataDirectory: String
    let lookups: FollowedLookups
    private let condition = NSCondition()
    private var events: [ConsoleEvent] = []
    private var wanted = false
    private var stopped = false
    private var readErrors: [String: String] = [:]
    private var wake: @Sendable () -> Void = {}

    static let interval = 0.25

    init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
        lookups = FollowedLookups(sessions: StoreFollower(path: dataDirectory + "/" + SessionKind.fileName),
                                  payouts: StoreFollower(path: dataDirectory + "/" + PayoutKind.fileName),
                                  audit: AuditFollower(directory: dataDirectory))
        let thread = Thread { [self] in run() }
        thread.name = "paydesk-feed"
        thread.start()
    }

    /// What was read since the last call.
    func drain() -> [ConsoleEvent] {
        condition.withLock { defer { events = [] }; return events }
    }

    /// What ends the loop's wait for a key when something was read (`TerminalBackend.waker`).
    func wakeLoop(with wake: @escaping @Sendable () -> Void) { condition.withLock { self.wake = wake } }

    /// Read now rather than at the next look.
    func refresh() {
        condition.withLock {
            wanted = true
            condition.signal()
        }
    }

    func stop() {
        condition.withLock {
            stopped = true
            condition.signal()
        }
    }

    private func run() {
        while true {
            readOnce()
            let keepGoing = condition.withLock { () -> Bool in
                if !wanted, !stopped { _ = condition.wait(until: Date(timeIntervalSinceNow: Self.interval)) }
                wanted = false
                return !stopped
            }
            if !keepGoing { return }
        }
    }

    /// Each source's change is handed over as soon as it is read: a small sessions file is not held back by a
    /// large payouts one.
    private func readOnce() {
        // The trail first: statuses (in flight, in doubt) must be there when rows appear.
        var audit = ConsoleDataChange()
        do {
            try lookups.audit.catchUp()
            if let change = lookups.audit.takeChange() {
                audit.attempts = change.attempts
                audit.auditProblem = change.firstProblem.map {
                    "\(change.problemCount) bad line(s) in the audit trail, first \($0); `paydesk audit verify` checks it"
                } ?? ""
            }
            readErrors["audit"] = nil
        } catch {
            audit.auditProblem = reportOnce("audit", "Cannot read the audit trail: \(error)")
        }
        post(audit)
        post(ConsoleDataChange(sessions: rows(lookups.sessions)))
        post(ConsoleDataChange(payouts: rows(lookups.payouts)))
    }

    private func post(_ change: ConsoleDataChange) {
        guard !change.isEmpty else { return }
        let wake = condition.withLock {
            events.append(.changed(change))
            return self.wake
        }
        wake()
    }

    /// The tab's rows that changed. A store that cannot be read empties the tab and says why (once); the next
    /// read that works reads it whole.
    private func rows<Kind: CancellableKind>(_ follower: StoreFollower<Kind>) -> RowChange? {
        do {
            // A large file fills the screen as it is read, a piece at a time.
            try follower.catchUp { [self] partial in
                let rows = RowChange(partial, path: follower.path)
                post(Kind.self == SessionKind.self ? ConsoleDataChange(sessions: rows) : ConsoleDataChange(payouts: rows))
            }
            readErrors[Kind.noun] = nil
        } catch {
            follower.forget()
            guard let problem = reportOnce(Kind.noun, "Cannot read the \(Kind.noun)s store: \(error)") else { return nil }
            return RowChange(isFresh: true, problem: problem)
        }
        guard let change = follower.takeChange() else { return nil }
        return RowChange(change, path: follower.path)
    }

    /// `message` the first time a source fails with it, nil while it keeps failing the same way.
    private func reportOnce(_ source: String, _ message: String) -> String? {
        guard readErrors[source] != message else { return nil }
        readErrors[source] = message
        return message
    }
}
