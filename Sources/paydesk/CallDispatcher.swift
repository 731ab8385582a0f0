import Console
import Foundation
import Gateways
import PaydeskCore

/// Runs the console's cancellations in the background, a few at a time, and its checks with the gateways, and
/// reports each as it ends.
final class CallDispatcher: @unchecked Sendable {
    static let maxConcurrentCalls = 4

    private let service: CancellationService
    private let credentials: Credentials
    private let report: @Sendable (TargetID, CallResult) -> Void
    private let reportCheck: @Sendable (TargetID, CheckResult) -> Void
    private let lock = NSLock()
    private var waiting: [(TargetID, String)] = []
    private var running: [TargetID: Task<Void, Never>] = [:]
    /// Checks waiting out their pause, or for a free slot, and checks asking now (at most `maxConcurrentCalls`).
    private var checking: [TargetID: Task<Void, Never>] = [:]
    private var checksAsking = 0
    /// SIGTERM: no new call of any kind starts.
    private var stopped = false

    init(service: CancellationService, credentials: Credentials, report: @escaping @Sendable (TargetID, CallResult) -> Void,
         reportCheck: @escaping @Sendable (TargetID, CheckResult) -> Void) {
        self.service = service
        self.credentials = credentials
        self.report = report
        self.reportCheck = reportCheck
    }

    var isIdle: Bool { lock.withLock { waiting.isEmpty && running.isEmpty && checking.isEmpty } }

    /// Asks the gateway what each target is, `delay` seconds from now, a few at a time like the cancellations.
    func check(_ targets: [TargetID], after delay: Double) {
        let refused = lock.withLock { () -> [TargetID] in
            if stopped { return targets }
            for id in targets where checking[id] == nil {
                checking[id] = Task { [self] in
                    if delay > 0 { try? await Task.sleep(nanoseconds: UInt64(delay * 1e9)) }
                    while !Task.isCancelled, !lock.withLock({ () -> Bool in
                        guard checksAsking < Self.maxConcurrentCalls else { return false }
                        checksAsking += 1
                        return true
                    }) {
                        try? await Task.sleep(nanoseconds: 50_000_000)
                    }
                    let asked = !Task.isCancelled
                    let result = asked ? await check(id) : .refused("paydesk was stopped before asking; nothing was asked")
                    lock.withLock {
                        if asked { checksAsking -= 1 }
                        _ = checking.removeValue(forKey: id)
                    }
                    reportCheck(id, result)
                }
            }
            return []
        }
        for id in refused { reportCheck(id, .refused("paydesk is stopping; nothing was asked")) }
    }

    private func check(_ id: TargetID) async -> CheckResult {
        do {
            let report: CancellationService.CheckReport
            switch id.gateway {
            case SessionKind.gatewayName:
                guard let key = SessionKind.key(parsing: id.key) else { return .refused("\(id.key) is not a session id") }
                report = try await service.checkWithGateway(SessionKind.self, key: key, gateway: try XPayClient(profile: service.profile, credentials: credentials))
            default:
                guard let key = PayoutKind.key(parsing: id.key) else { return .refused("\(id.key) is not a trace id") }
                report = try await service.checkWithGateway(PayoutKind.self, key: key, gateway: try PraxisClient(profile: service.profile, credentials: credentials))
            }
            var warnings: [String] = []
            if let e = report.auditWriteError { warnings.append("the check could not be written to the audit trail (\(e)); nothing was acted on") }
            if let e = report.storeWriteError { warnings.append("the gateway shows it cancelled, but the store could not be updated (\(e))") }
            if let e = report.auditHeadWarning { warnings.append(e) }
            if let e = report.auditCopyWarning { warnings.append(e) }
            return .answered(report.check, checkId: report.checkId, warnings: warnings)
        } catch {
            return .refused("\(error)")
        }
    }

    func cancel(_ targets: [TargetID], reason: String) {
        let stopping = lock.withLock { () -> Bool in
            if !stopped { waiting += targets.map { ($0, reason) } }
            return stopped
        }
        if stopping {
            for id in targets { report(id, .refused("paydesk is stopping; nothing was sent")) }
            return
        }
        startWaiting()
    }

    /// SIGTERM: stop every call. Calls already sent end as `unknown` and are recorded so; waiting ones are refused.
    func stopAll() {
        let (dropped, tasks) = lock.withLock { () -> ([(TargetID, String)], [Task<Void, Never>]) in
            stopped = true
            defer { waiting = [] }
            return (waiting, Array(running.values) + Array(checking.values))
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
            if let e = report.auditCopyWarning { warnings.append(e) }
            return .outcome(report.outcome, attemptId: report.attemptId, warnings: warnings)
        } catch {
            return .refused("\(error)")
        }
    }
}
