import FlyingFox
import FlyingSocks
import Foundation
import Gateways
import PaydeskCore

/// A real HTTP server on loopback that speaks both gateways' protocols at their real paths (cancels and
/// state lookups), so tests, the demo and people in training exercise paydesk's real clients over real HTTP.
public final class GatewaySimulator: Sendable {
    /// What the simulated gateways accept.
    public struct Credentials: Sendable {
        public var xpayAPIKey: Secret
        public var praxisMerchantId: String
        public var praxisApplicationKey: String
        public var praxisSecret: Secret
        public var praxisVersion: String

        public init(xpayAPIKey: Secret, praxisMerchantId: String, praxisApplicationKey: String, praxisSecret: Secret,
                    praxisVersion: String = "1.2") {
            self.xpayAPIKey = xpayAPIKey
            self.praxisMerchantId = praxisMerchantId
            self.praxisApplicationKey = praxisApplicationKey
            self.praxisSecret = praxisSecret
            self.praxisVersion = praxisVersion
        }
    }

    public static let xpayPath = "/api/phoenix-0.0/psp/api/v1"

    public let state: SimulatorState
    public let host: String
    public let port: UInt16
    private let server: HTTPServer
    private let task: Task<Void, Error>

    /// The `xpay_url` a profile uses to reach this simulator.
    public var xpayURL: String { "http://\(host):\(port)\(Self.xpayPath)" }
    /// The `praxis_url` a profile uses to reach this simulator.
    public var praxisURL: String { "http://\(host):\(port)" }

    private init(state: SimulatorState, host: String, port: UInt16, server: HTTPServer, task: Task<Void, Error>) {
        self.state = state
        self.host = host
        self.port = port
        self.server = server
        self.task = task
    }

    /// Starts listening on `host` (an IPv4 address on this machine) and `port` (0: any free one).
    public static func start(host: String = "127.0.0.1", port: UInt16 = 0, credentials: Credentials,
                             state: SimulatorState = SimulatorState()) async throws -> GatewaySimulator {
        guard GatewayURL.isLoopback(host), !host.contains(":") else {
            throw PaydeskError.usage("the simulator listens on this machine only, over IPv4 (127.0.0.1); \(host) will not do")
        }
        // A timed-out call must hang longer than any client waits, so the server's own timeout is long.
        let server = HTTPServer(address: try .inet(ip4: host == "localhost" ? "127.0.0.1" : host, port: port),
                                timeout: 3600, logger: .disabled)
        let handlers = SimulatorHandlers(state: state, credentials: credentials)
        await server.appendRoute(HTTPRoute("POST \(xpayPath)/build/cancel")) { await handlers.dated(try await handlers.xpayCancel($0)) }
        await server.appendRoute(HTTPRoute("POST /api/payout-cancel")) { await handlers.dated(try await handlers.praxisCancel($0)) }
        // A route without a query pattern matches any query: the handler reads `sessionId` itself.
        await server.appendRoute(HTTPRoute("GET \(xpayPath)/build/state")) { await handlers.dated(try await handlers.xpayState($0)) }
        await server.appendRoute(HTTPRoute("POST /api/find-transaction")) { await handlers.dated(try await handlers.praxisFindTransaction($0)) }
        let task = Task { try await server.run() }
        try await server.waitUntilListening()
        guard case .ip4(_, let boundPort)? = await server.listeningAddress else {
            task.cancel()
            throw PaydeskError.io("the simulator could not find the port it listens on")
        }
        return GatewaySimulator(state: state, host: host, port: boundPort, server: server, task: task)
    }

    public func stop() async {
        task.cancel()
        await server.stop(timeout: 0)
    }
}
