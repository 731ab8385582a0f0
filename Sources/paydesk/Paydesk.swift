import ArgumentParser
import Foundation
import PaydeskCore

/// The `paydesk` command. Exit status: 0 success, 1 the operation failed, 2 bad usage or configuration.
struct Paydesk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paydesk",
        abstract: "Back-office console: cancel open Nexi XPay Build sessions and pending Praxis payouts.",
        discussion: """
            Exit status: 0 success, 1 the operation failed, 2 bad usage or configuration, 3 the outcome is unknown (cancel) or the gateway's answer settles nothing (check).

            Files: --home DIR (or PAYDESK_HOME=DIR) keeps config.toml, themes/ and data/<PROFILE>/ under DIR.
            """,
        version: VersionCommand.text,
        subcommands: [ConsoleCommand.self, DemoCommand.self, ListCommand.self, CancelCommand.self, CheckCommand.self, HistoryCommand.self, AuditCommand.self, ImportCommand.self,
                      ProfilesCommand.self, StoreCommand.self, SimCommand.self, VersionCommand.self, ManualCommand.self],
        defaultSubcommand: ConsoleCommand.self
    )
}

@main
enum Main {
    static func main() async {
        // Past a file size limit (ulimit -f) a write fails with EFBIG instead of killing the process.
        signal(SIGXFSZ, SIG_IGN)
        useUTF8Locale()
        var status: Int32 = 0
        do {
            let names = Paydesk.configuration.subcommands.map { $0.configuration.commandName ?? "" }
            var command = try Paydesk.parseAsRoot(CommandLineOrder.normalized(Array(CommandLine.arguments.dropFirst()), subcommands: names))
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Output.flush()
        } catch {
            Output.flush()
            status = report(error)
        }
        if let failure = Output.failure {
            Output.error("paydesk: the output could not be written (\(failure)); it is incomplete")
            if status == 0 { status = 1 }
        }
        exit(status)
    }

    /// Says what went wrong on stderr and returns the exit status.
    static func report(_ error: Error) -> Int32 {
        if let error = error as? PaydeskError {
            Output.error("paydesk: \(error)")
            return error.exitCode
        }
        let code = Paydesk.exitCode(for: error)
        let message = Paydesk.fullMessage(for: error)
        if code == .success {
            if !message.isEmpty { Output.line(message) }
            Output.flush()
            return 0
        }
        if !message.isEmpty { Output.error(message) }
        // ArgumentParser's usage errors exit 64; ours promise 2.
        return code == .validationFailure ? 2 : code.rawValue
    }
}
