import ArgumentParser
import Foundation

/// `paydesk manual`: the man page, in mdoc, written from the same definitions as `--help`.
struct ManualCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manual",
        abstract: "Print the manual page (mdoc): paydesk manual > paydesk.1; man ./paydesk.1",
        shouldDisplay: false
    )

    func run() throws {
        Output.line(ManualPage.render(CommandTree.paydesk))
    }
}

/// A command tree as an mdoc(7) page: the root's text first, then one subsection per command.
enum ManualPage {
    static func render(_ root: CommandTree) -> String {
        var out = [".Dd \(date)", ".Dt \(root.commandName.uppercased()) 1", ".Os",
                   ".Sh NAME", ".Nm \(root.commandName)", ".Nd " + escaped(root.abstract ?? ""),
                   ".Sh SYNOPSIS", ".Nm", ".Op Ar command", ".Op Ar options",
                   ".Sh DESCRIPTION"]
        out += paragraphs(root.discussion)
        out += options(root)
        out.append(".Sh COMMANDS")
        for command in root.all.dropFirst() where command.shouldDisplay != false {
            out.append(".Ss " + escaped(command.path))
            out.append(".Nm\n.Cm " + escaped(command.path.split(separator: " ").dropFirst().joined(separator: " "))
                + synopsis(command))
            if let abstract = command.abstract, !abstract.isEmpty { out += [".Pp", escaped(abstract)] }
            out += paragraphs(command.discussion)
            out += options(command)
        }
        out += [".Sh SEE ALSO", "Each command's --help says the same, wrapped to the terminal."]
        return out.joined(separator: "\n")
    }

    private static var date: String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "MMMM d, yyyy"
        return formatter.string(from: Date())
    }

    /// The arguments on the command's `.Nm` line.
    private static func synopsis(_ command: CommandTree) -> String {
        var parts: [String] = []
        for argument in command.shownArguments {
            var part: String
            if argument.kind == "positional" {
                part = "Ar " + (argument.valueName ?? "value")
            } else {
                guard let name = argument.names?.first(where: { $0.kind == "long" }) ?? argument.names?.first else { continue }
                part = "Fl " + name.typed.dropFirst()
                if argument.kind == "option" { part += " Ar " + (argument.valueName ?? "value") }
            }
            if argument.isRepeating { part += " No ..." }
            parts.append(argument.isOptional ? "Op " + part : part)
        }
        return parts.isEmpty ? "" : "\n" + parts.map { "." + $0 }.joined(separator: "\n")
    }

    /// One `.It` per argument, with its help.
    private static func options(_ command: CommandTree) -> [String] {
        let shown = command.shownArguments
        guard !shown.isEmpty else { return [] }
        var out = [".Bl -tag -width 6n"]
        for argument in shown {
            if argument.kind == "positional" {
                out.append(".It Ar " + (argument.valueName ?? "value"))
            } else {
                let names = (argument.names ?? []).map { "Fl " + $0.typed.dropFirst() }.joined(separator: " , ")
                out.append(".It " + names + (argument.kind == "option" ? " Ar " + (argument.valueName ?? "value") : ""))
            }
            var text = argument.abstract ?? ""
            if let value = argument.defaultValue, !value.isEmpty { text += " (default: \(value))" }
            if !text.isEmpty { out.append(escaped(text)) }
            out += paragraphs(argument.discussion)
        }
        out.append(".El")
        return out
    }

    /// Paragraphs apart with `.Pp`; indented lines (a list in the help) kept as they are.
    private static func paragraphs(_ text: String?) -> [String] {
        guard let text, !text.isEmpty else { return [] }
        var out: [String] = []
        var literal = false, paragraphStarts = true
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let indented = line.hasPrefix(" ")
            if literal && !indented {
                out.append(".Ed")
                literal = false
                paragraphStarts = true
            }
            if line.isEmpty {
                paragraphStarts = true
            } else if indented {
                if !literal { out.append(".Bd -literal -offset indent") }
                literal = true
                out.append(escaped(String(line.drop { $0 == " " })))
            } else {
                if paragraphStarts { out.append(".Pp") }
                paragraphStarts = false
                out.append(escaped(String(line)))
            }
        }
        if literal { out.append(".Ed") }
        return out
    }

    /// Text for a roff text line: backslashes escaped, a leading dot or quote made literal.
    static func escaped(_ text: String) -> String {
        let body = text.replacingOccurrences(of: "\\", with: "\\e")
        return body.hasPrefix(".") || body.hasPrefix("'") ? "\\&" + body : body
    }
}
