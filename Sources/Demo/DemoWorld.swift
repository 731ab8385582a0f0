import Foundation
import GatewaySimulator
import PaydeskCore

/// Everything `paydesk demo` needs, with no setup and no credentials: a home folder with a `DEMO` profile and a
/// production `DEMO-PROD` profile, each pointing at its own simulator on 127.0.0.1 (the simulator reads one
/// profile's store), stores seeded with sessions whose countdowns run and payouts, and targets staged so that
/// cancelling them ends in every possible way (`script`).
public final class DemoWorld: Sendable {
    /// One staged target: what cancelling it will end as, and why.
    public struct ScriptedTarget: Sendable, Equatable, CustomStringConvertible {
        public let profile: String
        /// `xpay` (a session) or `praxis` (a payout), as the audit trail names them.
        public let gateway: String
        /// The session id or trace id.
        public let target: String
        public let expected: AttemptResult
        public let why: String

        public var description: String { "\(profile) \(gateway) \(target): \(expected.rawValue): \(why)" }
    }

    /// The home folder (config.toml, secrets/, data/<PROFILE>/).
    public let home: String
    /// Where paydesk finds the demo's files: `PaydeskPaths.resolve(home: home, ...)`.
    public let paths: PaydeskPaths
    public static let testProfile = "DEMO"
    public static let productionProfile = "DEMO-PROD"
    /// The first line of a config.toml the demo wrote: only such a config is ever overwritten.
    public static let configMarker = "# written by paydesk demo"
    /// Whether `home` is a fresh temporary folder made by `start` (`home: nil`), for the caller to delete.
    /// A folder named by the caller is never one, even if `start` had to create it: it is kept for the next run.
    public let isThrowaway: Bool
    /// What each staged target will do, for the README and tests. Targets already settled in the store (a payout
    /// cancelled in an earlier run on the same home) are left out.
    public let script: [ScriptedTarget]

    private let simulators: [String: GatewaySimulator]
    private let arrivals: SessionArrivals?
    /// Held until `stop()`: a second demo on the same folder would rewrite the secrets under this one's simulators.
    private let homeLock: DemoHome.Lock

    private init(home: String, paths: PaydeskPaths, isThrowaway: Bool, script: [ScriptedTarget],
                 simulators: [String: GatewaySimulator], arrivals: SessionArrivals?, homeLock: DemoHome.Lock) {
        self.home = home
        self.paths = paths
        self.isThrowaway = isThrowaway
        self.script = script
        self.simulators = simulators
        self.arrivals = arrivals
        self.homeLock = homeLock
    }

    /// The simulator behind `profile` (`DEMO` or `DEMO-PROD`).
    public func simulator(for profile: String) -> GatewaySimulator? { simulators[profile] }

    /// Seconds a gateway call may take in the demo profiles: short, so a staged timeout resolves quickly as unknown.
    static let connectTimeout = 2
    static let totalTimeout = 4
    /// The answers' delay, so "in flight" can be seen; staged targets get their own in 300-600 ms.
    static let defaultLatencyMs = 450

    private struct ProfileSpec {
        let name: String
        let production: Bool
        let merchantId: String
        let applicationKey: String
    }

    private static let profileSpecs = [
        ProfileSpec(name: testProfile, production: false, merchantId: "Demo-Integration-Merchant", applicationKey: "Sandbox"),
        ProfileSpec(name: productionProfile, production: true, merchantId: "Demo-Live-Merchant", applicationKey: "Demo-Live"),
    ]

    /// Creates (or reuses) `home` (nil: a fresh folder under the temporary directory, `paydesk-demo-XXXXXX`), writes
    /// each profile's secrets (random for every run, mode 600, under `home/secrets/`) and `config.toml` (mode 600,
    /// first line `configMarker`) with `DEMO` (the default) and `DEMO-PROD` (production) pointing at two simulators
    /// started here, `operator = operatorName`, and timeouts of 2 s (connect) and 4 s (total). Seeds each profile's
    /// `sessions.jsonl` and `payouts.jsonl` through `StoreAppender`, stages the simulators (`script`), and with an
    /// `arrivalInterval` appends a new open session to each profile every that many seconds until `stop()`.
    ///
    /// An existing `home` must be empty or a previous demo's (its config.toml starts with `configMarker`): anything
    /// else is refused with a usage error and left untouched, and so is a folder another running demo holds.
    /// A previous demo's data and audit trail are kept: its config.toml and secrets are rewritten (the ports change
    /// every run), payouts and the sessions' history are seeded only into empty stores (pending payouts are staged
    /// again), and the sessions are reset: those still open are closed as expired and a new batch is added.
    /// `clock` dates the seeded records and arrivals, and is the simulators' clock (session expiry, Praxis's
    /// one-minute window).
    public static func start(home: String?, operatorName: String = "demo", arrivalInterval: Double? = 20,
                             clock: @escaping @Sendable () -> Timestamp = { .now }) async throws -> DemoWorld {
        guard !operatorName.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw PaydeskError.usage("the demo needs an operator name to write in the audit trail")
        }
        if let arrivalInterval, !(arrivalInterval > 0 && arrivalInterval.isFinite) {
            throw PaydeskError.usage("the sessions' arrival interval must be a positive number of seconds")
        }
        let demoHome = try DemoHome.prepare(home)
        let root = demoHome.path, isThrowaway = demoHome.isThrowaway
        var started: [String: GatewaySimulator] = [:]
        do {
            let paths = try PaydeskPaths.resolve(home: root, environment: [:])
            var script: [ScriptedTarget] = []
            var profileText: [String] = []
            var serials: [String: Int] = [:]
            for spec in profileSpecs {
                let secrets = try writeSecrets(root: root, profile: spec.name)
                let data = paths.dataDirectory(profile: spec.name)
                let seeded = try seed(profile: spec.name, dataDirectory: data, now: clock())
                serials[spec.name] = seeded.serial
                let state = SimulatorState(dataDirectory: data, clock: clock)
                script += await stage(state, profile: spec.name, seeded: seeded)
                let credentials = GatewaySimulator.Credentials(
                    xpayAPIKey: secrets.xpayKey, praxisMerchantId: spec.merchantId, praxisApplicationKey: spec.applicationKey,
                    praxisSecret: secrets.praxisSecret)
                let simulator = try await GatewaySimulator.start(credentials: credentials, state: state)
                started[spec.name] = simulator
                profileText.append(profileSection(spec, simulator: simulator, secrets: secrets))
            }
            try DemoHome.writePrivateFile(paths.configFile, configText(operatorName: operatorName, profiles: profileText))
            // Written by us, so a refusal here is a bug of ours: better said now than on the first keypress.
            let config = try PaydeskConfig.load(paths: paths, environment: [:])
            guard config.defaultProfile == testProfile, config.profiles.map(\.name).sorted() == [testProfile, productionProfile] else {
                throw PaydeskError.config("the demo's config.toml did not read back as written (\(paths.configFile))")
            }
            let arrivals = arrivalInterval.map { interval in
                SessionArrivals(interval: interval, serials: serials, clock: clock) { profile in
                    paths.dataDirectory(profile: profile) + "/" + SessionKind.fileName
                }
            }
            return DemoWorld(home: root, paths: paths, isThrowaway: isThrowaway, script: script,
                             simulators: started, arrivals: arrivals, homeLock: demoHome.lock)
        } catch {
            for simulator in started.values { await simulator.stop() }
            demoHome.lock.release()
            if isThrowaway { try? FileManager.default.removeItem(atPath: root) }
            throw error
        }
    }

    /// Stops the arrivals and both simulators, then lets another demo use the folder. The home stays: a throwaway
    /// one is for the caller to delete. Calling it again does nothing.
    public func stop() async {
        guard homeLock.beginRelease() else { return }
        await arrivals?.stop()
        for simulator in simulators.values { await simulator.stop() }
        homeLock.release()
    }

    // MARK: Secrets and config

    private struct ProfileSecrets {
        let xpayKeyFile: String
        let praxisSecretFile: String
        let xpayKey: Secret
        let praxisSecret: Secret
    }

    /// New random secrets for `profile`, in files only the user can read: the simulator and the profile share them.
    private static func writeSecrets(root: String, profile: String) throws -> ProfileSecrets {
        let directory = root + "/secrets"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw PaydeskError.io("cannot create \(directory): \(error.localizedDescription)")
        }
        let xpayKey = "demo-xpay-" + DemoSeed.randomHex(bytes: 16)
        let praxisSecret = "demo-praxis-" + DemoSeed.randomHex(bytes: 24)
        let secrets = ProfileSecrets(xpayKeyFile: "\(directory)/\(profile)-xpay-api-key",
                                     praxisSecretFile: "\(directory)/\(profile)-praxis-secret",
                                     xpayKey: Secret(xpayKey), praxisSecret: Secret(praxisSecret))
        try DemoHome.writePrivateFile(secrets.xpayKeyFile, xpayKey + "\n")
        try DemoHome.writePrivateFile(secrets.praxisSecretFile, praxisSecret + "\n")
        return secrets
    }

    private static func profileSection(_ spec: ProfileSpec, simulator: GatewaySimulator, secrets: ProfileSecrets) -> String {
        var lines = ["[profiles.\(spec.name)]", "production = \(spec.production)"]
        // A production profile may have a look of its own: the demo shows it.
        if spec.production { lines.append("theme = \"high-contrast\"") }
        lines += [
            "xpay_url = \(tomlString(simulator.xpayURL))",
            "xpay_api_key_file = \(tomlString(secrets.xpayKeyFile))",
            "praxis_url = \(tomlString(simulator.praxisURL))",
            "praxis_merchant_id = \(tomlString(spec.merchantId))",
            "praxis_application_key = \(tomlString(spec.applicationKey))",
            "praxis_secret_file = \(tomlString(secrets.praxisSecretFile))",
            "praxis_version = \"1.2\"",
            "connect_timeout = \(connectTimeout)",
            "total_timeout = \(totalTimeout)",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    private static func configText(operatorName: String, profiles: [String]) -> String {
        """
        \(configMarker): rewritten on every run (the simulators' ports change), so edits here are lost.
        # The secrets are in secrets/ (mode 600), never in this file. The gateways are simulators on 127.0.0.1.
        default_profile = \(tomlString(testProfile))
        operator = \(tomlString(operatorName))


        """ + profiles.joined(separator: "\n")
    }

    /// A TOML basic string: quotes, backslashes and control characters escaped (a folder may be named anything).
    static func tomlString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    // MARK: Seeding and staging

    private struct Seeded {
        /// The staged sessions of the batch just added.
        var sessions: [DemoSeed.Session]
        /// The payouts still pending in the store.
        var pendingPayouts: Set<Int64>
        /// Sessions written so far (numbers the next ones' order ids).
        var serial: Int
    }

    /// Seeds an empty store. On a previous demo's, the sessions it left open are closed (`expired`, a line each,
    /// as the store is appended to) and a new batch is added: every run shows one batch, however soon it follows.
    private static func seed(profile: String, dataDirectory: String, now: Timestamp) throws -> Seeded {
        let sessionsPath = dataDirectory + "/" + SessionKind.fileName
        let payoutsPath = dataDirectory + "/" + PayoutKind.fileName
        let sessions = try StoreSnapshot<SessionKind>.load(path: sessionsPath)
        var serial = sessions.records.count
        let history = sessions.records.isEmpty ? DemoSeed.history(now: now, serial: &serial) : []
        let closed = sessions.records.filter { $0.state == 0 }.map { record in   // open, the first state
            Array(JSONValue.object(sessions.fields(of: record).map { $0.0 == SessionKind.stateField ? ($0.0, .string("expired")) : $0 }).jsonText.utf8)
        }
        let batch = DemoSeed.openBatch(now: now, serial: &serial)
        try StoreAppender.append(history + closed + batch.lines, to: sessionsPath)

        if try StoreSnapshot<PayoutKind>.load(path: payoutsPath).records.isEmpty {
            try StoreAppender.append(DemoSeed.payouts(profile: profile, now: now), to: payoutsPath)
        }
        let payouts = try StoreSnapshot<PayoutKind>.load(path: payoutsPath)
        let pending = Set(payouts.records.filter { $0.state == 0 }.map(\.key))
        return Seeded(sessions: batch.staged, pendingPayouts: pending, serial: serial)
    }

    /// Stages `profile`'s targets at its simulator and says what each will do.
    private static func stage(_ state: SimulatorState, profile: String, seeded: Seeded) async -> [ScriptedTarget] {
        await state.setLatency(defaultLatencyMs)
        var script: [ScriptedTarget] = []
        var k = 0
        func latency() -> Int {
            k += 1
            return 300 + (k * 137) % 301
        }
        for (session, staging) in zip(seeded.sessions, DemoSeed.sessionStagings) {
            if let gatewayState = staging.gatewayState {
                await state.addSession(session.id, createdAt: session.createdAt, state: gatewayState)
            }
            await state.setFault(staging.fault, for: session.id)
            await state.setLatency(latency(), for: session.id)
            script.append(ScriptedTarget(profile: profile, gateway: SessionKind.gatewayName, target: session.id,
                                         expected: staging.expected, why: staging.why))
        }
        for (index, staging) in DemoSeed.payoutStagings {
            let trace = DemoSeed.traceId(profile: profile, index: index)
            if let gatewayState = staging.gatewayState { await state.addPayout(trace, status: gatewayState) }
            await state.setFault(staging.fault, for: String(trace))
            await state.setLatency(latency(), for: String(trace))
            // Settled in an earlier run on this home (cancelled): nothing left to show.
            guard seeded.pendingPayouts.contains(trace) else { continue }
            script.append(ScriptedTarget(profile: profile, gateway: PayoutKind.gatewayName, target: String(trace),
                                         expected: staging.expected, why: staging.why))
        }
        return script
    }
}

/// New open sessions appended to each demo profile's store every `interval` seconds, as the checkout backend
/// would, so the console shows records arriving. On a dispatch queue of its own: the appends sync to disk, and
/// must not hold the concurrency threads the in-process simulators answer on.
final class SessionArrivals: @unchecked Sendable {
    private let queue = DispatchQueue(label: "paydesk.demo.arrivals")
    private let timer: DispatchSourceTimer
    /// Touched only on `queue`.
    private var serials: [String: Int]

    init(interval: Double, serials: [String: Int], clock: @escaping @Sendable () -> Timestamp,
         storePath: @escaping @Sendable (String) -> String) {
        self.serials = serials
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            for profile in self.serials.keys.sorted() {
                let path = storePath(profile)
                // The folder removed under a running demo: no new session, and no folder made again.
                guard FileManager.default.fileExists(atPath: (path as NSString).deletingLastPathComponent) else { continue }
                self.serials[profile, default: 0] += 1
                let line = DemoSeed.arrival(now: clock(), serial: self.serials[profile, default: 0])
                try? StoreAppender.append([line], to: path)
            }
        }
        timer.resume()
    }

    deinit { timer.cancel() }

    /// Stops the timer and waits for an append under way, so nothing is written after this returns.
    func stop() async {
        timer.cancel()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async { continuation.resume() }
        }
    }
}
