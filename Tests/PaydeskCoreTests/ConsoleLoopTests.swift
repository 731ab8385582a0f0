import Foundation
import Testing
@testable import Console
@testable import GatewaySimulator
@testable import paydesk
@testable import PaydeskCore

/// Signals a test gives the loop, as the real process would get them.
final class ScriptedSignals: SignalSource, @unchecked Sendable {
    private let lock = NSLock()
    private var pending: SignalRequest?
    func raise(_ request: SignalRequest) { lock.withLock { pending = request } }
    func take() -> SignalRequest? { lock.withLock { defer { pending = nil }; return pending } }
}

extension PaydeskTests {
/// The console's loop itself, on a terminal in memory: the feed, the calls, signals and quitting, without tmux.
@Suite struct ConsoleLoopTests {
    /// Starts the loop on a thread of its own (as `paydesk console` does); returns its terminal and its exit status to come.
    private func start(_ home: SimulatedHome, signals: ScriptedSignals = ScriptedSignals()) throws
        -> (InMemoryTerminal, Task<Int32, Error>) {
        let paths = PaydeskPaths(configDirectory: home.dir.path, dataRoot: home.dir.path + "/data", home: home.dir.path)
        let config = try PaydeskConfig.load(paths: paths, environment: home.environment)
        let profile = try config.profile(named: "TEST")
        _ = try config.checkedDataDirectory(of: profile)
        let runner = ConsoleRunner(config: config, profile: profile, credentials: Credentials(environment: home.environment),
                                   environment: home.environment, theme: "monochrome", readOnly: false)
        let terminal = InMemoryTerminal(width: 110, height: 30)
        let theme = try runner.loadTheme("monochrome")
        let status = Task<Int32, Error> {
            try await withCheckedThrowingContinuation { continuation in
                Thread { continuation.resume(with: Result { try runner.run(on: terminal, theme: theme, signals: signals) }) }.start()
            }
        }
        return (terminal, status)
    }

    /// On the payouts tab: `c` on the row, no reason (TEST), and yes.
    private func confirmCancellingTheRow(_ terminal: InMemoryTerminal, sourceLocation: SourceLocation = #_sourceLocation) {
        terminal.type(.character("2"), .character("c"))
        #expect(terminal.waitForFrame { $0.contains("Reason:") }, sourceLocation: sourceLocation)
        terminal.type(.enter, .character("y"))
    }

    @Test func rowsAppendedToTheStoreAppearAndQQuits() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim)
            home.seed(payouts: [11, 12])
            let (terminal, status) = try start(home)
            #expect(terminal.waitForFrame { $0.contains("Praxis payouts (2)") })
            let wakes = terminal.wakeCount
            try Data((payoutLine(13) + "\n").utf8).append(toFile: home.dir.file("data/TEST/payouts.jsonl"))
            #expect(terminal.waitForFrame(seconds: 5) { $0.contains("Praxis payouts (3)") }, "an appended line is listed without a key")
            #expect(terminal.wakeCount > wakes, "the feed woke the loop when it read the line, rather than the loop finding it later")
            terminal.type(.character("q"))
            #expect(try await status.value == 0)
        }
    }

    @Test func yHandsTheIdToTheTerminalsClipboard() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim)
            home.seed(payouts: [11, 12])
            let (terminal, status) = try start(home)
            #expect(terminal.waitForFrame { $0.contains("Praxis payouts (2)") })
            terminal.type(.character("2"), .end, .character("y"))
            #expect(terminal.waitForFrame { $0.contains("copied 12") })
            #expect(terminal.copied == ["12"])
            terminal.type(.character("q"))
            #expect(try await status.value == 0)
        }
    }

    @Test func aTermSignalEndsTheLoopWith143() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim)
            let signals = ScriptedSignals()
            let (terminal, status) = try start(home, signals: signals)
            #expect(terminal.waitForFrame { $0.contains("Praxis payouts (0)") })
            signals.raise(.terminate)
            #expect(try await status.value == 143)
        }
    }

    /// A terminal that hangs up ends the loop as SIGHUP does, also where that signal never came (or was
    /// ignored): the call in flight is stopped and recorded, and the loop ends with 143 rather than waiting for
    /// keys that cannot come.
    @Test func aHungUpTerminalEndsTheLoopAsSIGHUPWould() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim)
            home.seed(payouts: [41])
            await sim.state.addPayout(41)
            await sim.state.setLatency(30_000, for: "41")
            let signals = ScriptedSignals()
            let (terminal, status) = try start(home, signals: signals)
            #expect(terminal.waitForFrame { $0.contains("Praxis payouts (1)") })
            confirmCancellingTheRow(terminal)
            // The request at the gateway: its intent is on record, and the gateway holds it 30 s.
            try await untilRequested(sim, "41")
            #expect(await sim.state.requestCount(for: "41") == 1)
            let started = Date()
            terminal.hangUp()
            // Were the hangup ignored, a TERM would end the loop after 20 s: the time below would say so.
            let backstop = Task {
                try await Task.sleep(nanoseconds: 20_000_000_000)
                signals.raise(.terminate)
            }
            defer { backstop.cancel() }
            #expect(try await status.value == 143)
            #expect(Date().timeIntervalSince(started) < 15, "the call was stopped, not waited for (the gateway takes 30 s)")
            let attempts = try await home.attempts()
            #expect(attempts.count == 1 && attempts.first?["result"] == .string("unknown"),
                    "the stopped call is on record as unknown (the gateway may have acted): \(attempts)")
        }
    }

    @Test func quittingWaitsForTheCallInFlightAndItsOutcomeIsWritten() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim)
            home.seed(payouts: [21])
            await sim.state.addPayout(21)
            await sim.state.setLatency(1500, for: "21")
            let (terminal, status) = try start(home)
            #expect(terminal.waitForFrame { $0.contains("Praxis payouts (1)") })
            confirmCancellingTheRow(terminal)
            #expect(terminal.waitForFrame { $0.contains("in-flight") })
            terminal.type(.character("q"))
            #expect(terminal.waitForFrame { $0.contains("in flight") && $0.contains("Quit") })
            terminal.type(.character("y"))
            #expect(terminal.waitForFrame { $0.contains("Quitting when") })
            #expect(try await status.value == 0)
            let attempts = try await home.attempts()
            #expect(attempts.first?["result"] == .string("cancelled"), "the answer was written before the loop ended")
            #expect(await sim.state.cancelCount(for: "21") == 1)
        }
    }

    @Test func theConsolesServiceReadsWhatWasAppendedBeforeItSends() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim)
            home.seed(payouts: [31, 32])
            await sim.state.addPayout(31)
            let directory = home.dir.file("data/TEST")
            let lookups = FollowedLookups(sessions: StoreFollower(path: directory + "/sessions.jsonl"),
                                          payouts: StoreFollower(path: directory + "/payouts.jsonl"), audit: AuditFollower(directory: directory))
            try lookups.payouts.catchUp()
            #expect(lookups.payouts.takeChange()?.opened.count == 2)
            // Another system approves 31 after the console read the store: the service must see it.
            try Data((payoutLine(31, status: "approved") + "\n").utf8).append(toFile: directory + "/payouts.jsonl")
            let service = CancellationService(profile: Profile(name: "TEST", production: false, xpayURL: sim.xpayURL,
                                                               praxisURL: sim.praxisURL),
                                              dataDirectory: directory, operatorName: "m.rossi", lookups: lookups)
            await #expect(throws: PaydeskError.self) {
                _ = try await service.cancel(PayoutKind.self, key: 31, reason: "r", gateway: sim.praxisClient())
            }
            #expect(await sim.state.requestCount(for: "31") == 0, "nothing was sent about a payout no longer pending")
            #expect(lookups.payouts.takeChange()?.closed == [31], "and the screen hears of it too")
            // 32 is still pending: cancelled through the followers, and the followers see the result.
            await sim.state.addPayout(32)
            let report = try await service.cancel(PayoutKind.self, key: 32, reason: "r", gateway: sim.praxisClient())
            #expect(report.outcome.result == .cancelled)
            #expect(try lookups.audit.entries(gateway: "praxis", target: "32").count == 2)
            try lookups.payouts.catchUp()
            #expect(lookups.payouts.takeChange()?.closed == [32])
        }
    }

    @Test func anUnknownAnswerIsCheckedByItselfAndSettled() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim, totalTimeout: 1.5, profileLines: "auto_check_seconds = 0.5")
            home.seed(payouts: [41])
            await sim.state.addPayout(41)
            await sim.state.setFault(.timeout, for: "41")   // cancels, then never answers
            let (terminal, status) = try start(home)
            #expect(terminal.waitForFrame { $0.contains("Praxis payouts (1)") })
            terminal.type(.character("2"), .character("c"))
            #expect(terminal.waitForFrame { $0.contains("Reason:") })
            terminal.type(.enter, .character("y"))
            #expect(terminal.waitForFrame { $0.contains("UNKNOWN") && $0.contains("checking with the gateway in 1 s") })
            #expect(terminal.waitForFrame { $0.contains("checked, CANCELLED") }, "the console asked by itself")
            #expect(terminal.waitForFrame { $0.contains("Praxis payouts (0)") }, "the store now says cancelled")
            terminal.type(.character("q"))
            #expect(try await status.value == 0)
            #expect(try await home.attempts().first?["result"] == .string("checked-cancelled"))
            #expect(await sim.state.cancelCount(for: "41") == 1)
            #expect(await sim.state.requestCount(for: "41") == 2, "one cancel, one check")
        }
    }

    @Test func vChecksARowInDoubtOnDemand() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim, totalTimeout: 1.5, profileLines: "auto_check_seconds = 0")
            home.seed(payouts: [42])
            await sim.state.addPayout(42)
            await sim.state.setFault(.lost, for: "42")   // never processed, never answered
            let (terminal, status) = try start(home)
            #expect(terminal.waitForFrame { $0.contains("Praxis payouts (1)") })
            terminal.type(.character("2"), .character("c"))
            #expect(terminal.waitForFrame { $0.contains("Reason:") })
            terminal.type(.enter, .character("y"))
            #expect(terminal.waitForFrame { $0.contains("UNKNOWN") && $0.contains("v check") }, "the key bar offers the check on a row in doubt")
            #expect(!(terminal.waitForFrame(seconds: 1) { $0.contains("checked,") }), "automatic checks are off")
            terminal.type(.character("v"))
            #expect(terminal.waitForFrame { $0.contains("checked, OPEN") })
            #expect(terminal.waitForFrame { $0.contains("pending") && !$0.contains("  UNKNOWN") && !$0.contains("v check") },
                    "open again: the store's word, and nothing left to check")
            terminal.type(.character("q"))
            #expect(try await status.value == 0)
            #expect(await sim.state.payoutStatus(42) == "pending")
        }
    }
}
}
