import Foundation
import Testing
@testable import PaydeskCore

/// A fresh folder under /tmp, removed when the value is dropped.
final class TemporaryDirectory: @unchecked Sendable {
    let path: String

    init(_ label: String = "paydesk-test") {
        let template = NSTemporaryDirectory() + "\(label)-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard mkdtemp(&bytes) != nil else { fatalError("mkdtemp failed: \(String(cString: strerror(errno)))") }
        path = String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    @discardableResult
    func write(_ name: String, _ text: String, mode: Int = 0o600) -> String {
        let p = file(name)
        try? FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: p, contents: Data(text.utf8)) else { fatalError("cannot write \(p)") }
        chmod(p, mode_t(mode))
        return p
    }

    func read(_ name: String) -> String {
        (try? String(contentsOfFile: file(name), encoding: .utf8)) ?? ""
    }
}

/// The result of running the built `paydesk` binary.
struct CommandResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// The `paydesk` executable that `swift build` put beside the test bundle.
let paydeskBinary: String = {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("paydesk").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    fatalError("the paydesk binary is not beside the test bundle (\(CommandLine.arguments[0])); run the tests with swift test")
}()

/// Runs `paydesk` with `arguments` and only the given environment (plus PATH), no terminal, empty stdin.
/// It waits on a thread of its own: a blocked concurrency thread could starve a simulator another test runs.
/// `launcher`, when given, is the command that runs the binary (`runuser -u USER --`), as another account.
func runPaydesk(_ arguments: [String], environment: [String: String] = [:], stdin: String = "",
                launcher: [String] = []) async throws -> CommandResult {
    try await offThePool { try runPaydeskBlocking(launcher + [paydeskBinary] + arguments, environment: environment, stdin: stdin) }
}

/// Runs blocking work on a new thread and waits for it without holding a concurrency thread.
func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}

/// Runs `command` (the binary, or a launcher that runs it, first).
private func runPaydeskBlocking(_ command: [String], environment: [String: String] = [:], stdin: String = "") throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: command[0])
    process.arguments = Array(command.dropFirst())
    var env = environment
    env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    env["HOME"] = env["HOME"] ?? "/nonexistent-home"
    process.environment = env
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    input.fileHandleForWriting.write(Data(stdin.utf8))
    try input.fileHandleForWriting.close()
    // Read both pipes to the end before waiting, so a full pipe cannot stall the child.
    let group = DispatchGroup()
    nonisolated(unsafe) var outData = Data(), errData = Data()
    group.enter()
    DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    errData = err.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus,
                         stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
}

/// A payout line as other systems write it.
func payoutLine(_ trace: Int64, status: String? = nil, at: String = "2026-11-21T09:00:00Z", extra: String = "") -> String {
    var s = #"{"trace_id":\#(trace),"requested_at":"\#(at)","order_id":"O-\#(trace)","amount":1250,"currency":"EUR","customer_id":"C-1","payment_method":"visa""#
    if let status { s += #","status":"\#(status)""# }
    return s + extra + "}"
}

/// A session line created `secondsAgo` before `now`.
func sessionLine(_ id: String, createdSecondsAgo: Int64, now: Timestamp, state: String? = nil, extra: String = "") -> String {
    let created = Timestamp(milliseconds: now.milliseconds - createdSecondsAgo * 1000)
    var s = #"{"session_id":"\#(id)","created_at":"\#(created.rfc3339)","amount":990,"currency":"EUR""#
    if let state { s += #","state":"\#(state)""# }
    return s + extra + "}"
}

/// How many of this process's descriptors are open on `path` (Linux's /proc): lets a test wait until another
/// thread really has a file open, instead of sleeping and hoping.
func openDescriptors(to path: String) -> Int {
    let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    return fds.filter { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0)) == path }.count
}

extension Process {
    /// Waits for the process to end without holding a concurrency thread.
    func exited() async throws {
        try await offThePool { self.waitUntilExit() }
    }
}
