import ArgumentParser
import Foundation
import PaydeskCore

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check the audit trail.",
        subcommands: [Verify.self]
    )

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Walk the audit trail's hash chain: exit 0 and the count when whole, exit 1 naming the first line that breaks it.",
            discussion: """
                Each line carries the SHA-256 of the line before it, and audit.head the last line's: an edited, deleted
                or reordered line, or a cut end, breaks the chain.
                """
        )
        @Flag(help: "One JSON object, for scripts.") var json = false
        @OptionGroup var options: ProfileOptions

        func run() throws {
            let context = try options.context()
            let log = AuditLog(directory: context.dataDirectory)
            let verification = try log.verify()
            if json {
                var o = JSONObjectWriter()
                o.add("file", log.path)
                o.add("whole", verification.broken == nil)
                o.add("entries", verification.count)
                o.add("broken_line", verification.broken?.line)
                o.add("problem", verification.broken?.message)
                Output.line(o.text)
            } else if let broken = verification.broken {
                Output.line("BROKEN: \(broken)")
                Output.line("\(verification.count) entries before it are whole.")
            } else {
                Output.line("\(log.path): whole, \(verification.count) entries")
            }
            if verification.broken != nil { throw ExitCode.failure }
        }
    }
}
