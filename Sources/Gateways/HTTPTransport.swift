import Foundation
import PaydeskCore

/// One HTTP exchange. The clients build requests and read responses; a transport only moves bytes.
public struct GatewayRequest: Sendable {
    public enum Method: String, Sendable { case get = "GET", post = "POST" }

    public var method: Method
    public var url: URL
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(method: Method = .post, url: URL, headers: [(String, String)], body: [UInt8]) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

public struct GatewayResponse: Sendable {
    public var status: Int
    public var body: [UInt8]
    /// The answer's header fields, as received.
    public var headers: [(String, String)]

    public init(status: Int, body: [UInt8], headers: [(String, String)] = []) {
        self.status = status
        self.body = body
        self.headers = headers
    }

    /// The last value of header `name` (compared without case).
    public func header(_ name: String) -> String? {
        headers.last { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }

    /// The gateway's clock, from its `Date` header.
    public var date: Timestamp? { header("Date").flatMap(HTTPDate.parse) }
}

/// Why no response came: and, what matters most, whether the request may have reached the gateway.
public enum TransportFailure: Error, Sendable, Equatable {
    /// Nothing left this machine (connection refused, no such host, a TLS handshake that failed): a plain failure.
    case notSent(String)
    /// It may have arrived (timeout, reset, cut off, an answer too large to read): it may have happened.
    case mayHaveBeenSent(String)
}

/// Connect and total timeouts, in seconds.
public struct Timeouts: Sendable, Equatable {
    /// How long to wait for the connection (TLS handshake included), and for any byte at all once connected.
    public var connect: Double
    /// The whole call, whatever happens.
    public var total: Double

    public init(connect: Double = 10, total: Double = 30) {
        self.connect = connect
        self.total = total
    }
}

extension TransportFailure {
    /// The outcome when no answer came: failed if nothing left, unknown if it may have (`what`: "session").
    /// A check that got no answer: it failed, whether or not the request left (a lookup changes nothing).
    var failedCheck: GatewayCheck {
        switch self {
        case .notSent(let why): .failed(AttemptOutcome(result: .failed, description: "not sent: \(why)"))
        case .mayHaveBeenSent(let why): .failed(AttemptOutcome(result: .failed, description: "no answer: \(why)"))
        }
    }

    func outcome(_ what: String) -> AttemptOutcome {
        switch self {
        case .notSent(let why): AttemptOutcome(result: .failed, description: "not sent: \(why)")
        case .mayHaveBeenSent(let why): AttemptOutcome(result: .unknown, description: "\(why); the \(what) may have been cancelled")
        }
    }
}

public protocol HTTPTransport: Sendable {
    /// Sends the request (a POST, or a GET for a lookup) and reads at most `AnswerLimits.maxAnswerBytes` of the answer. Never follows redirects.
    func send(_ request: GatewayRequest, timeouts: Timeouts) async -> Result<GatewayResponse, TransportFailure>
}
