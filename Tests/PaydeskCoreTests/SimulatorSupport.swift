import Foundation
@testable import GatewaySimulator
@testable import Gateways
@testable import PaydeskCore

/// Credentials the simulator and the clients share in tests. Distinctive, so leak tests can grep for them.
enum TestCredentials {
    static let xpayKey = "xpay-key-SECRET-7f3a91"
    static let merchant = "Test-Integration-Merchant"
    static let application = "Sandbox"
    static let praxisSecret = "praxis-secret-SECRET-c0ffee"

    static var simulator: GatewaySimulator.Credentials {
        .init(xpayAPIKey: Secret(xpayKey), praxisMerchantId: merchant, praxisApplicationKey: application, praxisSecret: Secret(praxisSecret))
    }
}

extension GatewaySimulator {
    func xpayClient(timeouts: Timeouts = Timeouts(connect: 4, total: 5), key: String = TestCredentials.xpayKey) -> XPayClient {
        XPayClient(baseURL: xpayURL, apiKey: Secret(key), timeouts: timeouts)
    }

    func praxisClient(timeouts: Timeouts = Timeouts(connect: 4, total: 5), secret: String = TestCredentials.praxisSecret,
                      clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) -> PraxisClient {
        PraxisClient(baseURL: praxisURL, merchantId: Secret(TestCredentials.merchant), applicationKey: Secret(TestCredentials.application),
                     secret: Secret(secret), timeouts: timeouts, clock: clock)
    }
}

/// Runs `body` with a simulator on 127.0.0.1, stopped afterwards; it knows `dataDirectory`'s store, or is given its `state`.
func withSimulator<T>(dataDirectory: String? = nil, state: SimulatorState? = nil, _ body: (GatewaySimulator) async throws -> T) async throws -> T {
    let simulator = try await GatewaySimulator.start(credentials: TestCredentials.simulator,
                                                     state: state ?? SimulatorState(dataDirectory: dataDirectory))
    do {
        let result = try await body(simulator)
        await simulator.stop()
        return result
    } catch {
        await simulator.stop()
        throw error
    }
}
