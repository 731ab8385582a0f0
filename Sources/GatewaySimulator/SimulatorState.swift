import Foundation
import PaydeskCore

/// What the simulated gateways know: which sessions and payouts exist, in what state, and what faults to
/// inject. Records come from a profile's store files (re-read when they change) or are added directly.
/// A record added directly is the gateway's own state, set on purpose: the store's lines never overwrite it
/// (see `setExplicitly`).
public actor SimulatorState {
    public struct Session: Sendable, Equatable {
        public var createdAt: Timestamp
        public var state: String
    }

    private var sessions: [SessionID: Session] = [:]
    private var payouts: [Int64: String] = [:]
    private var faults: [String: SimulatorFault] = [:]
    private var lookupFaults: [String: SimulatorFault] = [:]
    private var faultRates: [(SimulatorFault, Double)] = []
    private var latencies: [String: Int] = [:]
    private var defaultLatencyMs = 0
    private var requests: [String: Int] = [:]
    private var cancels: [String: Int] = [:]
    /// Targets whose gateway-side state was set by `addSession`/`addPayout`. The store reload leaves them alone:
    /// the gateway and the store may disagree on purpose (a payout already approved at Praxis while the store
    /// still says pending is how a rejection is staged), and the next line appended to the store, about any
    /// record, must not quietly reset that.
    private var setExplicitly: (sessions: Set<SessionID>, payouts: Set<Int64>) = ([], [])
    private var generator = SystemRandomNumberGenerator()
    private let dataDirectory: String?
    private var loadedSizes: [String: Int] = [:]
    private let clock: @Sendable () -> Timestamp

    public init(dataDirectory: String? = nil, clock: @escaping @Sendable () -> Timestamp = { .now }) {
        self.dataDirectory = dataDirectory
        self.clock = clock
    }

    public var now: Timestamp { clock() }

    // MARK: Setting it up

    /// Sets what the gateway knows of session `id`, whatever the store says of it (the store no longer updates it).
    public func addSession(_ id: String, createdAt: Timestamp, state: String = "open") {
        sessions[SessionID(id)] = Session(createdAt: createdAt, state: state)
        setExplicitly.sessions.insert(SessionID(id))
    }

    /// Sets what the gateway knows of payout `traceId`, whatever the store says of it (the store no longer updates it).
    public func addPayout(_ traceId: Int64, status: String = "pending") {
        payouts[traceId] = status
        setExplicitly.payouts.insert(traceId)
    }

    /// Inject `fault` on every call about `target` (a session id or a trace id); nil clears it.
    public func setFault(_ fault: SimulatorFault?, for target: String) {
        faults[target] = fault
    }

    /// Inject `fault` on every lookup (XPay `build/state`, Praxis `find-transaction`) about `target`; nil clears it.
    /// Apart from the cancel faults, so that a target can time out on cancel and still be checked. On a lookup,
    /// which changes nothing, `timeout`, `drop`, `server-error`, `internal-error`, `bad-signature`,
    /// `no-signature` (Praxis), `malformed`, `unauthorized` and `proxy-error` spoil the answer; any other
    /// fault leaves it as it would be.
    public func setLookupFault(_ fault: SimulatorFault?, for target: String) {
        lookupFaults[target] = fault
    }

    /// Inject `fault` on a share (0...1) of all cancels (lookups are spared).
    public func setFaultRate(_ fault: SimulatorFault, _ rate: Double) {
        faultRates.removeAll { $0.0 == fault }
        if rate > 0 { faultRates.append((fault, min(rate, 1))) }
    }

    /// Delay answers (to cancels and lookups) about `target` (or, with nil, all answers) by `milliseconds`.
    public func setLatency(_ milliseconds: Int, for target: String? = nil) {
        if let target { latencies[target] = milliseconds } else { defaultLatencyMs = milliseconds }
    }

    /// Calls received about `target` (cancels and lookups), once its id was read from the request.
    public func requestCount(for target: String) -> Int { requests[target, default: 0] }
    /// Cancellations received about `target` (lookups left out): what "sent once" means.
    public func cancelCount(for target: String) -> Int { cancels[target, default: 0] }
    /// Every call received, refused ones included (tests use it to prove nothing was sent).
    public private(set) var totalRequests = 0

    /// What the last request's `Accept-Encoding` said (nil when it had none): paydesk must ask for no compression.
    public private(set) var lastAcceptEncoding: String?

    func arrived(acceptEncoding: String?) {
        totalRequests += 1
        lastAcceptEncoding = acceptEncoding
    }

    public func session(_ id: String) -> Session? {
        reloadIfChanged()
        return sessions[SessionID(id)]
    }

    public func payoutStatus(_ traceId: Int64) -> String? {
        reloadIfChanged()
        return payouts[traceId]
    }

    // MARK: Used by the handlers

    func received(_ target: String) -> (fault: SimulatorFault?, latencyMs: Int) {
        requests[target, default: 0] += 1
        cancels[target, default: 0] += 1
        var fault = faults[target]
        if fault == nil {
            for (candidate, rate) in faultRates where Double.random(in: 0..<1, using: &generator) < rate {
                fault = candidate
                break
            }
        }
        return (fault, latencies[target] ?? defaultLatencyMs)
    }

    /// A lookup: counted like a cancel, with the lookup fault (never a rate fault) and the same latency.
    func receivedLookup(_ target: String) -> (fault: SimulatorFault?, latencyMs: Int) {
        requests[target, default: 0] += 1
        return (lookupFaults[target], latencies[target] ?? defaultLatencyMs)
    }

    /// Where a session stands now, as XPay sees it: an open one past its 5 minutes has expired.
    enum SessionStanding: Equatable { case open, cancelled, paid, expired, notFound }

    func standing(ofSession text: String) -> SessionStanding {
        reloadIfChanged()
        guard let session = sessions[SessionID(text)] else { return .notFound }
        switch session.state {
        case "cancelled": return .cancelled
        case "paid": return .paid
        case "expired": return .expired
        default: return SessionKind.expiry(ofCreated: session.createdAt) <= clock() ? .expired : .open
        }
    }

    enum SessionCancel: Equatable { case cancelled, notFound, expired, alreadyCancelled, paid }

    func cancelSession(_ text: String) -> SessionCancel {
        switch standing(ofSession: text) {
        case .open:
            sessions[SessionID(text)]?.state = "cancelled"
            return .cancelled
        case .cancelled: return .alreadyCancelled
        case .paid: return .paid
        case .expired: return .expired
        case .notFound: return .notFound
        }
    }

    enum PayoutCancel: Equatable { case cancelled, notFound, notPending(String) }

    func cancelPayout(_ traceId: Int64) -> PayoutCancel {
        reloadIfChanged()
        guard let status = payouts[traceId] else { return .notFound }
        guard status == "pending" else { return .notPending(status) }
        payouts[traceId] = "cancelled"
        return .cancelled
    }

    /// Picks up records other systems appended to the profile's store. The simulator's own cancellations
    /// win over the store's lines, as the real gateways' state would, and so does a state set explicitly
    /// (`addSession`, `addPayout`): the store is re-read whole whenever it grows, so without that rule any
    /// new line would reset every staged disagreement between gateway and store.
    private func reloadIfChanged() {
        guard let dataDirectory else { return }
        if let store = changedStore(SessionKind.self, dataDirectory) {
            for record in store.records where sessions[record.key]?.state != "cancelled" && !setExplicitly.sessions.contains(record.key) {
                sessions[record.key] = Session(createdAt: record.time, state: SessionKind.states[Int(record.state)])
            }
        }
        if let store = changedStore(PayoutKind.self, dataDirectory) {
            for record in store.records where payouts[record.key] != "cancelled" && !setExplicitly.payouts.contains(record.key) {
                payouts[record.key] = PayoutKind.states[Int(record.state)]
            }
        }
    }

    private func changedStore<Kind: RecordKind>(_ kind: Kind.Type, _ directory: String) -> StoreSnapshot<Kind>? {
        let path = directory + "/" + Kind.fileName
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size != loadedSizes[path], let store = try? StoreSnapshot<Kind>.load(path: path) else { return nil }
        loadedSizes[path] = size
        return store
    }
}
