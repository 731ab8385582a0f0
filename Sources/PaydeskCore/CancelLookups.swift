/// Where a cancellation finds its target's latest line and earlier attempts, reading only what it needs.
import Foundation

public protocol CancelLookups: Sendable {
    /// The record's latest line, or nil when no valid line has its key.
    func latest<Kind: CancellableKind>(_ kind: Kind.Type, key: Kind.Key) throws -> FoundRecord<Kind>?
    /// The target's audit entries, in trail order.
    func entries(gateway: String, target: String) throws -> [AuditEntry]
}

/// For one-shot commands: a byte search of the store and of the trail, parsing only the lines that name the target.
/// A second look at the same target (the check before asking the operator, then again under the target's
/// lock) searches only what was appended in between.
public final class FileLookups: CancelLookups, @unchecked Sendable {
    public let dataDirectory: String
    private let lock = NSLock()
    private var searched: [String: (mark: StoreSearch.Mark, found: Any?)] = [:]

    public init(dataDirectory: String) { self.dataDirectory = dataDirectory }

    public func latest<Kind: CancellableKind>(_ kind: Kind.Type, key: Kind.Key) throws -> FoundRecord<Kind>? {
        let id = "\(Kind.fileName) \(key)"
        let before = lock.withLock { searched[id] }
        let result = try StoreSearch.latest(kind, key: key, path: dataDirectory + "/" + Kind.fileName, after: before?.mark)
        let found = result.found ?? (result.appendedOnly ? before?.found as? FoundRecord<Kind> : nil)
        lock.withLock { searched[id] = result.mark.map { ($0, found) } }
        return found
    }

    public func entries(gateway: String, target: String) throws -> [AuditEntry] {
        try AuditSearch.entries(directory: dataDirectory, gateway: gateway, target: target)
    }
}

/// For the console: its followers, which already hold the open records and the trail, read only what was appended.
/// A record they do not hold (not open since the console started) is searched for in the file.
public struct FollowedLookups: CancelLookups {
    public let sessions: StoreFollower<SessionKind>
    public let payouts: StoreFollower<PayoutKind>
    public let audit: AuditFollower

    public init(sessions: StoreFollower<SessionKind>, payouts: StoreFollower<PayoutKind>, audit: AuditFollower) {
        self.sessions = sessions
        self.payouts = payouts
        self.audit = audit
    }

    public func latest<Kind: CancellableKind>(_ kind: Kind.Type, key: Kind.Key) throws -> FoundRecord<Kind>? {
        let follower = (sessions as? StoreFollower<Kind>) ?? (payouts as? StoreFollower<Kind>)
        if let follower, let found = try follower.latest(key) { return found }
        return try FileLookups(dataDirectory: audit.directory).latest(kind, key: key)
    }

    public func entries(gateway: String, target: String) throws -> [AuditEntry] {
        try audit.entries(gateway: gateway, target: target)
    }
}
