import ArgumentParser
import Foundation

extension Bench {
    /// The real binary in a real terminal (tmux): start until the first rows and until every row is read, a
    /// key's answer as tmux shows it, idle CPU and memory. The end-to-end check of what `console` measures inside.
    struct TerminalRun: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "terminal", abstract: "Time paydesk's console (the real binary) in tmux on a large payouts store.")
        @Option(help: "Payout lines to generate (ignored with --store).") var lines = 1_000_000
        @Option(help: "An existing payouts.jsonl to copy instead.") var store: String?
        @Option(help: "Seconds to watch the console idle.") var idleSeconds = 10

        func run() throws {
            let paydesk = URL(fileURLWithPath: Swift.CommandLine.arguments[0]).resolvingSymlinksInPath()
                .deletingLastPathComponent().appendingPathComponent("paydesk").path
            let home = FileManager.default.temporaryDirectory.appendingPathComponent("paydesk-bench-tmux-\(getpid())").path
            try FileManager.default.createDirectory(atPath: home + "/data/TEST", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            chmod(home, 0o700)
            chmod(home + "/data", 0o700)
            defer { try? FileManager.default.removeItem(atPath: home) }
            let path = home + "/data/TEST/payouts.jsonl"
            if let store { try FileManager.default.copyItem(atPath: store, toPath: path) } else { try StoreGenerator(seed: 42).writePayouts(lines: lines, to: path) }
            settleWrites()
            try "[profiles.TEST]\nxpay_url = \"http://127.0.0.1:1/x\"\npraxis_url = \"http://127.0.0.1:1\"\n"
                .write(toFile: home + "/config.toml", atomically: true, encoding: .utf8)
            chmod(home + "/config.toml", 0o600)

            let socket = home + "/tmux.sock"
            func tmux(_ arguments: [String]) -> String {
                let out = home + "/tmux.out"
                _ = try? measuredRunCapturing("/usr/bin/tmux", ["-S", socket, "-f", "/dev/null"] + arguments, output: out)
                defer { unlink(out) }
                return (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            }
            func screen() -> String { tmux(["capture-pane", "-p"]) }
            func waitFor(_ seconds: Double = 60, _ check: (String) -> Bool) -> Double? {
                let start = now()
                while now() - start < seconds {
                    if check(screen()) { return now() - start }
                    // Each look starts a tmux client: looking every 5 ms took a third of a core from the console
                    // it measures, on two cores. 25 ms is the figures' resolution.
                    Thread.sleep(forTimeInterval: 0.025)
                }
                return nil
            }
            guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else { throw ValidationError("needs tmux: apt-get install tmux") }
            let started = now()
            _ = tmux(["new-session", "-d", "-x", "120", "-y", "40", "-e", "LANG=C.UTF-8", paydesk, "--home", home, "--profile", "TEST"])
            defer { _ = tmux(["kill-server"]) }
            _ = waitFor { $0.contains("Praxis payouts") }
            _ = tmux(["send-keys", "2"])
            let firstRows = waitFor { $0.split(separator: "\n").contains { $0.hasPrefix(">") } }.map { _ in now() - started }
            let allRead = waitFor { $0.contains("Praxis payouts (") && !$0.contains("loading") }.map { _ in now() - started }
            print(String(format: "start until the first payout rows are on screen:  %6.0f ms", (firstRows ?? .nan) * 1000))
            print(String(format: "start until every row is read and counted:        %6.0f ms", (allRead ?? .nan) * 1000))

            // A key's answer as the terminal shows it (tmux's own round trip included).
            var keys: [Double] = []
            for i in 0..<20 {
                let before = screen().split(separator: "\n").firstIndex { $0.hasPrefix(">") }
                let start = now()
                _ = tmux(["send-keys", i % 2 == 0 ? "Down" : "Up"])
                if waitFor(5, { $0.split(separator: "\n").firstIndex { $0.hasPrefix(">") } != before }) != nil { keys.append(now() - start) }
            }
            keys.sort()
            if !keys.isEmpty { print(String(format: "Down/Up until tmux shows the cursor moved, median: %6.1f ms (tmux's round trip included)", keys[keys.count / 2] * 1000)) }

            let pid = tmux(["list-panes", "-F", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
            func cpuTicks() -> Int {
                guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                      let close = stat.lastIndex(of: ")") else { return 0 }
                let fields = stat[stat.index(after: close)...].split(separator: " ")
                return (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0)   // utime, stime
            }
            Thread.sleep(forTimeInterval: 2)
            let ticks = cpuTicks(), idleStart = now()
            Thread.sleep(forTimeInterval: Double(idleSeconds))
            let used = Double(cpuTicks() - ticks) / Double(sysconf(Int32(_SC_CLK_TCK)))
            print(String(format: "idle for %d s: %.2f%% of a core", idleSeconds, used / (now() - idleStart) * 100))
            if let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
               let peak = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM") }) {
                print("peak memory: \(peak.split(separator: " ", omittingEmptySubsequences: true).dropFirst().joined(separator: " "))")
            }
        }
    }
}

/// Runs a process with its standard output (and errors) to `output`.
func measuredRunCapturing(_ path: String, _ arguments: [String], output: String) throws -> Int32 {
    var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else { throw ValidationError("cannot start \(path)") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0, errno == EINTR {}
    return (status >> 8) & 0xFF
}
