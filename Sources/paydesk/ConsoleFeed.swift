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
            let change = readOnce()
            let keepGoing = condition.withLock { () -> Bool in
                if let change { events.append(.changed(change)) }
                if !wanted, !stopped { _ = condition.wait(until: Date(timeIntervalSinceNow: Self.interval)) }
                wanted = false
                return !stopped
            }
            if !keepGoing { return }
        }
    }

    private func readOnce() -> ConsoleDataChange? {
        var change = ConsoleDataChange()
        change.sessions = rows(lookups.sessions)
        change.payouts = rows(lookups.payouts)
        do {
            try lookups.audit.catchUp()
            if let audit = lookups.audit.takeChange() {
                change.attempts = audit.attempts
                change.auditProblem = audit.firstProblem.map {
                    "\(audit.problemCount) bad line(s) in the audit trail, first \($0); `paydesk audit verify` checks it"
                } ?? ""
            }
            readErrors["audit"] = nil
        } catch {
            change.auditProblem = reportOnce("audit", "Cannot read the audit trail: \(error)")
        }
        return change.isEmpty ? nil : change
    }

    /// The tab's rows that changed. A store that cannot be read empties the tab and says why (once); the next
    /// read that works reads it whole.
    private func rows<Kind: CancellableKind>(_ follower: StoreFollower<Kind>) -> RowChange? {
        do {
            try follower.catchUp()
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
