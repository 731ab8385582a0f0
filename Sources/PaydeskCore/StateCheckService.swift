import Foundation

extension CancellationService {
    public struct CheckReport: Sendable {
        /// The check's own id in the audit trail.
        public let checkId: String
        public let check: GatewayCheck
        /// The check's trail entry (as it would have been, when it could not be written).
        public let entry: AuditEntry
        /// The attempt in doubt (or unknown) this check was made to resolve, if the target had one.
        public let resolves: String?
        /// Set when the check could not be written: nothing was acted on. Say so loudly.
        public let auditWriteError: String?
        /// The gateway shows it cancelled, so the store was marked cancelled (or could not be: `storeWriteError`).
        public let storeMarked: Bool
        public let storeWriteError: String?
        public let auditHeadWarning: String?
        /// Set when the check could not be sent to the syslog copy.
        public var auditCopyWarning: String? = nil
    }

    /// Asks `gateway` what `key`'s state is, records the answer in the audit trail (linked to the attempt in doubt it
    /// resolves) and acts on it: `cancelled` marks the record cancelled in the store. Nothing changes at the gateway,
    /// so it runs on read-only profiles too. Throws, having asked nothing, while a cancellation of the target is in
    /// flight (its answer is the better check) or when the trail cannot be read.
    public func checkWithGateway<Kind: CancellableKind>(_ kind: Kind.Type, key: Kind.Key, gateway: StateGateway) async throws -> CheckReport {
        let target = String(describing: key)
        // Under the target's lock: a cancellation must not start while its state is being asked, nor the other way round.
        guard let lock = try AttemptLock.take(directory: dataDirectory, gateway: Kind.gatewayName, target: target, sharing: sharing) else {
            throw PaydeskError.failed("a cancellation of \(Kind.describe(key)) is in flight right now; check when it has an answer")
        }
        // A check is not an attempt: a lock file it created is not left as evidence of one.
        defer { lock.discardIfNew() }
        // Others see "checking" while it is held.
        let checking = CheckLock.take(directory: dataDirectory, gateway: Kind.gatewayName, target: target, sharing: sharing)
        defer { withExtendedLifetime(checking) {} }
        let entries: [AuditEntry]
        do {
            entries = try lookups.entries(gateway: Kind.gatewayName, target: target)
        } catch {
            throw PaydeskError.failed("cannot read the audit trail (\(error)); nothing was asked")
        }
        let latest = AttemptHistory.attempts(entries) { _, _ in false }.first
        let resolves = latest.flatMap { $0.needsChecking ? $0.id : nil }
        let record = try lookups.latest(kind, key: key)
        let fields = record?.line?.fields ?? RecordFields([])
        let orderId = fields.text("order_id").isEmpty ? nil : fields.text("order_id")

        let check = await gateway.state(target: target, orderId: orderId)

        let checkId = UUID().uuidString.lowercased()
        let entry = AuditEntry(at: clock(), operatorName: operatorName, profile: profile.name, gateway: Kind.gatewayName, target: target,
                               event: .check, attemptId: checkId, resolves: resolves, verdict: check.verdict, outcome: check.facts,
                               origin: origin)
        let appended: AuditLog.Appended
        do {
            appended = try audit.append(entry)
        } catch {
            // Not recorded, so not acted on: the store keeps its word until a check is written.
            return CheckReport(checkId: checkId, check: check, entry: entry, resolves: resolves, auditWriteError: "\(error)", storeMarked: false,
                               storeWriteError: nil, auditHeadWarning: nil)
        }
        // The gateway shows it cancelled: the store says so too, as after a successful cancel (an open line only).
        var storeWriteError: String?
        let marked = check.verdict == .cancelled && record?.line != nil && record?.state == 0
        if marked { storeWriteError = markCancelled(fields, Kind.self, attemptId: resolves ?? checkId) }
        var report = CheckReport(checkId: checkId, check: check, entry: entry, resolves: resolves, auditWriteError: nil, storeMarked: marked,
                                 storeWriteError: storeWriteError, auditHeadWarning: appended.headWarning)
        report.auditCopyWarning = appended.copyWarning
        return report
    }
}
