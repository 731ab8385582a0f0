import Foundation
import Testing
@testable import PaydeskCore
@testable import paydesk

/// The help texts, from the command definitions.
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
                let apart = line.isEmpty || next.isEmpty || line.hasPrefix(" ") || next.hasPrefix(" ") || line.hasSuffix(":")
                #expect(apart, "\(place): a line break inside a paragraph, after \"\(line.suffix(30))\"")
            }
            for line in lines where !line.hasPrefix(" ") {
                #expect(!line.contains("   "), "\(place): a source line's indentation inside a paragraph")
            }
        }
    }

    @Test func theCheckOnHandWrappingCatchesIt() {
        func broken(_ text: String) -> Bool {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            return lines.indices.dropLast().contains { k in
                !(lines[k].isEmpty || lines[k + 1].isEmpty || lines[k].hasPrefix(" ") || lines[k + 1].hasPrefix(" ") || lines[k].hasSuffix(":"))
            }
        }
        #expect(broken("one sentence cut\nin the middle"))
        #expect(!broken("One paragraph.\n\nAnother.\n  a list item\n  another"))
    }
}
}
