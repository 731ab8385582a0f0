import Foundation
import Testing
@testable import GatewaySimulator
@testable import Gateways
@testable import PaydeskCore

/// A paydesk home whose TEST and PROD profiles point at a running simulator.
struct SimulatedHome {
    let dir = TemporaryDirectory("paydesk-sim-home")
    /// The Praxis secret reaches paydesk through the environment; the XPay key through a file.
    var environment = ["PAYDESK_SECRET_FOR_TESTS": TestCredentials.praxisSecret, "USER": "m.rossi"]

    /// The default timeout is generous: a loaded CI machine must not turn a slow answer into "unknown".
    /// `profileLines`: more settings for both profiles (`auto_check_seconds = 0.5`).
    init(_ sim: GatewaySimulator, totalTimeout: Double = 10, profileLines: String = "") {
        let keyFile = dir.write("xpay.key", TestCredentials.xpayKey + "\n", mode: 0o600)
        var config = ""
        for (name, production) in [("TEST", false), ("PROD", true)] {
            config += """
                [profiles.\(name)]
                production = \(production)
                xpay_url = "\(sim.xpayURL)"
                praxis_url = "\(sim.praxisURL)"
                xpay_api_key_file = "\(keyFile)"
                praxis_merchant_id = "\(TestCredentials.merchant)"
                praxis_application_key = "\(TestCredentials.application)"
                praxis_secret_env = "PAYDESK_SECRET_FOR_TESTS"
                connect_timeout = \(totalTimeout)
                total_timeout = \(totalTimeout)
                \(profileLines)

                """
        }
        dir.write("config.toml", config, mode: 0o600)
    }

    func seed(profile: String = "TEST", payouts: [Int64] = [], sessions: [String] = []) {
        if !payouts.isEmpty { dir.write("data/\(profile)/payouts.jsonl", payouts.map { payoutLine($0) }.joined(separator: "\n") + "\n") }
        if !sessions.isEmpty {
            dir.write("data/\(profile)/sessions.jsonl", sessions.map { sessionLine($0, createdSecondsAgo: 5, now: .now) }.joined(separator: "\n") + "\n")
        }
    }

    /// Runs paydesk on a thread of its own: blocking the test's concurrency threads would starve the
    /// in-process simulator that paydesk is calling.
    func paydesk(_ arguments: [String], stdin: String = "") async throws -> CommandResult {
        let arguments = arguments + ["--home", dir.path]
        let environment = environment
        return try await runPaydesk(arguments, environment: environment, stdin: stdin)
    }

    func attempts(profile: String = "TEST") async throws -> [JSONValue] {
        try await paydesk(["history", "--json", "--profile", profile]).stdout.split(separator: "\n").map { try JSONValue.parse(String($0)) }
    }

    /// Starts `paydesk cancel payout TRACE` and returns once its request is at the gateway (so its intent is
    /// written): the moment to kill or interrupt it.
    func cancelReachingTheGateway(_ trace: Int64, _ sim: GatewaySimulator) async throws -> Process {
        let process = try start(["cancel", "payout", String(trace), "--yes"])
        try await untilRequested(sim, String(trace))
        return process
    }

    /// Starts `paydesk` in the background, for tests that kill it or race it.
    func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: paydeskBinary)
        process.arguments = arguments + ["--home", dir.path]
        process.environment = environment.merging(["PATH": "/usr/bin:/bin", "HOME": "/nonexistent"]) { a, _ in a }
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        process.standardInput = Pipe()
        try process.run()
        return process
    }
}

/// Backgrounds simulators for the whole test, not inside a closure: the processes we start outlive an await.
extension PaydeskTests {
@Suite struct CancelCommandTests {
    @Test func cancelsAPayoutAndASessionAndExitsByResult() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim, totalTimeout: 3)
            home.seed(payouts: [752856, 752857, 752858], sessions: ["xs-1"])
            await sim.state.addPayout(752856)
            await sim.state.addPayout(752857, status: "approved")
            await sim.state.addPayout(752858)
            await sim.state.setFault(.timeout, for: "752858")
            await sim.state.addSession("xs-1", createdAt: .now)

            let ok = try await home.paydesk(["cancel", "payout", "752856", "--yes", "--reason", "customer called"])
            #expect(ok.status == 0, "\(ok.stderr)")
            #expect(ok.stdout.contains("CANCELLED"))
            #expect(ok.stdout.contains("Transaction canceled successfully: order_id=752856"))
            #expect(ok.stdout.contains("HTTP 200"))

            let rejected = try await home.paydesk(["cancel", "payout", "752857", "--yes"])
            #expect(rejected.status == 1)
            #expect(rejected.stdout.contains("REJECTED"))

            let unknown = try await home.paydesk(["cancel", "payout", "752858", "--yes", "--json"])
            #expect(unknown.status == 3)
            #expect(try JSONValue.parse(unknown.stdout.trimmingCharacters(in: .newlines))["result"] == .string("unknown"))

            let session = try await home.paydesk(["cancel", "session", "xs-1", "--yes", "--json"])
            #expect(session.status == 0)
            let json = try JSONValue.parse(session.stdout.trimmingCharacters(in: .newlines))
            #expect(json["correlation_id"].map { if case .string(let c) = $0 { SimulatorHandlers.isUUIDv4(c) } else { false } } == true)

            let history = try await home.attempts()
            #expect(history.count == 4)
            #expect(history.map { $0["result"] } == [.string("cancelled"), .string("unknown"), .string("rejected"), .string("cancelled")])
            #expect(history.last?["reason"] == .string("customer called"))
            #expect(history.last?["operator"] == .string(Origin.account()), "the system's account, whatever $USER says")
            #expect(try await home.paydesk(["audit", "verify"]).status == 0)
            // The people's history: money as money, and the instruction before the gateway's words (a table cut to a
            // terminal keeps it).
            let table = try await home.paydesk(["history"]).stdout
            let unknownLine = table.split(separator: "\n").first { $0.contains("752858") }.map(String.init) ?? ""
            #expect(unknownLine.contains("12.50 EUR") && unknownLine.contains("UNKNOWN"), "\(table)")
            let instruction = unknownLine.range(of: "check with the gateway before retrying")
            let gatewayWords = unknownLine.range(of: "no complete answer")
            #expect(instruction != nil && gatewayWords != nil && instruction!.lowerBound < gatewayWords!.lowerBound, "\(unknownLine)")
            let pending = try await home.paydesk(["list", "payouts", "--json"]).stdout
            #expect(!pending.contains("752856"), "the cancelled payout left the pending list")
        }
    }

    @Test func dryRunShowsTheRequestWithSecretsMaskedAndSendsNothing() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim)
            home.seed(payouts: [1], sessions: ["xs-1"])
            let praxis = try await home.paydesk(["cancel", "payout", "1", "--dry-run"])
            #expect(praxis.status == 0)
            #expect(praxis.stdout.contains("POST \(sim.praxisURL)/api/payout-cancel"))
            #expect(praxis.stdout.contains(#""signature":"********""#))
            #expect(praxis.stdout.contains(#""merchant_id":"Test-Integration-Merchant""#))
            let xpay = try await home.paydesk(["cancel", "session", "xs-1", "--dry-run", "--json"])
            #expect(xpay.stdout.contains(#""X-Api-Key":"********""#))
            #expect(xpay.stdout.contains("Correlation-Id"))
            for output in [praxis.stdout, praxis.stderr, xpay.stdout, xpay.stderr] {
                #expect(!output.contains(TestCredentials.xpayKey))
                #expect(!output.contains(TestCredentials.praxisSecret))
            }
            #expect(await sim.state.totalRequests == 0)
            #expect(!FileManager.default.fileExists(atPath: home.dir.file("data/TEST/audit.jsonl")))
        }
    }

    @Test func withoutATerminalItWantsYes() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim)
            home.seed(payouts: [1])
            await sim.state.addPayout(1)
            let refused = try await home.paydesk(["cancel", "payout", "1"])
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("--yes"))
            #expect(await sim.state.totalRequests == 0)
        }
    }

    @Test func productionWantsTheTargetRepeated() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim)
            home.seed(profile: "PROD", payouts: [7])
            await sim.state.addPayout(7)
            let yesOnly = try await home.paydesk(["cancel", "payout", "7", "--profile", "PROD", "--yes"])
            #expect(yesOnly.status == 2)
            #expect(yesOnly.stderr.contains("--confirm 7"))
            let wrong = try await home.paydesk(["cancel", "payout", "7", "--profile", "PROD", "--confirm", "8"])
            #expect(wrong.status == 2)
            #expect(await sim.state.totalRequests == 0)
            let right = try await home.paydesk(["cancel", "payout", "7", "--profile", "PROD", "--confirm", "7", "--reason", "customer called"])
            #expect(right.status == 0, "\(right.stderr)")
            #expect(right.stdout.contains("PROD (PRODUCTION)"))
            #expect(try await home.attempts(profile: "TEST").isEmpty, "PROD's attempt is not in TEST's trail")
        }
    }

    @Test func twoProcessesCannotCancelTheSameTargetTwice() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim)
            home.seed(payouts: [5])
            await sim.state.addPayout(5)
            await sim.state.setLatency(700, for: "5")
            let racers = try (0..<2).map { _ in try home.start(["cancel", "payout", "5", "--yes"]) }
            for racer in racers { try await racer.exited() }
            #expect(racers.map(\.terminationStatus).sorted() == [0, 1])
            #expect(await sim.state.cancelCount(for: "5") == 1, "only one cancellation reached the gateway")
            let history = try await home.attempts()
            #expect(history.count == 1)
        }
    }

    @Test func aProcessKilledMidCallLeavesAnAttemptInDoubtThatBlocksARetry() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim, totalTimeout: 20)
            home.seed(payouts: [9])
            await sim.state.addPayout(9)
            await sim.state.setLatency(10_000, for: "9")
            let victim = try await home.cancelReachingTheGateway(9, sim)
            kill(victim.processIdentifier, SIGKILL)
            try await victim.exited()

            let history = try await home.attempts()
            #expect(history.count == 1)
            #expect(history.first?["result"] == .string("in-doubt"))
            #expect(history.first?["needs_checking"] == .bool(true))
            let table = try await home.paydesk(["history"])
            #expect(table.stdout.contains("IN-DOUBT"))

            await sim.state.setLatency(0, for: "9")
            let blocked = try await home.paydesk(["cancel", "payout", "9", "--yes"])
            #expect(blocked.status == 1)
            #expect(blocked.stderr.contains("is IN-DOUBT"), "the word history and the console use")
            #expect(await sim.state.requestCount(for: "9") == 1)
            let retried = try await home.paydesk(["cancel", "payout", "9", "--yes", "--retry-unknown"])
            #expect(retried.status == 0, "\(retried.stderr)")
        }
    }

    @Test func anInterruptedCallIsRecordedAsUnknown() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim, totalTimeout: 20)
            home.seed(payouts: [11])
            await sim.state.addPayout(11)
            await sim.state.setLatency(10_000, for: "11")
            let process = try await home.cancelReachingTheGateway(11, sim)
            kill(process.processIdentifier, SIGINT)
            try await process.exited()
            #expect(process.terminationStatus == 3)
            #expect(try await home.attempts().first?["result"] == .string("unknown"))
        }
    }

    @Test func missingCredentialsAreAConfigErrorAndSendNothing() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim)
            home.seed(payouts: [1])
            await sim.state.addPayout(1)
            let path = home.dir.path
            let result = try await runPaydesk(["cancel", "payout", "1", "--yes", "--home", path], environment: ["USER": "x"])
            #expect(result.status == 2)
            #expect(result.stderr.contains("PAYDESK_SECRET_FOR_TESTS"))
            #expect(await sim.state.totalRequests == 0)
        }
    }
}
}

extension PaydeskTests {
@Suite struct HistoryAndVerifyCommandTests {
    @Test func historyFiltersAndAuditVerifyNamesATamperedLine() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim)
            home.seed(payouts: [1, 2, 3])
            await sim.state.addPayout(1)
            await sim.state.addPayout(3, status: "approved")
            _ = try await home.paydesk(["cancel", "payout", "1", "--yes", "--reason", "first"])
            _ = try await home.paydesk(["cancel", "payout", "2", "--yes"])   // not known to the simulator: rejected
            _ = try await home.paydesk(["cancel", "payout", "3", "--yes"])

            let rejected = try await home.paydesk(["history", "--result", "rejected", "--json"])
            #expect(rejected.stdout.split(separator: "\n").count == 2)
            let one = try await home.paydesk(["history", "--target", "1", "--json"])
            #expect(try JSONValue.parse(one.stdout.trimmingCharacters(in: .newlines))["reason"] == .string("first"))
            #expect(try await home.paydesk(["history", "--limit", "1", "--json"]).stdout.split(separator: "\n").count == 1)
            #expect(try await home.paydesk(["history", "--since", "2999-01-01", "--json"]).stdout.isEmpty)
            #expect(try await home.paydesk(["history", "--since", "yesterday"]).status == 2)
            #expect(try await home.paydesk(["history", "--result", "maybe"]).status == 2)

            #expect(try await home.paydesk(["audit", "verify"]).stdout.contains("whole, 6 entries"))
            let audit = home.dir.file("data/TEST/audit.jsonl")
            let text = try String(contentsOfFile: audit, encoding: .utf8)
            try text.replacingOccurrences(of: "\"reason\":\"first\"", with: "\"reason\":\"other\"").write(toFile: audit, atomically: false, encoding: .utf8)
            let broken = try await home.paydesk(["audit", "verify"])
            #expect(broken.status == 1)
            #expect(broken.stdout.contains("audit.jsonl:2:"))
            let json = try await home.paydesk(["audit", "verify", "--json"])
            #expect(try JSONValue.parse(json.stdout.trimmingCharacters(in: .newlines))["broken_line"] == .number("2"))
        }
    }
}
}

/// Returns once a request about `target` is at the simulated gateway (its intent is then on record), or after 10 s.
func untilRequested(_ sim: GatewaySimulator, _ target: String) async throws {
    let deadline = Date().addingTimeInterval(10)
    while await sim.state.requestCount(for: target) == 0, Date() < deadline { try await Task.sleep(nanoseconds: 10_000_000) }
}
