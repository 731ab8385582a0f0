import Foundation
import Testing

/// A real terminal for end-to-end tests: a private tmux server with no user config, one window. Keys go in with
/// `send-keys`, the screen comes out with `capture-pane`; waits poll for text, never sleep a fixed time.
final class TmuxTerminal: @unchecked Sendable {
    let socket: String
    /// Every screen the waits read, for checks over the whole run (no secret ever shown).
    private(set) var captured: [String] = []
    private let folder: TemporaryDirectory

    /// Starts `command` (run by sh) in a `width`x`height` window. Its exit status is written to `exit-status`.
    init(_ command: String, width: Int = 100, height: Int = 30) throws {
        folder = TemporaryDirectory("paydesk-tmux")
        socket = folder.file("tmux.sock")
        let wrapped = "\(command); echo \"exited with $?\" > \(folder.file("exit-status")); echo; echo \"paydesk exited\"; sleep 600"
        // The server this starts keeps whatever it inherits open: it gets a file, never our pipe, or reading
        // the pipe to its end would wait for the server to exit.
        let result = try Self.tmux(["-S", socket, "-f", "/dev/null", "new-session", "-d", "-x", String(width), "-y", String(height),
                                    "-e", "LANG=C.UTF-8", "sh", "-c", wrapped], outputFile: folder.file("tmux-start.log"))
        guard result.status == 0 else {
            throw TmuxError("tmux could not start (\(result.output)); install it: sudo apt-get install -y tmux")
        }
    }

    struct TmuxError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Runs tmux and waits for it. posix_spawn and waitpid, not Foundation's Process: the client that starts a
    /// server was left a zombie by Process (never reaped, so waitUntilExit never returned).
    @discardableResult
    static func tmux(_ arguments: [String], outputFile: String) throws -> (status: Int32, output: String) {
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputFile, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = (["tmux"] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, "tmux", &actions, nil, argv, environ)
        guard spawned == 0 else { throw TmuxError("cannot run tmux (\(String(cString: strerror(spawned)))); install it: sudo apt-get install -y tmux") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
        unlink(outputFile)
        let exited = status & 0x7f == 0
        return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), output)
    }

    private func run(_ arguments: [String]) throws -> String {
        let result = try Self.tmux(["-S", socket] + arguments, outputFile: folder.file("tmux.out"))
        guard result.status == 0 else { throw TmuxError("tmux \(arguments.joined(separator: " ")): \(result.output)") }
        return result.output
    }

    /// Named keys: `Enter`, `Escape`, `BSpace`, `Down`, `C-c`, or single characters.
    func press(_ keys: String...) throws { _ = try run(["send-keys", "-t", "0"] + keys) }

    /// Text typed as it is.
    func type(_ text: String) throws { _ = try run(["send-keys", "-t", "0", "-l", text]) }

    /// Bytes as the terminal would send them (a mouse report, say), exactly.
    func send(bytes: [UInt8]) throws { _ = try run(["send-keys", "-t", "0", "-H"] + bytes.map { String($0, radix: 16) }) }

    /// A tmux format about the pane (`#{mouse_any_flag}`).
    func format(_ format: String) -> String {
        ((try? run(["display-message", "-p", "-t", "0", format])) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func setOption(_ name: String, _ value: String) throws { _ = try run(["set-option", "-g", name, value]) }

    /// tmux's newest paste buffer, or nil when there is none.
    var pasteBuffer: String? { try? run(["show-buffer"]) }

    var screen: String { (try? run(["capture-pane", "-p", "-t", "0"])) ?? "" }

    func resize(width: Int, height: Int) throws {
        _ = try run(["resize-window", "-t", "0", "-x", String(width), "-y", String(height)])
    }

    /// Whether the program in the pane still has the alternate screen (curses) on.
    var alternateScreenOn: Bool { (try? run(["display-message", "-p", "-t", "0", "#{alternate_on}"]))?.hasPrefix("1") ?? false }

    var exitStatus: String? { try? String(contentsOfFile: folder.file("exit-status"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) }

    /// Waits until the screen satisfies `condition`; fails the test with the screen as it was if it never does.
    /// Async, so a failure is recorded against the test that waits.
    @discardableResult
    func waitFor(_ what: String, timeout: Double = 20, sourceLocation: SourceLocation = #_sourceLocation,
                 _ condition: (String) -> Bool) async -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = screen
            captured.append(last)
            if condition(last) { return last }
            try? await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("waited \(Int(timeout)) s for \(what); the screen was:\n\(last)", sourceLocation: sourceLocation)
        return nil
    }

    @discardableResult
    func waitFor(_ text: String, timeout: Double = 20, sourceLocation: SourceLocation = #_sourceLocation) async -> String? {
        await waitFor("\"\(text)\"", timeout: timeout, sourceLocation: sourceLocation) { $0.contains(text) }
    }

    func stop() { _ = try? run(["kill-server"]) }

    deinit { stop() }
}
