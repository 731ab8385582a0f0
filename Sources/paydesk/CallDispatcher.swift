import Console
import Foundation
import Gateways
import PaydeskCore

/// Runs the console's calls to the gateways in the background, cancellations and checks alike, a few at a time, and
/// reports each as it ends.
final class CallDispatcher: @unchecked Sendable {
    static let maxConcurrentCalls = 4

    private enum Job {
        case cancel(reason: String)
        case check
    }

    private let service: CancellationService
    private let credentials: Credentials
    private let report: @Sendable (TargetID, CallResult) -> Void
    private let reportCheck: @Sendable (TargetID, CheckResult) -> Void
    private let lock = NSLock()
    private var waiting: [(TargetID, Job)] = []
    /// Calls under way, by a number of their own (a target may have a check and a cancellation at once).
    private var running: [Int: Task<Void, Never>] = [:]
    private var nextRun = 0
    /// Checks waiting out their pause before they queue.
    private var pausing: [TargetID: Task<Void, Never>] = [:]
    /// SIGTERM: no new call of any kind starts.
    private var stopped = false

    init(service: CancellationService, credentials: Credentials, report: @escaping @Sendable (TargetID, CallResult) -> Void,
         reportCheck: @escaping @Sendable (TargetID, CheckResult) -> Void) {
        self.service = service
        self.credentials = credentials
        self.report = report
        self.reportCheck = reportCheck
    }

    var isIdle: Bool { lock.withLock { waiting.isEmpty && running.isEmpty && pausing.isEmpty } }

    func cancel(_ targets: [TargetID], reason: String) {
        enqueue(targets.map { ($0, .cancel(reason: reason)) })
    }

    /// Asks the gateway what each target is, `delay` seconds from now.
    func check(_ targets: [TargetID], after delay: Double) {
        guard delay > 0, !lock.withLock({ stopped }) else { return enqueue(targets.map { ($0, .check) }) }
        lock.withLock {
            for id in targets where pausing[id] == nil {
                pausing[id] = Task { [self] in
                    try? await Task.sleep(nanoseconds: UInt64(delay * 1e9))   // cut short by stopAll: then refused below
                    lock.withLock { _ = pausing.removeValue(forKey: id) }
                    enqueue([(id, .check)])
                }
            }
        }
    }

    /// SIGTERM: stop every call. Calls already sent end as `unknown` and are recorded so; waiting ones are refused.
    func stopAll() {
        let (dropped, tasks) = lock.withLock { () -> ([(TargetID, Job)], [Task<Void, Never>]) in
            stopped = true
            defer { waiting = [] }
            return (waiting, Array(running.values) + Array(pausing.values))
        }
        for (id, job) in dropped { refuse(id, job, "paydesk was stopped before it left") }
        for task in tasks { task.cancel() }
    }

    private func enqueue(_ jobs: [(TargetID, Job)]) {
        let refused = lock.withLock { () -> [(TargetID, Job)] in
            if stopped { return jobs }
            waiting += jobs
            return []
        }
        for (id, job) in refused { refuse(id, job, "paydesk is stopping") }
        startWaiting()
    }

    private func refuse(_ id: TargetID, _ job: Job, _ why: String) {
        switch job {
        case .cancel: report(id, .refused("\(why); nothing was sent"))
        case .check: reportCheck(id, .refused("\(why); nothing was asked"))
        }
    }

    private func startWaiting() {
        lock.lock()
        defer { lock.unlock() }
        while running.count < Self.maxConcurrentCalls, !waiting.isEmpty {
            let (id, job) = waiting.removeFirst()
            let run = nextRun
            nextRun += 1
            running[run] = Task { [self] in
                switch job {
                case .cancel(let reason):
                    let result = await call(id, reason: reason)
                    lock.withLock { _ = running.removeValue(forKey: run) }
                    report(id, result)
                case .check:
                    let result = await check(id)
                    lock.withLock { _ = running.removeValue(forKey: run) }
                    reportCheck(id, result)
                }
                startWaiting()
            }
        }
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
