import Foundation

/// Where the console's loop learns of signals: a real process watches them (`SignalWatch`), a test scripts them.
protocol SignalSource: AnyObject {
    func take() -> SignalRequest?
}

/// SIGINT asks to quit as `q` does; SIGTERM and SIGHUP stop the calls in flight (recorded as unknown) and end.
enum SignalRequest { case interrupt, terminate }

final class SignalWatch: SignalSource, @unchecked Sendable {
    private let lock = NSLock()
    private var pending: SignalRequest?
    private var forwarding: InterruptForwarding?

    init() {
        forwarding = InterruptForwarding(signals: [SIGINT, SIGTERM, SIGHUP]) { [weak self] number in
            self?.raise(number == SIGINT ? .interrupt : .terminate)
        }
    }

    /// Also how a test delivers a signal without sending one to its own process.
    func raise(_ request: SignalRequest) {
        lock.withLock { if pending != .terminate { pending = request } }
    }

    func take() -> SignalRequest? { lock.withLock { defer { pending = nil }; return pending } }
}
