import ArgumentParser
import Foundation
import Gateways
import GatewaySimulator
import PaydeskCore

struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run the local gateway simulator: XPay Build and Praxis on this machine, over plain HTTP.",
        discussion: """
            It accepts the profile's credentials and knows the profile's sessions and payouts (re-reading the store as \
            it grows). Point a profile at the URLs it prints (xpay_url, praxis_url). Faults on demand: \
            --fault 752856=timeout (per target) or --fault-rate server-error=0.2 (a share of all calls) on cancels.

            Faults: \(SimulatorFault.allCases.map(\.rawValue).joined(separator: ", ")).

            --check-fault 752856=server-error does the same on the state lookups only (XPay build/state, Praxis \
            find-transaction), so a target can time out on cancel and still be checked. On a lookup only timeout, \
            drop, server-error, internal-error, bad-signature, no-signature, malformed, unauthorized and \
            proxy-error change the answer.
            """
    )

    @Option(help: "The address to listen on (this machine only).") var host = "127.0.0.1"
    @Option(help: "The port (0: any free one).") var port: UInt16 = 0
    @Option(name: .customLong("fault"), help: ArgumentHelp("TARGET=FAULT: misbehave on every cancel about TARGET.", valueName: "TARGET=FAULT"))
    var faults: [String] = []
    @Option(name: .customLong("check-fault"),
            help: ArgumentHelp("TARGET=FAULT: misbehave on every state lookup about TARGET.", valueName: "TARGET=FAULT"))
    var checkFaults: [String] = []
    @Option(name: .customLong("fault-rate"), help: ArgumentHelp("FAULT=SHARE: misbehave on a share (0-1) of all calls.", valueName: "FAULT=SHARE"))
    var faultRates: [String] = []
    @Option(help: ArgumentHelp("Delay every answer.", valueName: "MS")) var latency = 0
    @OptionGroup var options: ProfileOptions

    func run() async throws {
        let context = try options.context()
        let c = context.credentials, p = context.profile
        if p.production {
            // It would answer, signed with the live secret, to anyone on this machine.
            throw PaydeskError.usage("\(p.name) is a production profile: the simulator signs its answers with the profile's secrets, "
                + "so it never runs with live ones. Use a test profile")
        }
        let credentials = GatewaySimulator.Credentials(
            xpayAPIKey: try c.value(of: p.xpayAPIKey, named: "xpay_api_key"),
            praxisMerchantId: try c.value(of: p.praxisMerchantID, named: "praxis_merchant_id").reveal(),
            praxisApplicationKey: try c.value(of: p.praxisApplicationKey, named: "praxis_application_key").reveal(),
            praxisSecret: try c.value(of: p.praxisSecret, named: "praxis_secret"),
            praxisVersion: p.praxisVersion)
        let state = SimulatorState(dataDirectory: context.dataDirectory)
        for spec in faults {
            let (target, fault) = try Self.targetFault(spec, option: "--fault")
            await state.setFault(fault, for: target)
        }
        for spec in checkFaults {
            let (target, fault) = try Self.targetFault(spec, option: "--check-fault")
            await state.setLookupFault(fault, for: target)
        }
        for spec in faultRates {
            let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let fault = SimulatorFault(rawValue: parts[0]), let rate = Double(parts[1]), (0...1).contains(rate) else {
                throw PaydeskError.usage("--fault-rate \(spec): write FAULT=SHARE with SHARE between 0 and 1")
            }
            await state.setFaultRate(fault, rate)
        }
        await state.setLatency(latency)

        let simulator = try await GatewaySimulator.start(host: host, port: port, credentials: credentials, state: state)
        Output.line("paydesk simulator for profile \(p.name), data \(context.dataDirectory)")
        Output.line("xpay_url = \"\(simulator.xpayURL)\"")
        Output.line("praxis_url = \"\(simulator.praxisURL)\"")
        Output.line("Stop with Ctrl-C.")
        Output.flush()

        let stopped = AsyncStream<Void> { continuation in
            let forwarding = InterruptForwarding { continuation.finish() }
            continuation.onTermination = { _ in withExtendedLifetime(forwarding) {} }
        }
        for await _ in stopped {}
        await simulator.stop()
        Output.error("simulator stopped")
    }

    /// `TARGET=FAULT`, as `option` takes it.
    static func targetFault(_ spec: String, option: String) throws -> (target: String, fault: SimulatorFault) {
        let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let fault = SimulatorFault(rawValue: parts[1]) else {
            throw PaydeskError.usage("\(option) \(spec): write TARGET=FAULT, FAULT one of \(SimulatorFault.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return (parts[0], fault)
    }
}
