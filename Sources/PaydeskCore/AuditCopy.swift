import Foundation

/// Where every audit entry is also sent: a syslog daemon, one RFC 5424 message per entry. The operator can
/// rewrite `audit.jsonl` and its head consistently; a copy the daemon wrote elsewhere is what catches that.
public struct AuditCopy: Sendable, Equatable {
    public enum Transport: Sendable, Equatable {
        case unix(String)
        case udp(host: String, port: UInt16)
        case tcp(host: String, port: UInt16)
    }

    public let transport: Transport
    /// `audit_syslog_required`: an intent that cannot be copied is not sent.
    public var required = false

    /// The longest a send may take: an audit copy must never hold up the work it records.
    static let timeLimit: TimeInterval = 2

    /// "unix:/path/to/socket" (a datagram socket such as /dev/log), "udp://HOST:PORT", "tcp://HOST:PORT"
    /// (an IPv6 host in brackets: "tcp://[::1]:514"); anything else is a configuration error that says what to write.
    public init(_ text: String) throws {
        func refuse(_ why: String) -> PaydeskError {
            .config("audit copy \"\(text)\" \(why): write unix:/dev/log (a datagram socket), udp://HOST:PORT or tcp://HOST:PORT")
        }
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst("unix:".count))
            guard path.hasPrefix("/") else { throw refuse("needs the socket's absolute path") }
            guard path.utf8.count < Self.socketPathLimit, !path.utf8.contains(0) else {
                throw refuse("names a socket path longer than \(Self.socketPathLimit - 1) bytes")
            }
            transport = .unix(path)
            return
        }
        let scheme: String
        if text.hasPrefix("udp://") { scheme = "udp" } else if text.hasPrefix("tcp://") { scheme = "tcp" } else {
            throw refuse("is not a syslog address")
        }
        let rest = text.dropFirst(scheme.count + "://".count)
        let host: Substring, portText: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]"), rest[rest.index(after: close)...].hasPrefix(":") else {
                throw refuse("needs HOST:PORT, an IPv6 host in brackets")
            }
            host = rest[rest.index(after: rest.startIndex)..<close]
            portText = rest[rest.index(close, offsetBy: 2)...]
        } else {
            guard let colon = rest.lastIndex(of: ":") else { throw refuse("needs a port (syslog's is 514)") }
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        }
        guard !host.isEmpty, !host.contains(where: { $0 == "/" || $0 == " " || $0 == "[" || $0 == "]" || $0.isNewline }),
              host.unicodeScalars.allSatisfy({ $0.isASCII }) else {
            throw refuse("needs a host name or address before the port")
        }
        guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }), let port = UInt16(portText), port > 0 else {
            throw refuse("needs a port from 1 to 65535 after the host")
        }
        transport = scheme == "udp" ? .udp(host: String(host), port: port) : .tcp(host: String(host), port: port)
    }

    /// The address as it was written, for messages.
    var address: String {
        switch transport {
        case .unix(let path): "unix:" + path
        case .udp(let host, let port): "udp://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        case .tcp(let host, let port): "tcp://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        }
    }

    // MARK: The message

    /// The structured data's id: an enterprise-numbered SD-ID (RFC 5424 section 7.2.2), so no daemon takes it for an IANA one.
    static let structuredDataID = "paydesk@32473"
    /// Facility 13 (log audit) times 8 plus severity 5 (notice).
    static let priority = 13 * 8 + 5
    /// RFC 5424 says a UTF-8 MSG starts with it; rsyslog keeps it in its files, and `AuditCopyCheck` skips it.
    static let byteOrderMark = "\u{FEFF}"

    /// The message for one entry (no trailing newline): the header, paydesk's structured data (with the line's
    /// SHA-256, so a daemon that keeps only the structured data still holds the hash) and the line itself as MSG.
    public static func message(_ entry: AuditEntry, line: String, hostname: String, pid: Int32) -> String {
        var parameters: [(String, String)] = [
            ("profile", entry.profile), ("seq", String(entry.seq)), ("attempt", entry.attemptId), ("event", entry.event.rawValue),
        ]
        if let result = entry.event == .check ? entry.verdict?.rawValue : entry.outcome?.result.rawValue {
            parameters.append(("result", result))
        }
        parameters.append(("sha256", Digest.sha256Hex(Array(line.utf8))))
        let data = parameters.map { "\($0.0)=\"\(escapeParameter($0.1))\"" }.joined(separator: " ")
        return "<\(priority)>1 \(entry.at.rfc3339) \(headerField(hostname, limit: 255)) paydesk \(pid) \(entry.event.rawValue) "
            + "[\(structuredDataID) \(data)] \(byteOrderMark)\(line)"
    }

    /// An SD-PARAM value: `"`, `\` and `]` escaped with a backslash (RFC 5424 section 6.3.3).
    static func escapeParameter(_ value: String) -> String {
        var out = ""
        for c in value.unicodeScalars {
            if c == "\"" || c == "\\" || c == "]" { out += "\\" }
            out.unicodeScalars.append(c)
        }
        return out
    }

    /// A header field holds printable US-ASCII only, no spaces; "-" (the nil value) when nothing of it is left.
    private static func headerField(_ text: String, limit: Int) -> String {
        let kept = String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.value > 32 && $0.value < 127 }.prefix(limit)))
        return kept.isEmpty ? "-" : kept
    }

    // MARK: Sending

    /// Sends the entry's message; throws PaydeskError.io saying what failed (no socket, refused, timed out).
    /// Never takes much longer than `timeLimit`: connecting and sending share that one deadline.
    public func send(_ entry: AuditEntry, line: String, hostname: String, pid: Int32) throws {
        let bytes = Array(Self.message(entry, line: line, hostname: hostname, pid: pid).utf8)
        let deadline = Date().addingTimeInterval(Self.timeLimit)
        switch transport {
        case .unix(let path):
            try sendDatagram(bytes, toSocketAt: path, deadline: deadline)
        case .udp(let host, let port):
            try sendOverNetwork(bytes, host: host, port: port, stream: false, deadline: deadline)
        case .tcp(let host, let port):
            // Octet counting (RFC 6587 section 3.4.1): the length, a space, the message; no newline can split it.
            try sendOverNetwork(Array("\(bytes.count) ".utf8) + bytes, host: host, port: port, stream: true, deadline: deadline)
        }
    }

    private func failure(_ what: String) -> PaydeskError {
        .io("cannot send the audit copy to \(address): \(what)")
    }

    private func sendDatagram(_ bytes: [UInt8], toSocketAt path: String, deadline: Date) throws {
        let fd = socket(AF_UNIX, Self.datagram | Self.closeOnExec, 0)
        guard fd >= 0 else { throw failure("no socket (\(systemMessage()))") }
        defer { close(fd) }
        Self.setSendTimeout(fd, until: deadline)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path.utf8.prefix(raw.count - 1))   // the rest stays zero: the path's terminator
        }
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, bytes, bytes.count, Self.noSignal, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if sent == bytes.count { return }
        let code = errno
        switch code {
        case ENOENT: throw failure("there is no socket at \(path) (is the syslog daemon running?)")
        case ECONNREFUSED: throw failure("refused: nothing is reading \(path) (is the syslog daemon running?)")
        case EPROTOTYPE: throw failure("\(path) is not a datagram socket")
        case EAGAIN, EWOULDBLOCK: throw failure("timed out after \(Int(Self.timeLimit)) s: the syslog daemon is not reading \(path)")
        case EMSGSIZE: throw failure("the message (\(bytes.count) bytes) is too long for one datagram")
        default: throw failure(systemMessage(code))
        }
    }

    /// Tries each address the host resolves to, in order, until one takes the message.
    private func sendOverNetwork(_ bytes: [UInt8], host: String, port: UInt16, stream: Bool, deadline: Date) throws {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = stream ? Self.streamType : Self.datagram
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, String(port), &hints, &list)
        guard resolved == 0, let first = list else {
            throw failure("cannot resolve \(host) (\(String(cString: gai_strerror(resolved))))")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address for \(host)"
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let info = next {
            next = info.pointee.ai_next
            guard Date() < deadline else { lastError = "timed out after \(Int(Self.timeLimit)) s"; break }
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype | Self.closeOnExec, info.pointee.ai_protocol)
            guard fd >= 0 else { lastError = "no socket (\(systemMessage()))"; continue }
            defer { close(fd) }
            if stream, let problem = Self.connect(fd, to: info.pointee.ai_addr, length: info.pointee.ai_addrlen, deadline: deadline) {
                lastError = problem
                continue
            }
            Self.setSendTimeout(fd, until: deadline)
            if let problem = stream ? Self.writeAll(fd, bytes)
                : (sendto(fd, bytes, bytes.count, Self.noSignal, info.pointee.ai_addr, info.pointee.ai_addrlen) == bytes.count ? nil : Self.describe(errno)) {
                lastError = problem
                continue
            }
            return
        }
        throw failure(lastError)
    }

    /// Connects without blocking past the deadline; nil when connected, otherwise what went wrong.
    private static func connect(_ fd: Int32, to address: UnsafeMutablePointer<sockaddr>?, length: socklen_t, deadline: Date) -> String? {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        defer { _ = fcntl(fd, F_SETFL, flags) }
        if Foundation.connect(fd, address, length) == 0 { return nil }
        guard errno == EINPROGRESS else { return describe(errno) }
        var waiting = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        while true {
            let milliseconds = Int32(max(0, deadline.timeIntervalSinceNow * 1000))
            let ready = poll(&waiting, 1, milliseconds)
            if ready < 0, errno == EINTR { continue }
            if ready <= 0 { return "timed out connecting after \(Int(timeLimit)) s" }
            break
        }
        var code: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &size) == 0 else { return describe(errno) }
        return code == 0 ? nil : describe(code)
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> String? {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Foundation.send(fd, $0.baseAddress, $0.count, noSignal) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return describe(errno) }
            offset += n
        }
        return nil
    }

    private static func describe(_ code: Int32) -> String {
        switch code {
        case ECONNREFUSED: "refused (is the syslog daemon listening?)"
        case EAGAIN, EWOULDBLOCK: "timed out after \(Int(timeLimit)) s"
        default: systemMessage(code)
        }
    }

    /// A send that cannot go out before the deadline fails with EAGAIN rather than waiting on.
    private static func setSendTimeout(_ fd: Int32, until deadline: Date) {
        let left = max(0.001, deadline.timeIntervalSinceNow)
        var limit = timeval(tv_sec: time_t(left), tv_usec: suseconds_t(left.truncatingRemainder(dividingBy: 1) * 1_000_000))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    /// sun_path's size, its terminating zero included.
    static let socketPathLimit = MemoryLayout.size(ofValue: sockaddr_un().sun_path)

    #if canImport(Glibc)
    private static let datagram = Int32(SOCK_DGRAM.rawValue)
    private static let streamType = Int32(SOCK_STREAM.rawValue)
    private static let closeOnExec = Int32(SOCK_CLOEXEC.rawValue)
    /// A peer that closed the connection must fail the send, not raise SIGPIPE and end paydesk.
    private static let noSignal = Int32(MSG_NOSIGNAL)
    #else
    private static let datagram = SOCK_DGRAM
    private static let streamType = SOCK_STREAM
    private static let closeOnExec: Int32 = 0
    private static let noSignal: Int32 = 0
    #endif
}
