import Console
import Foundation

/// Searches long lists for their filter on a thread of its own, one job at a time; a job that a newer one for
/// the same tab replaced before it started is dropped (typing fast asks for many, only the last matters).
final class FilterWorker: @unchecked Sendable {
    private let condition = NSCondition()
    private var waiting: [ConsoleTab: FilterJob] = [:]
    private var stopped = false
    private let report: @Sendable (FilterResult) -> Void

    init(report: @escaping @Sendable (FilterResult) -> Void) {
        self.report = report
        let thread = Thread { [self] in run() }
        thread.name = "paydesk-filter"
        thread.start()
    }

    func search(_ job: FilterJob) {
        condition.withLock {
            waiting[job.tab] = job
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
            let job = condition.withLock { () -> FilterJob? in
                while waiting.isEmpty, !stopped { condition.wait() }
                guard !stopped, let tab = waiting.keys.first else { return nil }
                return waiting.removeValue(forKey: tab)
            }
            guard let job else { return }
            report(job.run())
        }
    }
}
