import ArgumentParser
import Foundation
import Console
import Demo
import GatewaySimulator
import PaydeskCore

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Try paydesk with no setup: the console against gateways simulated on this machine.",
        discussion: """
            Starts both gateways' simulators on 127.0.0.1, writes a home with a DEMO profile and a DEMO-PROD profile \
            (production, to show its safeguards) and seeds them: sessions that count down and expire, new ones arriving, \
            and payouts scripted to be rejected, to fail, to time out and to answer with a forged signature.

            Without --home the demo home is thrown away on exit; with it, the data and audit trail are kept.
            """
    )

    @Option(help: ArgumentHelp("Keep the demo's files in DIR (reused on the next run).", valueName: "DIR"), completion: .directory) var home: String?
    @Option(help: ArgumentHelp("Start on this profile: DEMO or DEMO-PROD.", valueName: "NAME"), completion: .list([DemoWorld.testProfile, DemoWorld.productionProfile])) var profile = DemoWorld.testProfile
    @Option(help: ArgumentHelp("Colour theme.", valueName: "NAME"), completion: .list(BuiltInThemes.names)) var theme: String?
    @Option(help: ArgumentHelp("Seconds between arriving sessions (0: none).", valueName: "S")) var arrivals: Double = 20

    func run() async throws {
        try requireTerminal()
        let environment = ProcessInfo.processInfo.environment
        let operatorName = environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "demo"
        let world = try await DemoWorld.start(home: home, operatorName: operatorName, arrivalInterval: arrivals > 0 ? arrivals : nil)
        do {
            // The demo's own config, whatever PAYDESK_HOME or XDG say: it never touches a real home.
            let config = try PaydeskConfig.load(paths: world.paths, environment: environment.filter { !$0.key.hasPrefix("PAYDESK_") })
            try await runConsole(config: config, profile: try config.profile(named: profile), credentials: Credentials(environment: [:]),
                                 theme: theme, readOnly: false)
        } catch {
            await finish(world)
            throw error
        }
        await finish(world)
    }

    private func finish(_ world: DemoWorld) async {
        await world.stop()
        if world.isThrowaway {
            try? FileManager.default.removeItem(atPath: world.home)
            Output.error("demo over; its files are gone (keep them next time with --home DIR)")
        } else {
            Output.error("demo over; its files are in \(world.home)")
        }
    }
}
