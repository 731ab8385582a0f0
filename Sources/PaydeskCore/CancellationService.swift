import Foundation

/// Cancels one session or payout, safely: it refuses what cannot or must not be cancelled before calling
/// anything, writes the intent to the audit trail (synced) before the request leaves, the outcome when it
/// is known, and marks the record cancelled in the store only when the gateway proved it.
public struct CancellationService: Sendable {
    public let profile: Profile
    public let dataDirectory: String
    /// The OS account acting (`Origin.account()`), as the trail's `operator` says.
    public let operatorName: String
    /// Host, terminal, SSH client, process and version, on every entry (nil only in tests that do not care).
    public let origin: Origin?
    public let clock: @Sendable () -> Timestamp
    /// Where the target's latest line and attempts are found: a byte search of the files, or a console's followers.
    public let lookups: any CancelLookups
    /// The mode of what it writes: the owner's alone, or a shared desk's, where every member takes the same locks.
    public let sharing: FileSharing

    /// Where every entry is also sent (`audit_syslog`), or nil.
    public let auditCopy: AuditCopy?

    public init(profile: Profile, dataDirectory: String, operatorName: String, origin: Origin? = nil, sharing: FileSharing = .ownerOnly,
                auditCopy: AuditCopy? = nil, clock: @escaping @Sendable () -> Timestamp = { .now }, lookups: (any CancelLookups)? = nil) {
        self.origin = origin
        self.auditCopy = auditCopy
        self.sharing = sharing
        self.profile = profile
        self.dataDirectory = dataDirectory
        self.operatorName = operatorName
        self.clock = clock
        self.lookups = lookups ?? FileLookups(dataDirectory: dataDirectory)
    }

    public var audit: AuditLog { AuditLog(directory: dataDirectory, sharing: sharing, copy: auditCopy) }

    public struct Report: Sendable {
        public let attemptId: String
        public let outcome: AttemptOutcome
        /// The attempt as its intent and outcome entries say (the outcome's even when it could not be written).
        public let attempt: Attempt
        /// Set when the outcome could not be written: the attempt will read as in doubt. Say so loudly.
        public let auditWriteError: String?
        /// Set when the gateway cancelled it but the store could not be updated.
        public let storeWriteError: String?
        /// Set when `audit.head` could not follow the trail: the entries are written, but the end cannot be checked.
        public let auditHeadWarning: String?
        /// Set when an entry could not be sent to the syslog copy.
        public var auditCopyWarning: String? = nil
    }

    /// Why `key` must not be cancelled now, or nil. `record` is its latest line as a lookup found it;
    /// `attempts` are its attempts, newest first.
    /// `checks` are the target's checks (those joined to an attempt may be among them).
    public func refusal<Kind: CancellableKind>(_ kind: Kind.Type, key: Kind.Key, record: FoundRecord<Kind>?,
                                               attempts: [Attempt], checks: [AuditEntry] = [], retryUnknown: Bool = false) -> String? {
        let what = Kind.describe(key)
        if profile.readOnly { return CancelRefusal.readOnly(profile: profile.name).text }
        guard let record else { return "\(what) is not in the store (\(dataDirectory)/\(Kind.fileName))" }
        let state = record.effectiveState(now: clock())
        if state != Kind.states[0] {
            return CancelRefusal.notOpen(what, state: state, open: Kind.states[0]).text
        }
        return Attempt.refusal(after: attempts, checks: checks, what: what, retryUnknown: retryUnknown)
    }

    /// The target's latest line and its attempts, as a cancellation would see them now, and why it would be refused.
    public func preview<Kind: CancellableKind>(_ kind: Kind.Type, key: Kind.Key, retryUnknown: Bool = false)
        throws -> (record: FoundRecord<Kind>?, refusal: String?) {
        let target = String(describing: key)
        let record = try lookups.latest(kind, key: key)
        let entries = try lookups.entries(gateway: Kind.gatewayName, target: target)
        let attempts = AttemptHistory.attempts(entries) { AttemptLock.isHeld(directory: dataDirectory, gateway: $0, target: $1) }
        return (record, refusal(kind, key: key, record: record, attempts: attempts, checks: entries.filter { $0.event == .check },
                                retryUnknown: retryUnknown))
    }

    /// Cancels `key` through `gateway`. Throws (and sends nothing) when it must refuse or cannot write the intent.
    public func cancel<Kind: CancellableKind>(_ kind: Kind.Type, key: Kind.Key, reason: String?, retryUnknown: Bool = false,
                                              gateway: CancelGateway) async throws -> Report {
        let target = String(describing: key)
        // One attempt per target at a time, across processes: the lock is held until the outcome is written.
        guard let lock = try AttemptLock.take(directory: dataDirectory, gateway: Kind.gatewayName, target: target, sharing: sharing) else {
            throw PaydeskError.failed("another paydesk is cancelling \(Kind.describe(key)) right now; nothing was sent")
        }
        var intentWritten = false
        defer {
            if !intentWritten { lock.discardIfNew() }
            withExtendedLifetime(lock) {}
        }

        // Checked under the lock, from the files as they are now (the lookups read what was appended): another
        // process may have just acted. Only this target's lines are read.
        let record = try lookups.latest(kind, key: key)
        let entries: [AuditEntry]
        do {
            entries = try lookups.entries(gateway: Kind.gatewayName, target: target)
        } catch {
            throw PaydeskError.failed("cannot read the audit trail (\(error)); nothing was sent")
        }
        // We hold the target's lock ourselves: any earlier attempt without outcome is in doubt.
        let attempts = AttemptHistory.attempts(entries) { _, _ in false }
        if let why = refusal(kind, key: key, record: record, attempts: attempts, checks: entries.filter { $0.event == .check },
                             retryUnknown: retryUnknown) {
            throw PaydeskError.failed("refused: \(why); nothing was sent")
        }
        // A retry after an attempt in doubt (checked since, or retried with --retry-unknown) names it.
        let retryOf = attempts.first.flatMap { $0.wasInDoubt ? $0.id : nil }

        // Interrupted (Ctrl-C) before anything was written: nothing happens, and nothing is recorded.
        if Task.isCancelled { throw PaydeskError.failed("interrupted: nothing was sent") }
        let attemptId = UUID().uuidString.lowercased()
        let intent = AuditEntry(at: clock(), operatorName: operatorName, profile: profile.name, gateway: Kind.gatewayName,
                                target: target, event: .intent, attemptId: attemptId, reason: reason, retryOf: retryOf, origin: origin,
                                amount: record?.line.flatMap { RecordAmount($0.fields) })
        var headWarning: String?
        var copyWarning: String?
        do {
            let appended = try audit.append(intent)
            headWarning = appended.headWarning
            copyWarning = appended.copyWarning
            intentWritten = true
        } catch {
            throw PaydeskError.failed("cannot write the audit trail (\(error)); nothing was sent")
        }
        // The copy outside the desk's reach is required: without it, nothing leaves. The attempt ends, recorded.
        if let copyWarning, auditCopy?.required == true {
            let refused = AttemptOutcome(result: .failed, description: "nothing was sent: \(copyWarning); audit_syslog_required is set")
            let ended = (try? audit.append(AuditEntry(at: clock(), operatorName: operatorName, profile: profile.name, gateway: Kind.gatewayName,
                                                      target: target, event: .outcome, attemptId: attemptId, reason: reason, outcome: refused,
                                                      origin: origin))) != nil
            throw PaydeskError.failed("the audit copy could not be delivered to syslog (\(copyWarning)); audit_syslog_required is set, so nothing was sent"
                + (ended ? "" : ". Its outcome could not be written either: history will show the attempt in doubt, though nothing left"))
        }

        let fields = record?.line?.fields ?? RecordFields([])
        let orderId = fields.text("order_id").isEmpty ? nil : fields.text("order_id")
        let outcome = await gateway.cancel(target: target, orderId: orderId)

        var auditWriteError: String?
        let ended = AuditEntry(at: clock(), operatorName: operatorName, profile: profile.name, gateway: Kind.gatewayName,
                               target: target, event: .outcome, attemptId: attemptId, reason: reason, outcome: outcome, origin: origin)
        do {
            let appended = try audit.append(ended)
            headWarning = appended.headWarning ?? headWarning
            copyWarning = appended.copyWarning ?? copyWarning
        } catch {
            auditWriteError = "\(error)"
        }
        var storeWriteError: String?
        if outcome.result == .cancelled {
            storeWriteError = markCancelled(fields, Kind.self, attemptId: attemptId)
        }
        var report = Report(attemptId: attemptId, outcome: outcome, attempt: Attempt(intent: intent, outcome: ended, state: .finished(outcome)),
                            auditWriteError: auditWriteError, storeWriteError: storeWriteError, auditHeadWarning: headWarning)
        report.auditCopyWarning = copyWarning
        return report
    }

    /// Appends the record's line marked cancelled to the store; why it could not, or nil.
    func markCancelled<Kind: CancellableKind>(_ fields: RecordFields, _ kind: Kind.Type, attemptId: String) -> String? {
        do {
            try StoreAppender.append([cancelledLine(fields, Kind.self, attemptId: attemptId)], to: dataDirectory + "/" + Kind.fileName, sharing: sharing)
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// The record's latest line with its state set to cancelled, and when and by whom.
    private func cancelledLine<Kind: CancellableKind>(_ fields: RecordFields, _ kind: Kind.Type, attemptId: String) -> [UInt8] {
        var members = fields.members.filter { !["cancelled_at", "cancelled_by", "cancel_attempt_id"].contains($0.0) }
        if let index = members.firstIndex(where: { $0.0 == Kind.stateField }) {
            members[index].1 = .string("cancelled")
        } else {
            members.append((Kind.stateField, .string("cancelled")))
        }
        members.append(("cancelled_at", .string(clock().rfc3339)))
        members.append(("cancelled_by", .string(operatorName)))
        members.append(("cancel_attempt_id", .string(attemptId)))
        return Array(JSONValue.object(members).jsonText.utf8)
    }
}
