import Foundation
import Testing
@testable import GatewaySimulator
@testable import PaydeskCore

/// Runs every command and every fault with real credentials configured, then looks for the secrets in
/// everything paydesk printed and every file it wrote.
extension PaydeskTests {
@Suite struct SecretLeakTests {
    @Test func noSecretAppearsInOutputAuditOrStore() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim, totalTimeout: 1)
            let faults = SimulatorFault.allCases
            let payouts = (0..<faults.count).map { Int64(100 + $0) } + [200]
            let sessions = faults.map { "s-\($0.rawValue)" } + ["s-ok"]
            home.seed(payouts: payouts + [300], sessions: sessions + ["s-dry"])
            for (fault, (payout, session)) in zip(faults, zip(payouts, sessions)) {
                await sim.state.setFault(fault, for: String(payout))
                await sim.state.setFault(fault, for: session)
            }
            for payout in payouts { await sim.state.addPayout(payout) }
            for session in sessions { await sim.state.addSession(session, createdAt: .now) }

            var outputs: [CommandResult] = []
            func run(_ arguments: [String]) async throws { outputs.append(try await home.paydesk(arguments)) }
            for payout in payouts {
                try await run(["cancel", "payout", String(payout), "--yes", "--reason", "leak test"])
                try await run(["cancel", "payout", String(payout), "--yes", "--json", "--retry-unknown"])
            }
            for session in sessions {
                try await run(["cancel", "session", session, "--yes"])
                try await run(["cancel", "session", session, "--yes", "--json", "--retry-unknown"])
            }
            try await run(["cancel", "payout", "300", "--dry-run"])
            try await run(["cancel", "session", "s-dry", "--dry-run", "--json"])
            try await run(["cancel", "session", "s-dry", "--dry-run"])
            #expect(outputs.suffix(3).allSatisfy { $0.status == 0 && ($0.stdout.contains("POST ") || $0.stdout.contains("\"method\":\"POST\"")) })
            try await run(["cancel", "payout", "100", "--profile", "PROD", "--yes"])
            for arguments in [["profiles"], ["profiles", "--json"], ["list", "payouts", "--all"], ["list", "sessions", "--all", "--json"],
                              ["history"], ["history", "--json"], ["audit", "verify"], ["audit", "verify", "--json"],
                              ["store", "check"], ["store", "compact"], ["import", "payouts", home.dir.file("xpay.key")]] {
                try await run(arguments)
            }
            // The simulator command, briefly, as a process.
            let simProcess = try home.start(["sim", "--port", "0"])
            try await Task.sleep(nanoseconds: 500_000_000)
            simProcess.terminate()
            try await simProcess.exited()
            let simOutput = String(decoding: (simProcess.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                + String(decoding: (simProcess.standardError as! Pipe).fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(simOutput.contains("xpay_url"))

            // A secret pasted inline is refused without being repeated.
            let inline = SimulatedHome(sim)
            inline.dir.write("config.toml", "[profiles.TEST]\nxpay_api_key = \"\(TestCredentials.xpayKey)\"\n", mode: 0o600)
            outputs.append(try await inline.paydesk(["profiles"]))

            let secrets = [TestCredentials.xpayKey, TestCredentials.praxisSecret]
            for output in outputs {
                for secret in secrets {
                    #expect(!output.stdout.contains(secret))
                    #expect(!output.stderr.contains(secret))
                }
            }
            for secret in secrets { #expect(!simOutput.contains(secret)) }

            let written = try FileManager.default.subpathsOfDirectory(atPath: home.dir.path)
                .filter { !["xpay.key", "config.toml"].contains($0) }
                .map { home.dir.file($0) }
                .filter { var d: ObjCBool = false; return FileManager.default.fileExists(atPath: $0, isDirectory: &d) && !d.boolValue }
            #expect(written.contains { $0.hasSuffix("audit.jsonl") })
            #expect(written.contains { $0.hasSuffix("payouts.jsonl") })
            for file in written {
                let text = String(decoding: FileManager.default.contents(atPath: file) ?? Data(), as: UTF8.self)
                for secret in secrets { #expect(!text.contains(secret), "\(file)") }
            }
            // Every attempt was recorded, whatever the fault.
            #expect(try await home.attempts().count >= payouts.count + sessions.count)
        }
    }
}
}
