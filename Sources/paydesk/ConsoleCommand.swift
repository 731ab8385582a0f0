import ArgumentParser
import Console
import Foundation
import PaydeskCore
import TerminalCurses

struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "The back-office screen (what `paydesk` alone opens): list, pick, confirm, watch the answers.",
        discussion: """
            Keys: ? shows them all. A production profile named with --profile opens at once; switching to one from \
            inside (p) asks for its name. Exit status: 0 after q, 2 bad usage or configuration (or no terminal).
            """
    )

    @Flag(help: "Browse only: cancelling is off, whatever the profile says.") var readOnly = false
    @Option(help: ArgumentHelp("Colour theme: \(BuiltInThemes.names.joined(separator: ", ")) or one in the config home's themes/.", valueName: "NAME"),
            completion: ConfigCompletions.themes)
    var theme: String?
    @OptionGroup var options: ProfileOptions

    func run() async throws {
        let context = try options.context()
        try await runConsole(config: context.config, profile: context.profile, credentials: context.credentials,
                             theme: theme, readOnly: readOnly)
    }
}

/// Runs the console on a thread of its own (its reads block) and ends the command with its status.
func runConsole(config: PaydeskConfig, profile: Profile, credentials: Credentials, theme: String?, readOnly: Bool) async throws {
    try requireTerminal()
    MemoryReturn.configure()
    let runner = ConsoleRunner(config: config, profile: profile, credentials: credentials,
                               environment: ProcessInfo.processInfo.environment, theme: theme, readOnly: readOnly)
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do { continuation.resume(returning: try runner.run()) } catch { continuation.resume(throwing: error) }
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
    if status != 0 { throw ExitCode(status) }
}

/// Said before anything is set up: the console cannot run on a pipe.
func requireTerminal() throws {
    guard isatty(0) == 1, isatty(1) == 1 else {
        throw PaydeskError.usage("the console needs a terminal; for scripts use paydesk list, cancel and history")
    }
    try CursesTerminal.checkTerminalType()
}
