import Foundation

/// While alive, `signals` (SIGINT and SIGTERM unless told) call `handler` with the signal's number instead of
/// ending the process.
final class InterruptForwarding: @unchecked Sendable {
    private let signals: [Int32]
    private let sources: [DispatchSourceSignal]

    init(signals: [Int32] = [SIGINT, SIGTERM], _ handler: @escaping @Sendable (Int32) -> Void) {
        self.signals = signals
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }

    convenience init(_ handler: @escaping @Sendable () -> Void) {
        self.init { _ in handler() }
    }

    deinit {
        for source in sources { source.cancel() }
        for number in signals { signal(number, SIG_DFL) }
    }
}
