import ArgumentParser
import PaydeskCore

/// `paydesk version` (and `paydesk --version`): what to put in a bug report.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print paydesk's version and how it was built.")

    func run() throws {
        Output.line(Self.text)
    }

    /// `paydesk 0.12.0 (release build, Linux x86_64)`.
    static var text: String {
        #if DEBUG
        let build = "debug build"
        #else
        let build = "release build"
        #endif
        #if arch(x86_64)
        let arch = "x86_64"
        #elseif arch(arm64)
        let arch = "arm64"
        #else
        let arch = "another architecture"
        #endif
        #if os(Linux)
        let system = "Linux"
        #else
        let system = "not Linux"
        #endif
        return "paydesk \(Origin.paydeskVersion) (\(build), \(system) \(arch))"
    }
}
