import ArgumentParser
import Foundation
import PaydeskCore

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check the audit trail, and acknowledge a break in it.",
        subcommands: [Verify.self, Acknowledge.self]
    )

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Walk the audit trail's hash chain: exit 0 and the count when whole, exit 1 naming the first line that breaks it.",
            discussion: """
                Each line carries the SHA-256 of the line before it, and audit.head the last line's: an edited, deleted \
                or reordered line, a cut end, a trail from another profile, or a trail missing while attempts left \
                evidence breaks the chain. Breaks acknowledged with `paydesk audit acknowledge` are listed, not failed.

                With --against FILE, the trail is also compared with the copy a syslog daemon wrote (audit_syslog): \
                the first entry whose hash differs from the copy's, that the copy lacks, or that only the copy holds is \
                named, so a trail rewritten consistently with its head is caught.
                """
        )
        @Option(help: ArgumentHelp("A file a syslog daemon wrote from audit_syslog (raw RFC 5424 or rsyslog's default format); "
                                   + "repeat it for rotated files.", valueName: "FILE"), completion: .file())
        var against: [String] = []
        @Flag(help: "One JSON object, for scripts.") var json = false
        @OptionGroup var options: ProfileOptions

        func run() throws {
            let context = try options.context()
            let log = AuditLog(directory: context.dataDirectory, sharing: context.sharing)
            let verification = try log.verify(profile: context.profile.name)
            let copyCheck = against.isEmpty ? nil : try log.disagreement(withCopy: against, profile: context.profile.name)
            let copyProblem = copyCheck?.problem
            if json {
                var o = JSONObjectWriter()
                o.add("file", log.path)
                o.add("whole", verification.broken == nil)
                o.add("entries", verification.count)
                o.add("broken_line", verification.broken?.line)
                o.add("problem", verification.broken?.message)
                o.add("head_behind_by", verification.headBehindBy)
                if let copyCheck {
                    o.add("against", .array(against.map { .string($0) }))
                    o.add("copy_agrees", copyProblem == nil)
                    o.add("copy_problem", copyProblem)
                    o.add("entries_before_the_copy", copyCheck.predating)
                }
                o.add("acknowledged", .array(verification.acknowledged.map { ack in
                    var a = JSONObjectWriter()
                    a.add("line", ack.line)
                    a.add("at", ack.entry.at.rfc3339)
                    a.add("operator", ack.entry.operatorName)
                    a.add("reason", ack.entry.reason)
                    a.add("acknowledges", ack.entry.acknowledges)
                    return a.value
                }))
                Output.line(o.text)
            } else {
                for ack in verification.acknowledged {
                    // The trail's text may have been edited by anyone: never raw to the terminal.
                    Output.line(printable("acknowledged at line \(ack.line) by \(ack.entry.operatorName), \(ack.entry.at.display): "
                        + "\(ack.entry.acknowledges ?? "") (reason: \(ack.entry.reason ?? ""))"))
                }
                if let broken = verification.broken {
                    Output.line(printable("BROKEN: \(broken)"))
                    Output.line("\(verification.count) entries before it are whole. Find the cause (a restored backup, an edit, a deletion); "
                        + "then `paydesk audit acknowledge --reason TEXT` records it, and cancelling can go on.")
                } else {
                    Output.line("\(log.path): whole, \(verification.count) entries")
                }
                if let copyCheck {
                    Output.line(printable(copyProblem.map { "DIFFERS FROM THE SYSLOG COPY: \($0)" }
                        ?? "the syslog copy (\(against.joined(separator: ", "))) agrees, entry for entry"))
                    if copyCheck.predating > 0 {
                        Output.line("\(copyCheck.predating) entr\(copyCheck.predating == 1 ? "y predates" : "ies predate") the copy (written before audit_syslog was set): not compared")
                    }
                }
                if let behind = verification.headBehindBy {
                    Output.error("warning: \(log.headPath) is behind by \(behind) entr\(behind == 1 ? "y" : "ies") (it could not be written, "
                        + "a full disk or a read-only folder); the chain itself is whole, and the next entry catches it up")
                }
            }
            if verification.broken != nil || copyProblem != nil { throw ExitCode.failure }
        }
    }

    struct Acknowledge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that you have seen a break in the audit trail, so cancelling can go on.",
            discussion: """
                Appends an `acknowledge` entry naming the break `paydesk audit verify` finds, your account and your reason, \
                chained to the trail exactly as it is (the broken lines stay, for whoever looks next). Nothing is repaired \
                and nothing is deleted. Attempts whose records were lost are not known any more: check them with the \
                gateway before cancelling them again.
                """
        )
        @Option(help: "Why the break is accepted (what caused it, who checked).") var reason: String
        @OptionGroup var options: ProfileOptions

        func run() throws {
            let context = try options.context()
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw PaydeskError.usage("--reason must say why") }
            if context.profile.readOnly { throw PaydeskError.failed("profile \(context.profile.name) is read-only: nothing was written") }
            let log = AuditLog(directory: context.dataDirectory, sharing: context.sharing, copy: context.config.auditCopy)
            guard let appended = try log.acknowledge(operatorName: context.config.operatorName, profile: context.profile.name,
                                                     reason: reason, at: .now, origin: context.origin) else {
                Output.line("\(context.profileLabel): \(log.path) is whole; there is nothing to acknowledge")
                return
            }
            Output.line(printable("\(context.profileLabel): acknowledged as entry \(appended.entry.seq): \(appended.entry.acknowledges ?? "")"))
            if let warning = appended.headWarning { Output.error("WARNING: \(warning)") }
            if let warning = appended.copyWarning { Output.error("WARNING: \(warning)") }
        }
    }
}
