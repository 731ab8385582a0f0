import Foundation
import Testing
@testable import Demo
@testable import GatewaySimulator
@testable import Gateways
@testable import PaydeskCore

/// The world `paydesk demo` runs in: its home, its config, its stores, and what its simulators do, checked
/// through paydesk's real config loader, store reader, cancellation service and clients over real HTTP.
extension PaydeskTests {
@Suite struct DemoWorldTests {
    static let profiles = [DemoWorld.testProfile, DemoWorld.productionProfile]

    /// A world with no arrivals, stopped after `body` (also when it throws), its throwaway home removed.
    private func withWorld<T>(home: String? = nil, operatorName: String = "demo", arrivalInterval: Double? = nil,
                              clock: @escaping @Sendable () -> Timestamp = { .now },
                              _ body: (DemoWorld) async throws -> T) async throws -> T {
        let world = try await DemoWorld.start(home: home, operatorName: operatorName, arrivalInterval: arrivalInterval, clock: clock)
        defer { if world.isThrowaway { try? FileManager.default.removeItem(atPath: world.home) } }
        do {
            let result = try await body(world)
            await world.stop()
            return result
        } catch {
            await world.stop()
            throw error
        }
    }

    private func config(_ world: DemoWorld) throws -> PaydeskConfig {
        try PaydeskConfig.load(paths: PaydeskPaths.resolve(home: world.home, environment: [:]), environment: [:])
    }

    private func mode(_ path: String) -> mode_t {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o777 : 0o7777
    }

    private func sessionStore(_ world: DemoWorld, _ profile: String) throws -> StoreSnapshot<SessionKind> {
        try StoreSnapshot<SessionKind>.load(path: world.paths.dataDirectory(profile: profile) + "/sessions.jsonl")
    }

    private func payoutStore(_ world: DemoWorld, _ profile: String) throws -> StoreSnapshot<PayoutKind> {
        try StoreSnapshot<PayoutKind>.load(path: world.paths.dataDirectory(profile: profile) + "/payouts.jsonl")
    }

    /// Cancels `target` on `profile` as paydesk does: the service, the profile's own client and credentials.
    private func cancel(_ world: DemoWorld, _ profile: String, gateway: String, _ target: String) async throws -> AttemptOutcome {
        let config = try config(world)
        let p = try config.profile(named: profile)
        let service = CancellationService(profile: p, dataDirectory: world.paths.dataDirectory(profile: profile),
                                          operatorName: config.operatorName)
        let credentials = Credentials(environment: [:])
        if gateway == "xpay" {
            return try await service.cancel(SessionKind.self, key: SessionID(target), reason: "demo world test",
                                            gateway: XPayClient(profile: p, credentials: credentials)).outcome
        }
        let trace = try #require(Int64(target))
        return try await service.cancel(PayoutKind.self, key: trace, reason: "demo world test",
                                        gateway: PraxisClient(profile: p, credentials: credentials)).outcome
    }

    private func bytes(_ path: String) -> Data { FileManager.default.contents(atPath: path) ?? Data() }

    // MARK: Config and secrets

    @Test func theConfigHasATestAndAProductionProfileAndNoSecretInIt() async throws {
        try await withWorld(operatorName: "a.trainer") { world in
            #expect(world.isThrowaway)
            #expect((world.home as NSString).lastPathComponent.hasPrefix("paydesk-demo-"))
            let config = try config(world)
            #expect(config.file == world.home + "/config.toml")
            #expect(config.defaultProfile == DemoWorld.testProfile)
            #expect(config.displayName == "a.trainer" && config.operatorName == Origin.account())
            #expect(config.profiles.map(\.name) == Self.profiles)
            let demo = try config.profile(named: DemoWorld.testProfile)
            let prod = try config.profile(named: DemoWorld.productionProfile)
            #expect(!demo.production)
            #expect(prod.production)
            #expect(!demo.readOnly && !prod.readOnly)
            for p in [demo, prod] {
                let sim = try #require(world.simulator(for: p.name))
                #expect(p.xpayURL == sim.xpayURL)
                #expect(p.praxisURL == sim.praxisURL)
                #expect(p.connectTimeout == 2)
                #expect(p.totalTimeout <= 5)
            }
            #expect(world.simulator(for: DemoWorld.testProfile)?.port != world.simulator(for: DemoWorld.productionProfile)?.port)

            let configText = String(decoding: bytes(world.paths.configFile), as: UTF8.self)
            #expect(configText.hasPrefix(DemoWorld.configMarker))
            #expect(mode(world.paths.configFile) == 0o600)
            let credentials = Credentials(environment: [:])
            var secrets: [String] = []
            for p in [demo, prod] {
                for (name, source) in p.credentials {
                    #expect(credentials.status(of: source, named: name) == .present, "\(p.name) \(name)")
                    guard name == "xpay_api_key" || name == "praxis_secret" else { continue }
                    guard case .file(let path) = source else {
                        Issue.record("\(p.name) \(name) is not read from a file: \(source)")
                        continue
                    }
                    #expect(path.hasPrefix(world.home + "/secrets/"))
                    #expect(mode(path) == 0o600, "\(path)")
                    secrets.append(try credentials.value(of: source, named: name).reveal())
                }
            }
            #expect(secrets.count == 4)
            #expect(Set(secrets).count == 4, "each profile has secrets of its own")
            for secret in secrets {
                #expect(secret.count >= 20)
                #expect(!configText.contains(secret), "a secret is written in config.toml")
            }
            // Random per world: a second world has other secrets.
            try await withWorld { other in
                let otherConfig = try self.config(other)
                let key = try credentials.value(of: otherConfig.profile(named: DemoWorld.testProfile).xpayAPIKey, named: "xpay_api_key")
                #expect(!secrets.contains(key.reveal()))
                #expect(other.home != world.home)
            }
        }
    }

    // MARK: Stores

    @Test func theStoresHoldSessionsCountingDownAndPendingPayouts() async throws {
        let now = Timestamp.now
        try await withWorld(clock: { now }) { world in
            for profile in Self.profiles {
                let sessions = try sessionStore(world, profile)
                #expect(sessions.problemCount == 0, "\(sessions.problems)")
                let open = sessions.records.filter { sessions.isActionable($0, now: now) }
                #expect(open.count >= 25, "\(profile): \(open.count) open sessions")
                let ages = open.map { (now.milliseconds - $0.time.milliseconds) / 1000 }
                #expect(ages.min().map { $0 < 30 } == true, "the youngest has nearly 5 minutes to go")
                #expect(ages.max().map { $0 >= 240 && $0 < 300 } == true, "the oldest expire while one watches")
                #expect(Set(ages).count == open.count, "creation times are staggered")
                let states = Set(sessions.records.map { sessions.effectiveState(of: $0, now: now) })
                #expect(states == Set(SessionKind.states), "\(profile): \(states)")

                let fields = sessions.records.map { sessions.recordFields(of: $0) }
                let currencies = fields.map { $0.text("currency") }
                #expect(currencies.filter { $0 == "EUR" }.count > currencies.count / 2)
                #expect(currencies.contains("JPY") && currencies.contains("KWD"))
                #expect(fields.allSatisfy { $0.text("session_id").hasPrefix("ps_") && !$0.text("order_id").isEmpty
                    && !$0.text("customer_id").isEmpty && !$0.text("description").isEmpty && !$0.amountText.isEmpty })
                #expect(Set(fields.map { $0.text("session_id") }).count == fields.count)
                #expect(fields.contains { $0.unknown(SessionKind.self).contains { $0.0 == "merchant_note" } })

                let payouts = try payoutStore(world, profile)
                #expect(payouts.problemCount == 0, "\(payouts.problems)")
                let pending = payouts.records.filter { payouts.isActionable($0, now: now) }
                #expect(pending.count >= 10)
                #expect(pending.allSatisfy { $0.key > 0 && $0.time <= now && now.milliseconds - $0.time.milliseconds < 3_600_000 })
                #expect(payouts.records.count > pending.count, "some payouts were decided before")
                let payoutFields = pending.map { payouts.recordFields(of: $0) }
                #expect(Set(payoutFields.map { $0.text("payment_method") }).count >= 3)
                #expect(payoutFields.allSatisfy { !$0.text("customer_id").isEmpty && !$0.amountText.isEmpty })
                #expect(payoutFields.contains { $0.unknown(PayoutKind.self).contains { $0.0 == "merchant_note" } })

                // Every staged target is in the store, and actionable.
                for target in world.script where target.profile == profile {
                    if target.gateway == "xpay" {
                        let record = try #require(sessions.record(for: SessionID(target.target)), "\(target)")
                        #expect(sessions.isActionable(record, now: now), "\(target)")
                    } else {
                        let trace = try #require(Int64(target.target))
                        let record = try #require(payouts.record(for: trace), "\(target)")
                        #expect(payouts.isActionable(record, now: now), "\(target)")
                    }
                }
            }
        }
    }

    // MARK: The script, over real HTTP

    @Test func everyScriptedTargetEndsAsScripted() async throws {
        try await withWorld { world in
            for profile in Self.profiles {
                let mine = world.script.filter { $0.profile == profile }
                #expect(Set(mine.map(\.expected)) == Set(AttemptResult.allCases), "\(profile): every outcome can be seen")
                let praxis = mine.filter { $0.gateway == "praxis" }.map(\.expected)
                #expect(praxis.contains(.rejected) && praxis.contains(.failed) && praxis.filter { $0 == .unknown }.count >= 2)
                #expect(mine.contains { $0.gateway == "xpay" && $0.expected == .rejected })
            }
            for target in world.script {
                let outcome = try await cancel(world, target.profile, gateway: target.gateway, target.target)
                #expect(outcome.result == target.expected, "\(target) ended \(outcome.result): \(outcome.description)")
                #expect(outcome.latencyMs < 4_500, "\(target) took \(outcome.latencyMs) ms: the demo's timeouts are short")
                if target.gateway == "praxis", outcome.result == .unknown, outcome.httpStatus == 200 {
                    // A forged answer is flagged; a genuine one that find-transaction contradicts says so.
                    #expect(outcome.signatureValid == false || outcome.description.contains("disagree"), "\(outcome.description)")
                }
            }
            // Everything not staged cancels fine, after a visible moment in flight.
            for profile in Self.profiles {
                let now = Timestamp.now
                let staged = Set(world.script.filter { $0.profile == profile }.map(\.target))
                let sessions = try sessionStore(world, profile)
                let session = try #require(sessions.records.last { sessions.isActionable($0, now: now) && !staged.contains($0.key.text) })
                let payouts = try payoutStore(world, profile)
                let payout = try #require(payouts.records.last { payouts.isActionable($0, now: now) && !staged.contains(String($0.key)) })
                for (gateway, target) in [("xpay", session.key.text), ("praxis", String(payout.key))] {
                    let outcome = try await cancel(world, profile, gateway: gateway, target)
                    #expect(outcome.result == .cancelled, "\(profile) \(gateway) \(target): \(outcome.description)")
                    #expect(outcome.latencyMs >= 300)
                }
                #expect(try AuditLog(directory: world.paths.dataDirectory(profile: profile)).verify().broken == nil)
                let after = try payoutStore(world, profile)
                #expect(after.recordFields(of: try #require(after.record(for: payout.key)))["status"] == .string("cancelled"))
            }
        }
    }

    // MARK: Homes

    @Test func aHomeThatIsNotADemosIsRefusedAndLeftUntouched() async throws {
        let foreign = TemporaryDirectory("paydesk-demo-foreign")
        let original = "default_profile = \"TEST\"\n\n[profiles.TEST]\nproduction = false\n"
        foreign.write("config.toml", original)
        let busy = TemporaryDirectory("paydesk-demo-busy")
        busy.write("data/TEST/payouts.jsonl", payoutLine(1) + "\n")
        for (dir, listing) in [(foreign, ["config.toml"]), (busy, ["data"])] {
            do {
                let world = try await DemoWorld.start(home: dir.path, arrivalInterval: nil)
                await world.stop()
                Issue.record("the demo started in \(dir.path)")
            } catch let error as PaydeskError {
                guard case .usage(let message) = error else {
                    Issue.record("not a usage error: \(error)")
                    continue
                }
                #expect(message.contains(dir.path))
                #expect(message.contains("config.toml"))
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == listing)
        }
        #expect(foreign.read("config.toml") == original)
        #expect(busy.read("data/TEST/payouts.jsonl") == payoutLine(1) + "\n")
    }

    @Test func restartingOnItsOwnHomeKeepsItsDataAndTrail() async throws {
        let parent = TemporaryDirectory("paydesk-demo-restart")
        let home = parent.path + "/demo"
        let data = PaydeskPaths(configDirectory: home, dataRoot: home + "/data").dataDirectory(profile: DemoWorld.testProfile)
        let (firstScript, cancelledTrace) = try await withWorld(home: home) { first in
            #expect(!first.isThrowaway, "a folder the caller named is kept")
            #expect(first.home == home)
            let ordinary = try #require(first.script.first { $0.profile == DemoWorld.testProfile && $0.gateway == "praxis" && $0.expected == .cancelled })
            let outcome = try await cancel(first, ordinary.profile, gateway: ordinary.gateway, ordinary.target)
            #expect(outcome.result == .cancelled, "\(outcome.description)")
            return (first.script, ordinary.target)
        }
        let payoutsBefore = bytes(data + "/payouts.jsonl")
        let sessionsBefore = bytes(data + "/sessions.jsonl")
        let auditBefore = bytes(data + "/audit.jsonl")
        #expect(!auditBefore.isEmpty)

        try await withWorld(home: home) { second in
            #expect(!second.isThrowaway)
            #expect(second.home == home)
            #expect(bytes(data + "/payouts.jsonl") == payoutsBefore, "no payout reseeded")
            #expect(bytes(data + "/audit.jsonl") == auditBefore, "the audit trail is kept")
            let sessionsAfter = bytes(data + "/sessions.jsonl")
            #expect(sessionsAfter.count > sessionsBefore.count && sessionsAfter.prefix(sessionsBefore.count) == sessionsBefore,
                    "earlier sessions kept, a fresh batch added")
            // The config follows the new simulators.
            let config = try config(second)
            for profile in Self.profiles {
                #expect(try config.profile(named: profile).praxisURL == second.simulator(for: profile)?.praxisURL)
            }
            // The payout cancelled last time is no longer staged; the others are, and still behave.
            #expect(!second.script.contains { $0.profile == DemoWorld.testProfile && $0.target == cancelledTrace })
            let rejected = try #require(second.script.first { $0.profile == DemoWorld.testProfile && $0.gateway == "praxis" && $0.expected == .rejected })
            #expect(firstScript.contains(rejected), "the same payout is staged again")
            #expect(try await cancel(second, rejected.profile, gateway: "praxis", rejected.target).result == .rejected)
            let newSessions = second.script.filter { $0.gateway == "xpay" }
            #expect(!newSessions.isEmpty && newSessions.allSatisfy { s in !firstScript.contains { $0.target == s.target } })
            let paid = try #require(newSessions.first { $0.profile == DemoWorld.testProfile && $0.expected == .rejected })
            #expect(try await cancel(second, paid.profile, gateway: "xpay", paid.target).result == .rejected)
            let store = try payoutStore(second, DemoWorld.testProfile)
            let trace = try #require(Int64(cancelledTrace))
            #expect(store.recordFields(of: try #require(store.record(for: trace)))["status"] == .string("cancelled"))
        }
    }

    @Test func runningAgainAtOnceShowsOneBatchOfSessionsNotTwo() async throws {
        let parent = TemporaryDirectory("paydesk-demo-again")
        let home = parent.path + "/demo"
        let data = PaydeskPaths(configDirectory: home, dataRoot: home + "/data").dataDirectory(profile: DemoWorld.testProfile)
        func openSessions() throws -> [String] {
            let store = try StoreSnapshot<SessionKind>.load(path: data + "/" + SessionKind.fileName)
            return store.records.filter { SessionKind.states[Int($0.state)] == "open" && SessionKind.isActionable(0, time: $0.time, now: .now) }
                .map(\.key.description)
        }
        let first = try await withWorld(home: home) { _ in try openSessions() }
        #expect(first.count == DemoSeed.openSessions)
        for _ in 0..<2 {
            let again = try await withWorld(home: home) { _ in try openSessions() }
            #expect(again.count == DemoSeed.openSessions, "one batch, not one per run")
            #expect(Set(again).isDisjoint(with: first), "a new batch")
        }
        // The sessions closed are still in the store, as expired, with their fields.
        let store = try StoreSnapshot<SessionKind>.load(path: data + "/" + SessionKind.fileName)
        let old = try #require(store.records.first { $0.key.description == first[0] })
        #expect(SessionKind.states[Int(old.state)] == "expired")
        #expect(store.recordFields(of: old)["order_id"] != nil)
    }

    @Test func aSecondDemoOnTheSameHomeIsRefusedWhileTheFirstRuns() async throws {
        let parent = TemporaryDirectory("paydesk-demo-twice")
        let home = parent.path + "/demo"
        try await withWorld(home: home) { first in
            let config = bytes(first.paths.configFile)
            let secret = bytes(home + "/secrets/DEMO-xpay-api-key")
            do {
                let second = try await DemoWorld.start(home: home, arrivalInterval: nil)
                await second.stop()
                Issue.record("a second demo started on a running demo's folder")
            } catch let error as PaydeskError {
                #expect(error.description.contains("another paydesk demo is running"), "\(error)")
            }
            #expect(bytes(first.paths.configFile) == config, "the running demo's config is untouched")
            #expect(bytes(home + "/secrets/DEMO-xpay-api-key") == secret, "and its secrets")
            let target = try #require(first.script.first { $0.gateway == "praxis" && $0.expected == .cancelled })
            #expect(try await cancel(first, target.profile, gateway: "praxis", target.target).result == .cancelled)
            await first.stop()
            await first.stop()   // twice is harmless
        }
        // Once stopped, the folder is free again.
        try await withWorld(home: home) { again in #expect(again.home == home) }
    }

    // MARK: Arrivals

    @Test func newSessionsArriveUntilStopped() async throws {
        let world = try await DemoWorld.start(home: nil, arrivalInterval: 0.2)
        defer { try? FileManager.default.removeItem(atPath: world.home) }
        do {
            let before = try Self.profiles.map { try sessionStore(world, $0).records.count }
            let deadline = Date().addingTimeInterval(10)
            var counts = before
            while zip(counts, before).contains(where: { $0 < $1 + 2 }), Date() < deadline {
                try await Task.sleep(nanoseconds: 50_000_000)
                counts = try Self.profiles.map { try sessionStore(world, $0).records.count }
            }
            #expect(zip(counts, before).allSatisfy { $0 >= $1 + 2 }, "\(before) -> \(counts)")
            // A new arrival is open, young, and known to the gateway.
            let store = try sessionStore(world, DemoWorld.testProfile)
            let newest = try #require(store.records.last)
            #expect(store.isActionable(newest, now: .now))
            #expect(Timestamp.now.milliseconds - newest.time.milliseconds < 5_000)
            #expect(try await cancel(world, DemoWorld.testProfile, gateway: "xpay", newest.key.text).result == .cancelled)
        } catch {
            await world.stop()
            throw error
        }
        await world.stop()
        let stopped = try Self.profiles.map { try sessionStore(world, $0).records.count }
        try await Task.sleep(nanoseconds: 700_000_000)
        #expect(try Self.profiles.map { try sessionStore(world, $0).records.count } == stopped, "nothing arrives after stop")
    }

    // MARK: The simulator's staged state

    @Test func aGatewayStateSetExplicitlySurvivesTheStoreGrowing() async throws {
        let dir = TemporaryDirectory()
        let now = Timestamp.now
        dir.write("payouts.jsonl", payoutLine(1) + "\n" + payoutLine(2) + "\n")
        dir.write("sessions.jsonl", sessionLine("a", createdSecondsAgo: 5, now: now) + "\n" + sessionLine("b", createdSecondsAgo: 5, now: now) + "\n")
        let state = SimulatorState(dataDirectory: dir.path)
        await state.addPayout(1, status: "approved")
        await state.addSession("a", createdAt: now + -5, state: "paid")
        #expect(await state.payoutStatus(1) == "approved")
        #expect(await state.payoutStatus(2) == "pending")
        #expect(await state.session("a")?.state == "paid")
        try StoreAppender.append([Array(payoutLine(3).utf8), Array(payoutLine(2, status: "approved").utf8)], to: dir.file("payouts.jsonl"))
        try StoreAppender.append([Array(sessionLine("c", createdSecondsAgo: 1, now: now).utf8),
                                  Array(sessionLine("b", createdSecondsAgo: 5, now: now, state: "paid").utf8)], to: dir.file("sessions.jsonl"))
        #expect(await state.payoutStatus(1) == "approved", "the store's pending line does not reset the gateway's own state")
        #expect(await state.payoutStatus(2) == "approved", "a record not set explicitly still follows the store")
        #expect(await state.payoutStatus(3) == "pending")
        #expect(await state.session("a")?.state == "paid")
        #expect(await state.session("b")?.state == "paid")
        #expect(await state.session("c")?.state == "open")
    }
}
}
