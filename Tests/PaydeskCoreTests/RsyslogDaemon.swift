import Foundation
@testable import PaydeskCore

/// A real rsyslogd of the test's own: its own config, work folder, pid file and log socket in a temporary folder,
/// UDP and TCP inputs on free ports of 127.0.0.1, and no system socket (the machine's /dev/log and daemon are
/// never touched). It writes every message twice: in rsyslog's traditional file format (`messagesPath`), as a
/// stock rsyslog does, and as raw RFC 5424 (`rawPath`).
final class RsyslogDaemon: @unchecked Sendable {
    static let binary = "/usr/sbin/rsyslogd"
    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    let directory = TemporaryDirectory("paydesk-rsyslog")
    let socketPath: String
    let udpPort: UInt16
    let tcpPort: UInt16
    var messagesPath: String { directory.file("messages") }
    var rawPath: String { directory.file("messages.rfc5424") }
    var configPath: String { directory.file("rsyslog.conf") }
    private let process = Process()
    private let lock = NSLock()
    private var stopped = false

    /// Where each of its inputs listens, as `AuditCopy` takes it.
    var unixAddress: String { "unix:" + socketPath }
    var udpAddress: String { "udp://127.0.0.1:\(udpPort)" }
    var tcpAddress: String { "tcp://127.0.0.1:\(tcpPort)" }

    /// Starts it and returns once each input has delivered a message to the file.
    static func start() async throws -> RsyslogDaemon {
        let daemon = try RsyslogDaemon()
        do {
            try await daemon.waitUntilListening()
        } catch {
            daemon.stop()
            throw error
        }
        return daemon
    }

    private init() throws {
        socketPath = directory.file("log.sock")
        udpPort = try Self.freePort(stream: false)
        tcpPort = try Self.freePort(stream: true)
        try FileManager.default.createDirectory(atPath: directory.file("work"), withIntermediateDirectories: true)
        directory.write("rsyslog.conf", config, mode: 0o644)
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["-n", "-f", configPath, "-i", directory.file("rsyslogd.pid")]
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: directory.write("rsyslogd.out", "")))
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit { stop() }

    /// The config: the unix socket read with the regular parser chain (imuxsock's special parser, on by default,
    /// takes an RFC 5424 message for a traditional one), no rate limit, and room for long entries.
    var config: String {
        """
        global(workDirectory="\(directory.file("work"))" maxMessageSize="64k")
        module(load="imuxsock" SysSock.Use="off")
        input(type="imuxsock" Socket="\(socketPath)" UseSpecialParser="off" RateLimit.Interval="0")
        module(load="imudp")
        input(type="imudp" address="127.0.0.1" port="\(udpPort)")
        module(load="imtcp")
        input(type="imtcp" address="127.0.0.1" port="\(tcpPort)")
        *.* action(type="omfile" file="\(messagesPath)" template="RSYSLOG_TraditionalFileFormat")
        *.* action(type="omfile" file="\(rawPath)" template="RSYSLOG_SyslogProtocol23Format")

        """
    }

    /// What rsyslogd said on stdout and stderr, for a failure's message.
    var output: String { directory.read("rsyslogd.out") }

    var messages: String { directory.read("messages") }

    /// Lines of the traditional file whose tag is paydesk's.
    var paydeskLineCount: Int {
        messages.split(separator: "\n").filter { $0.contains(" paydesk[") }.count
    }

    /// Waits until `count` paydesk lines are in the file (rsyslog writes them from a thread of its own).
    func waitForPaydeskLines(_ count: Int, timeout: TimeInterval = 10) async throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if paydeskLineCount >= count { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return paydeskLineCount >= count
    }

    func stop() {
        let running = lock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard running, process.isRunning else { return }
        // SIGKILL, not SIGTERM: started from a concurrency thread, rsyslogd inherits that thread's blocked signals
        // and never sees a SIGTERM. Nothing is lost: it writes each batch of messages to the file as it comes.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Sends a marker of another program ("readiness") over each input until the file shows it: only then is
    /// that input known to listen. The markers stay in the file as lines paydesk's reader must ignore.
    private func waitUntilListening() async throws {
        let deadline = Date().addingTimeInterval(15)
        for address in [unixAddress, udpAddress, tcpAddress] {
            let marker = "readiness of \(address)"
            while !messages.contains(marker) {
                guard process.isRunning else { throw RsyslogFailure("rsyslogd exited: \(output)") }
                guard Date() < deadline else { throw RsyslogFailure("rsyslogd did not log over \(address) within 15 s: \(output)") }
                try? Self.sendRaw("<13>1 - - readiness - - - \(marker)", to: AuditCopy(address).transport)
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Sends one message as it is (another program's, a forged one): a datagram, or an octet-counted TCP frame.
    static func sendRaw(_ message: String, to transport: AuditCopy.Transport) throws {
        let bytes = Array(message.utf8)
        switch transport {
        case .unix(let path):
            let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path.utf8.prefix($0.count - 1)) }
            let sent = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, bytes, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard sent == bytes.count else { throw RsyslogFailure("send to \(path): \(String(cString: strerror(errno)))") }
        case .udp(_, let port), .tcp(_, let port):
            let stream: Bool = if case .tcp = transport { true } else { false }
            let fd = socket(AF_INET, Int32((stream ? SOCK_STREAM : SOCK_DGRAM).rawValue), 0)
            defer { close(fd) }
            var address = loopback(port)
            let framed = stream ? Array("\(bytes.count) ".utf8) + bytes : bytes
            let sent = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int in
                    if stream {
                        guard connect(fd, pointer, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 else { return -1 }
                        return Foundation.send(fd, framed, framed.count, Int32(MSG_NOSIGNAL))
                    }
                    return sendto(fd, framed, framed.count, 0, pointer, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard sent == framed.count else { throw RsyslogFailure("send to 127.0.0.1:\(port): \(String(cString: strerror(errno)))") }
        }
    }

    private static func loopback(_ port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        return address
    }

    /// A port of 127.0.0.1 nothing listens on now (the kernel's choice, released for rsyslogd to take).
    static func freePort(stream: Bool) throws -> UInt16 {
        let fd = socket(AF_INET, Int32((stream ? SOCK_STREAM : SOCK_DGRAM).rawValue), 0)
        defer { close(fd) }
        var address = loopback(0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw RsyslogFailure("no free port: \(String(cString: strerror(errno)))") }
        return UInt16(bigEndian: address.sin_port)
    }
}

struct RsyslogFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
