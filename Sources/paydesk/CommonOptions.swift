import ArgumentParser
import Foundation
import PaydeskCore

/// `--profile` and `--home`, which every command takes.
struct ProfileOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The profile to use (default: the config's default_profile; TEST without a config).", valueName: "NAME"),
            completion: ConfigCompletions.profiles)
    var profile: String?

    @Option(name: .long, help: ArgumentHelp("Keep config, themes and data under DIR (as PAYDESK_HOME=DIR does).", valueName: "DIR"),
            completion: .directory)
    var home: String?

    /// Paths, config and the chosen profile, or a config error saying what to fix.
    func context() throws -> Context {
        let environment = ProcessInfo.processInfo.environment
        let paths = try PaydeskPaths.resolve(home: home, environment: environment)
        let config = try PaydeskConfig.load(paths: paths, environment: environment)
        let chosen = try config.profile(named: profile)
        return Context(paths: paths, config: config, profile: chosen, credentials: Credentials(environment: environment, sharing: config.sharing),
                       dataDirectory: try config.checkedDataDirectory(of: chosen))
    }
}

struct Context {
    let paths: PaydeskPaths
    let config: PaydeskConfig
    let profile: Profile
    let credentials: Credentials
    /// Checked: a real folder of this profile's own.
    let dataDirectory: String

    func storePath<Kind: RecordKind>(_ kind: Kind.Type) -> String { dataDirectory + "/" + Kind.fileName }

    /// The owner's alone, or a shared desk's: what paydesk writes gets its mode.
    var sharing: FileSharing { config.sharing }

    /// Who acts, and from where, as every audit entry records it.
    var origin: Origin { Origin.current(displayName: config.displayName) }

    /// `TEST` or `PROD (PRODUCTION)`: said on every human-facing summary, so nobody mistakes one for the other.
    var profileLabel: String { profile.production ? "\(profile.name) (PRODUCTION)" : profile.name }
}

/// `sessions` or `payouts`.
enum StoreKindArgument: String, ExpressibleByArgument, CaseIterable {
    case sessions, payouts
}

/// Reports a store's bad lines on stderr: the first few, and how to see them all.
func reportProblems<Kind: RecordKind>(_ store: StoreSnapshot<Kind>, shown: Int = 5) {
    guard store.problemCount > 0 else { return }
    for problem in store.problems.prefix(shown) { Output.error("warning: \(problem)") }
    let more = store.problemCount - min(shown, store.problems.count)
    Output.error("warning: \(store.problemCount) bad line\(store.problemCount == 1 ? "" : "s") skipped in \(store.path)"
        + (more > 0 ? " (\(more) not shown)" : "") + "; the file is unchanged. `paydesk store check` lists them all.")
}
