import ArgumentParser
import Foundation
import GatewaySimulator
import PaydeskCore

extension Bench {
    /// The one-shot commands as an operator runs them, the real `paydesk` binary next to this one: `list` (the
    /// people's table and --json, against jq) and `cancel` against the gateway simulator, on a large store and a
    /// tiny one.
    struct CommandLine: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cli", abstract: "Time paydesk list and paydesk cancel (the real binary) on a large store and a tiny one.")
        @Option(help: "Payout lines to generate (ignored with --store).") var lines = 1_000_000
        @Option(help: "An existing payouts.jsonl to copy instead.") var store: String?
        @Option(help: "Timed runs of each command.") var runs = 3

        func run() throws {
            let paydesk = URL(fileURLWithPath: Swift.CommandLine.arguments[0]).resolvingSymlinksInPath()
                .deletingLastPathComponent().appendingPathComponent("paydesk").path
            guard FileManager.default.isExecutableFile(atPath: paydesk) else {
                throw ValidationError("no paydesk binary next to paydesk-bench (\(paydesk)): build both, swift build -c release")
            }
            let home = FileManager.default.temporaryDirectory.appendingPathComponent("paydesk-bench-cli-\(getpid())").path
            defer { try? FileManager.default.removeItem(atPath: home) }
            for profile in ["BIG", "SMALL"] {
                try FileManager.default.createDirectory(atPath: "\(home)/data/\(profile)", withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            }
            chmod(home, 0o700)
            chmod(home + "/data", 0o700)
            let big = "\(home)/data/BIG/payouts.jsonl"
            if let store { try FileManager.default.copyItem(atPath: store, toPath: big) } else { try StoreGenerator(seed: 42).writePayouts(lines: lines, to: big) }
            try StoreGenerator(seed: 7).writePayouts(lines: 10, to: "\(home)/data/SMALL/payouts.jsonl")
            settleWrites()

            // The simulator, in this process: it knows every payout we will cancel as pending.
            let credentials = GatewaySimulator.Credentials(xpayAPIKey: Secret("bench-xpay-key"), praxisMerchantId: "bench-merchant",
                                                           praxisApplicationKey: "bench-app", praxisSecret: Secret("bench-praxis-secret"))
            let state = SimulatorState()
            let simulator = try blocking { try await GatewaySimulator.start(credentials: credentials, state: state) }
            defer { _ = try? blocking { await simulator.stop() } }
            let keyFile = home + "/xpay.key"
            try "bench-xpay-key\n".write(toFile: keyFile, atomically: true, encoding: .utf8)
            chmod(keyFile, 0o600)
            var config = "default_profile = \"SMALL\"\n"
            for profile in ["BIG", "SMALL"] {
                config += """
                    [profiles.\(profile)]
                    xpay_url = "\(simulator.xpayURL)"
                    praxis_url = "\(simulator.praxisURL)"
                    xpay_api_key_file = "\(keyFile)"
                    praxis_merchant_id = "bench-merchant"
                    praxis_application_key = "bench-app"
                    praxis_secret_env = "PAYDESK_BENCH_SECRET"

                    """
            }
            try config.write(toFile: home + "/config.toml", atomically: true, encoding: .utf8)
            chmod(home + "/config.toml", 0o600)
            let environment = ["PAYDESK_BENCH_SECRET": "bench-praxis-secret", "USER": "bench", "PATH": "/usr/bin:/bin"]

            // Targets: pending payouts from the start of the big file (the search reads all of it backwards) and its end.
            let (pending, bigLines) = try { () throws -> ([Int64], Int) in
                let store = try StoreSnapshot<PayoutKind>.load(path: big)
                return (store.records.filter { store.isActionable($0, now: .now) }.map(\.key), store.lineCount)
            }()
            let smallStore = try StoreSnapshot<PayoutKind>.load(path: "\(home)/data/SMALL/payouts.jsonl")
            let smallPending = smallStore.records.filter { smallStore.isActionable($0, now: .now) }.map(\.key)
            guard pending.count > 2 * runs, smallPending.count >= runs else { throw ValidationError("not enough pending payouts to cancel") }
            // (The tiny store's trace ids are the big one's first ten: the oldest targets start after them.)
            let oldest = Array(pending.dropFirst(20).prefix(runs)), newest = Array(pending.suffix(runs)), small = Array(smallPending.prefix(runs))
            for trace in oldest + newest + small { try blocking { await state.addPayout(trace) } }
            print("store: \(bigLines) lines, \(pending.count) pending; simulator at \(simulator.praxisURL)")

            var times: [String: [Measured]] = [:]
            for k in 0..<runs {
                times["cancel, 10-line store", default: []].append(try measuredRun(paydesk, ["cancel", "payout", String(small[k]), "--yes",
                                                                                          "--profile", "SMALL", "--home", home], environment))
                times["cancel, large store, a recent payout", default: []].append(try measuredRun(paydesk, ["cancel", "payout", String(newest[k]), "--yes",
                                                                                          "--profile", "BIG", "--home", home], environment))
                times["cancel, large store, the oldest payouts", default: []].append(try measuredRun(paydesk, ["cancel", "payout", String(oldest[k]), "--yes",
                                                                                          "--profile", "BIG", "--home", home], environment))
                times["list payouts --json", default: []].append(try measuredRun(paydesk, ["list", "payouts", "--json", "--profile", "BIG", "--home", home],
                                                                               environment))
                times["list payouts (the people's table)", default: []].append(try measuredRun(paydesk, ["list", "payouts", "--profile", "BIG", "--home", home],
                                                                                             environment))
                if let jq = timeJQ(big) { times["jq -c 'select(.status==\"pending\")'", default: []].append(Measured(seconds: jq, peakMegabytes: 0, status: 0)) }
            }
            for (what, values) in times.sorted(by: { $0.key < $1.key }) {
                let sorted = values.map(\.seconds).sorted()
                let failed = values.filter { $0.status != 0 }.count
                print(String(format: "%@:  median %7.0f ms, best %7.0f ms, peak %4d MB%@", what, sorted[sorted.count / 2] * 1000, sorted[0] * 1000,
                             values.map(\.peakMegabytes).max() ?? 0, failed > 0 ? " (\(failed) runs FAILED)" : ""))
                if let failure = values.first(where: { $0.status != 0 }) { print("  first failure: exit \(failure.status) \(failure.error)") }
            }
        }
    }
}

struct Measured {
    let seconds: Double
    let peakMegabytes: Int
    let status: Int32
    var error = ""
}

/// Runs a process with its output to /dev/null; its wall time, peak memory and exit status. The peak comes from
/// GNU time when it is installed (wait4's own figure would count this process's memory: a spawned child shares
/// it until exec), else it is 0.
func measuredRun(_ path: String, _ arguments: [String], _ environment: [String: String]) throws -> Measured {
    let gnuTime = "/usr/bin/time"
    let timed = FileManager.default.isExecutableFile(atPath: gnuTime)
    let report = FileManager.default.temporaryDirectory.appendingPathComponent("paydesk-bench-time-\(getpid())").path
    defer { unlink(report) }
    let errors = report + ".stderr"
    defer { unlink(errors) }
    let run = try spawn(timed ? gnuTime : path, timed ? ["-f", "%M", "-o", report, path] + arguments : arguments, environment, stderr: errors)
    let kilobytes = (try? String(contentsOfFile: report, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
    return Measured(seconds: run.seconds, peakMegabytes: kilobytes / 1024, status: run.status,
                    error: run.status == 0 ? "" : (try? String(contentsOfFile: errors, encoding: .utf8)) ?? "")
}

private func spawn(_ path: String, _ arguments: [String], _ environment: [String: String], stderr: String) throws -> Measured {
    var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (argv + envp).forEach { free($0) } }
    var pid: pid_t = 0
    let start = now()
    guard posix_spawn(&pid, path, &actions, nil, argv, envp) == 0 else { throw ValidationError("cannot start \(path)") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0, errno == EINTR {}
    return Measured(seconds: now() - start, peakMegabytes: 0, status: (status >> 8) & 0xFF)
}

/// Waits for async work from this synchronous command (the work runs on Swift's pool; this thread only waits).
@discardableResult
func blocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let box = BlockingResult<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { box.result = .success(try await work()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

private final class BlockingResult<T>: @unchecked Sendable {
    var result: Result<T, Error>?
}
