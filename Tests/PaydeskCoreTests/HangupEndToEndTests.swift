import CLibcExtras
import Foundation
import Testing

extension PaydeskTests {
/// The built binary on a pseudo-terminal that goes away without a SIGHUP: it is not the process's controlling
/// terminal (as for a console whose terminal program or multiplexer was killed, or where SIGHUP is ignored), so
/// nothing but the terminal itself says it is gone. The console must end, not poll a dead terminal forever.
@Suite struct HangupEndToEndTests {
    @Test func theConsoleEndsWhenItsTerminalHangsUp() async throws {
        let home = TemporaryDirectory("paydesk-hangup")
        let master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)
        try #require(master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0, "no pseudo-terminal: \(String(cString: strerror(errno)))")
        var masterOpen = true
        defer { if masterOpen { close(master) } }
        var size = winsize(ws_row: 30, ws_col: 100, ws_xpixel: 0, ws_ypixel: 0)
        #expect(ioctl(master, UInt(TIOCSWINSZ), &size) == 0)
        let terminal = String(cString: ptsname(master))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Not its controlling terminal (O_NOCTTY): closing the other end sends no SIGHUP.
        posix_spawn_file_actions_addopen(&actions, 0, terminal, O_RDWR | O_NOCTTY, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        posix_spawn_file_actions_addclose(&actions, master)   // or the child would keep the terminal alive itself
        let arguments = [paydeskBinary, "demo", "--home", home.path + "/demo", "--arrivals", "0"]
        let environment = ProcessInfo.processInfo.environment.filter { $0.key != "TERM" && $0.key != "LANG" }
            .map { "\($0.key)=\($0.value)" } + ["TERM=xterm-256color", "LANG=C.UTF-8"]
        let argv = arguments.map { strdup($0) } + [nil], envp = environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        // Signals as a shell would leave them: none blocked (test threads block some), none ignored.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        try #require(posix_spawn(&pid, paydeskBinary, &actions, &attributes, argv, envp) == 0)
        var reaped = false
        defer {
            if !reaped {
                kill(pid, SIGKILL)
                waitpid(pid, nil, 0)
            }
        }

        // The screen drawn: the payouts tab's title has come through the terminal.
        var output: [UInt8] = []
        let drawnBy = Date().addingTimeInterval(30)
        while Date() < drawnBy, !String(decoding: output, as: UTF8.self).contains("Praxis payouts") {
            var ready = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 200) > 0 else { continue }
            var bytes = [UInt8](repeating: 0, count: 4096)
            let count = read(master, &bytes, bytes.count)
            if count <= 0 { break }
            output += bytes[0..<count]
        }
        try #require(String(decoding: output, as: UTF8.self).contains("Praxis payouts"), "the console never drew its screen")

        close(master)
        masterOpen = false
        var status: Int32 = 0
        let endBy = Date().addingTimeInterval(20)
        while Date() < endBy, waitpid(pid, &status, WNOHANG) == 0 { try await Task.sleep(nanoseconds: 50_000_000) }
        if waitpid(pid, &status, WNOHANG) == 0 {
            let busy = cpuSeconds(pid).map { String(format: "%.1f s of CPU so far", $0) } ?? "its CPU time unknown"
            Issue.record("the console was still running 20 s after its terminal hung up (\(busy))")
            return
        }
        reaped = true
        #expect(status & 0x7f == 0 && (status >> 8) & 0xff == 143, "ended as on SIGHUP (143), wait status \(status)")
    }

    /// User and system time of a running process, from /proc.
    private func cpuSeconds(_ pid: pid_t) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
}
