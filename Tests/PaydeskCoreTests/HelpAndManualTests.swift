import Foundation
import Testing
@testable import PaydeskCore
@testable import paydesk

/// The help texts, the manual page and the shell completions, all from the one set of command definitions.
extension PaydeskTests {
@Suite struct HelpAndManualTests {
    /// Every text the help shows, with where it comes from.
    private var helpTexts: [(String, String)] {
        CommandTree.paydesk.all.flatMap { command in
            [("\(command.path): abstract", command.abstract ?? ""), ("\(command.path): discussion", command.discussion ?? "")]
                + (command.arguments ?? []).flatMap { argument in
                    let name = argument.names?.first?.typed ?? argument.valueName ?? "?"
                    return [("\(command.path) \(name)", argument.abstract ?? ""), ("\(command.path) \(name): discussion", argument.discussion ?? "")]
                }
        }
    }

    /// The parser wraps text to the terminal; a line break of our own is allowed only beside a blank line (between
    /// paragraphs) or an indented one (a list, kept as written).
    @Test func noHelpTextIsWrappedByHand() {
        #expect(helpTexts.count > 50, "the walk reaches every command and argument")
        for (place, text) in helpTexts {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            for k in lines.indices.dropLast() {
                let (line, next) = (lines[k], lines[k + 1])
                let apart = Self.isApart(line, next)
                #expect(apart, "\(place): a line break inside a paragraph, after \"\(line.suffix(30))\"")
            }
            for line in lines where !line.hasPrefix(" ") {
                #expect(!line.contains("   "), "\(place): a source line's indentation inside a paragraph")
            }
        }
    }

    /// Two lines of help that may stand apart: beside a blank line, an indented line, or after a colon.
    private static func isApart(_ line: Substring, _ next: Substring) -> Bool {
        line.isEmpty || next.isEmpty || line.hasPrefix(" ") || next.hasPrefix(" ") || line.hasSuffix(":")
    }

    @Test func theCheckOnHandWrappingCatchesIt() {
        func broken(_ text: String) -> Bool {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            return lines.indices.dropLast().contains { k in !Self.isApart(lines[k], lines[k + 1]) }
        }
        #expect(broken("one sentence cut\nin the middle"))
        #expect(!broken("One paragraph.\n\nAnother.\n  a list item\n  another"))
    }

    @Test func theManualHasEveryCommandAndOption() async throws {
        let result = try await runPaydesk(["manual"], environment: [:])
        #expect(result.status == 0, "\(result.stderr)")
        let page = result.stdout
        #expect(page.hasPrefix(".Dd "))
        let tree = CommandTree.paydesk
        let commands = tree.all.dropFirst().filter { $0.shouldDisplay != false }
        #expect(commands.map(\.path).contains("paydesk audit verify") && commands.map(\.path).contains("paydesk store compact"))
        for command in commands {
            #expect(page.contains(".Ss \(command.path)\n"), "\(command.path) has a section")
            for argument in command.shownArguments where argument.kind != "positional" {
                for name in argument.names ?? [] {
                    #expect(page.contains("Fl \(name.typed.dropFirst())"), "\(command.path) \(name.typed)")
                }
            }
        }
        for option in ["Fl -retry-unknown", "Fl -against Ar FILE", "Fl -result Ar WORD", "Fl -dry-run"] {
            #expect(page.contains(option))
        }
        #expect(!page.contains(".Ss paydesk manual"), "the hidden command stays out")
        // groff reads it without a warning, when it is installed.
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/groff") {
            let folder = TemporaryDirectory()
            let file = folder.write("paydesk.1", page)
            let groff = Process()
            groff.executableURL = URL(fileURLWithPath: "/usr/bin/groff")
            groff.arguments = ["-mandoc", "-Tutf8", "-ww", "-z", file]
            let err = Pipe()
            groff.standardError = err
            try groff.run()
            let warnings = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            try await groff.exited()
            #expect(warnings.isEmpty, "\(warnings)")
            withExtendedLifetime(folder) {}
        }
    }

    @Test func profileAndThemeCompleteFromTheConfig() async throws {
        let home = TemporaryDirectory("paydesk-home")
        home.write("config.toml", """
            default_profile = "STAGING"
            [profiles.STAGING]
            production = false
            [profiles.LIVE-EU]
            production = true
            """)
        home.write("themes/solarized.toml", "# my own\n")
        func complete(_ words: [String]) async throws -> [String] {
            let result = try await runPaydesk(["---completion"] + words, environment: [:])
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout.split(separator: "\n").map(String.init)
        }
        let profiles = try await complete(["list", "--", "--profile", "4", "0", "list", "--home", home.path, "--profile", ""])
        #expect(Set(profiles) == ["STAGING", "LIVE-EU"])
        let joined = try await complete(["cancel", "--", "--profile", "3", "0", "cancel", "--home=\(home.path)", "--profile", ""])
        #expect(Set(joined) == ["STAGING", "LIVE-EU"])
        let themes = try await complete(["console", "--", "--theme", "4", "0", "console", "--home", home.path, "--theme", ""])
        #expect(themes.contains("default") && themes.contains("monochrome") && themes.contains("solarized"))

        home.write("config.toml", "[profiles.STAGING\nproduction = \n")
        let broken = try await runPaydesk(["---completion", "list", "--", "--profile", "4", "0", "list", "--home", home.path, "--profile", ""], environment: [:])
        #expect(broken.status == 0 && broken.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && broken.stderr.isEmpty,
                "a broken config completes nothing, silently")
    }

    @Test func theScriptsAskPaydeskForProfilesAndCompleteFiles() async throws {
        for shell in ["bash", "zsh", "fish"] {
            let result = try await runPaydesk(["--generate-completion-script", shell], environment: [:])
            #expect(result.status == 0)
            #expect(result.stdout.contains("---completion list -- --profile"), "\(shell) asks paydesk for the profiles")
        }
        let bash = try await runPaydesk(["--generate-completion-script", "bash"], environment: [:]).stdout
        func block(_ function: String) -> Substring {
            guard let start = bash.range(of: "\n\(function)() {") else { return "" }
            let rest = bash[start.upperBound...]
            return rest[..<(rest.range(of: "\n}\n")?.lowerBound ?? rest.endIndex)]
        }
        #expect(block("_paydesk_import").contains("2)\n        __paydesk_add_completions -f"), "import's FILE completes files")
        #expect(block("_paydesk_audit_verify").contains("'--against')\n        __paydesk_add_completions -f"), "so does --against")
        #expect(block("_paydesk_list").contains("'--home')\n        __paydesk_add_completions -d"), "--home completes folders")
    }
}
}
