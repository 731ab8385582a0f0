import Foundation

/// A TCP listener on 127.0.0.1 that does one thing no gateway should: say nothing, answer garbage, or answer
/// every request with one fixed text (as a proxy would). It records what each connection sent.
final class RawTCPServer: @unchecked Sendable {
    enum Behaviour: Sendable {
        /// Accept, then never say a word (a TLS handshake that never completes; a request never answered).
        case silent
        /// Answer a TLS client hello with plain text.
        case garbage
        /// Read the request, then answer with this text and close.
        case answer(String)
    }

    let port: UInt16
    private let listener: Int32
    private let behaviour: Behaviour
    private let lock = NSLock()
    private var requests: [String] = []
    private var open: [Int32] = []

    init(_ behaviour: Behaviour) throws {
        self.behaviour = behaviour
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, listen(fd, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// What each connection sent, in order.
    var received: [String] { lock.withLock { requests } }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        lock.withLock {
            for fd in open { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }
            open.removeAll()
        }
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            lock.withLock { open.append(connection) }
            Thread.detachNewThread { [self] in serve(connection) }
        }
    }

    private func serve(_ connection: Int32) {
        switch behaviour {
        case .silent:
            var byte: UInt8 = 0
            while read(connection, &byte, 1) > 0 {}   // until the client gives up
        case .garbage:
            _ = readSome(connection)
            let text = Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}".utf8)
            _ = write(connection, text, text.count)
            close(connection)
        case .answer(let answer):
            let request = readSome(connection)
            lock.withLock { requests.append(request) }
            let bytes = Array(answer.utf8)
            _ = write(connection, bytes, bytes.count)
            shutdown(connection, Int32(SHUT_WR))
        }
    }

    /// What arrives within half a second, up to 64 KiB.
    private func readSome(_ connection: Int32) -> String {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var poller = pollfd(fd: connection, events: Int16(POLLIN), revents: 0)
        while data.count < 65_536, poll(&poller, 1, 500) > 0 {
            let n = read(connection, &buffer, buffer.count)
            if n <= 0 { break }
            data += buffer[..<n]
            if let text = String(bytes: data, encoding: .utf8), text.contains("\r\n\r\n") { break }
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// `openssl s_server` on 127.0.0.1 with a fresh self-signed certificate for `subjectAltName`, so TLS
/// failures are real handshakes with a real TLS stack.
final class TLSTestServer: @unchecked Sendable {
    let port: UInt16
    /// The server's certificate (PEM), to trust it as a CA when a test wants that.
    let certificate: String
    private let process: Process
    private let dir = TemporaryDirectory("paydesk-tls")

    init(subjectAltName: String) throws {
        certificate = dir.file("cert.pem")
        let key = dir.file("key.pem")
        try Self.run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key,
                      "-out", certificate, "-days", "2", "-subj", "/CN=paydesk-test", "-addext", "subjectAltName=\(subjectAltName)"])
        process = Process()
        // stdbuf: s_server's stdout is a pipe here, which would hold the ACCEPT line back in its buffer.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/stdbuf")
        process.arguments = ["-oL", "/usr/bin/openssl", "s_server", "-accept", "127.0.0.1:0", "-cert", certificate, "-key", key, "-www"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = Pipe()
        try process.run()
        // It prints "ACCEPT 127.0.0.1:PORT" once it listens.
        var seen = ""
        let handle = out.fileHandleForReading
        while !seen.contains("ACCEPT 127.0.0.1:") || !seen.hasSuffix("\n") {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        guard let line = seen.split(separator: "\n").first(where: { $0.hasPrefix("ACCEPT ") }),
              let port = UInt16(line.split(separator: ":").last ?? "") else {
            process.terminate()
            throw POSIXError(.EIO)
        }
        self.port = port
    }

    /// SIGKILL: s_server does not end on SIGTERM.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

    private static func run(_ arguments: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw POSIXError(.EIO) }
    }
}
