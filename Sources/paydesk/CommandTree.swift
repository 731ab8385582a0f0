import ArgumentParser
import Foundation

/// The commands, options and help texts as ArgumentParser itself describes them (its `--experimental-dump-help`):
/// the one source for the manual page and for the tests of the help texts.
struct CommandTree: Decodable {
    struct Name: Decodable {
        let kind: String
        let name: String
        var typed: String { kind == "long" ? "--" + name : "-" + name }
    }

    struct Argument: Decodable {
        /// `positional`, `option` or `flag`.
        let kind: String
        let shouldDisplay: Bool
        let isOptional: Bool
        let isRepeating: Bool
        let names: [Name]?
        let valueName: String?
        let defaultValue: String?
        let abstract: String?
        let discussion: String?
    }

    let commandName: String
    let superCommands: [String]?
    let abstract: String?
    let discussion: String?
    let shouldDisplay: Bool?
    let subcommands: [CommandTree]?
    let arguments: [Argument]?

    /// `paydesk audit verify`.
    var path: String { ((superCommands ?? []) + [commandName]).joined(separator: " ") }

    /// This command and every command under it, depth first.
    var all: [CommandTree] { [self] + (subcommands ?? []).flatMap(\.all) }

    /// Arguments a person sees in the help: not the hidden ones, `--help`, or (but on the root) `--version`.
    var shownArguments: [Argument] {
        let generated: Set = superCommands == nil ? ["help"] : ["help", "version"]
        return (arguments ?? []).filter { $0.shouldDisplay && $0.names?.contains { generated.contains($0.name) } != true }
    }

    static var paydesk: CommandTree {
        let json: String
        do {
            _ = try Paydesk.parseAsRoot(["--experimental-dump-help"])
            fatalError("ArgumentParser did not answer --experimental-dump-help")
        } catch {
            json = Paydesk.fullMessage(for: error)
        }
        struct ToolInfo: Decodable { let command: CommandTree }
        do {
            return try JSONDecoder().decode(ToolInfo.self, from: Data(json.utf8)).command
        } catch {
            fatalError("ArgumentParser's description of the commands could not be read: \(error)")
        }
    }
}
