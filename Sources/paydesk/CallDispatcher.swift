import Console
import Foundation
import Gateways
import PaydeskCore

/// Runs the console's cancellations in the background, a few at a time, and reports each as it ends.
final class CallDispatcher: @unchecked Sendable {
    static let maxConcurrentCalls = 4

    private let service: CancellationService
    private let credentials: Credentials
    private let report: @Sendable (TargetID, CallResult) -> Void
    private let lock = NSLock()
    private var waiting: [(TargetID, String)] = []
    private var running: [TargetID: Task<Void, Never>] = [:]

    init(service: CancellationService, credentials: Credentials, report: @escaping @Sendable (TargetID, CallResult) -> Void) {
        self.service = service
        self.credentials = credentials
        self.report = report
    }

    var isIdle: Bool { lock.withLock { waiting.isEmpty && running.isEmpty } }

    func cancel(_ targets: [TargetID], reason: String) {
        lock.withLock { waiting += targets.map { ($0, reason) } }
        startWaiting()
    }

    /// SIGTERM: stop every call. Calls already sent end as `unknown` and are recorded so; waiting ones are refused.
    func stopAll() {
        let (dropped, tasks) = lock.withLock { () -> ([(TargetID, String)], [Task<Void, Never>]) in
            defer { waiting = [] }
            return (waiting, Array(running.values))
        }
        for (id, _) in dropped { report(id, .refused("paydesk was stopped before sending it; nothing was sent")) }
        for task in tasks { task.cancel() }
    }

    private func startWaiting() {
        lock.lock()
        defer { lock.unlock() }
        while running.count < Self.maxConcurrentCalls, !waiting.isEmpty {
            let (id, reason) = waiting.removeFirst()
            running[id] = Task { [self] in
                let result = await call(id, reason: reason)
                lock.withLock { _ = running.removeValue(forKey: id) }
                report(id, result)
                startWaiting()
            }
        }
    }

    private func call(_ id: TargetID, reason: String) async -> CallResult {
        do {
            let report: CancellationService.Report
            switch id.gateway {
            case SessionKind.gatewayName:
                guard let key = SessionKind.key(parsing: id.key) else { return .refused("\(id.key) is not a session id") }
                let client = try XPayClient(profile: service.profile, credentials: credentials)
                report = try await service.cancel(SessionKind.self, key: key, reason: reason, gateway: client)
            default:
                guard let key = PayoutKind.key(parsing: id.key) else { return .refused("\(id.key) is not a trace id") }
                let client = try PraxisClient(profile: service.profile, credentials: credentials)
                report = try await service.cancel(PayoutKind.self, key: key, reason: reason, gateway: client)
            }
            var warnings: [String] = []
            if let e = report.auditWriteError { warnings.append("the outcome could not be written to the audit trail (\(e)); it will read as in doubt") }
            if let e = report.storeWriteError { warnings.append("cancelled at the gateway, but the store could not be updated (\(e))") }
            if let e = report.auditHeadWarning { warnings.append(e) }
            return .outcome(report.outcome, attemptId: report.attemptId, warnings: warnings)
        } catch {
            return .refused("\(error)")
        }
    }
}
