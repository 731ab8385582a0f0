import ArgumentParser
import Foundation
import PaydeskCore

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Append records from a JSON Lines or CSV file to the store: all of them, or none if any is bad.",
        discussion: """
            Every record is checked first, with the rules the store is read by; every bad one is listed with its \
            line number and nothing is appended. A CSV file's first row names the store's fields \
            (trace_id,requested_at,status,... or session_id,created_at,state,...); other columns are kept as text.
            """
    )

    @Argument(help: "sessions or payouts") var kind: StoreKindArgument
    @Argument(help: "The file to import; - reads standard input.", completion: .file()) var file: String
    @Option(help: "jsonl or csv (default: csv for a .csv file, else jsonl).") var format: Importer.Format?
    @Flag(help: "Import even records paydesk cancelled that the file would make open or pending again.") var force = false
    @Flag(help: "One JSON object per line, for scripts.") var json = false
    @OptionGroup var options: ProfileOptions

    func run() throws {
        let context = try options.context()
        switch kind {
        case .sessions: try importRecords(SessionKind.self, context)
        case .payouts: try importRecords(PayoutKind.self, context)
        }
    }

    private func importRecords<Kind: CancellableKind>(_ kind: Kind.Type, _ context: Context) throws {
        if context.profile.readOnly {
            throw PaydeskError.failed("profile \(context.profile.name) is read-only: nothing was imported")
        }
        let prepared = try Importer.prepare(kind, file: file, format: format ?? .guess(path: file))
        guard prepared.problems.isEmpty else {
            for problem in prepared.problems {
                if json {
                    Output.line(problem.json)
                } else {
                    Output.error(problem.description)
                }
            }
            let total = prepared.lines.count + prepared.problems.count
            throw PaydeskError.failed("nothing was imported: \(prepared.problems.count) bad record\(prepared.problems.count == 1 ? "" : "s") of \(total) in \(file). Fix them and import the file again")
        }
        let reopened = try ImportReopening.cancelledByPaydesk(kind, lines: prepared.lines, dataDirectory: context.dataDirectory)
        let named = reopened.prefix(20).map { String(describing: $0) }.joined(separator: ", ") + (reopened.count > 20 ? " and \(reopened.count - 20) more" : "")
        let what = "\(reopened.count) \(Kind.noun)\(reopened.count == 1 ? "" : "s") paydesk cancelled (\(named))"
        if !reopened.isEmpty && !force {
            throw PaydeskError.failed("nothing was imported: the file would make \(what) \(Kind.states[0]) again, though the gateway "
                + "cancelled \(reopened.count == 1 ? "it" : "them") (see paydesk history). The file may be older than the cancellation: "
                + "fix it, or add --force to import it as it is")
        }
        if !reopened.isEmpty {
            Output.error("WARNING: --force: \(what) \(reopened.count == 1 ? "is" : "are") \(Kind.states[0]) again in the store, though the gateway cancelled \(reopened.count == 1 ? "it" : "them")")
        }
        let path = context.storePath(kind)
        try StoreAppender.append(prepared.lines, to: path, sharing: context.sharing)
        if json {
            var o = JSONObjectWriter()
            o.add("profile", context.profile.name)
            o.add("store", path)
            o.add("appended", prepared.lines.count)
            if !reopened.isEmpty { o.add("reopened_cancelled", .array(reopened.map { .string(String(describing: $0)) })) }
            Output.line(o.text)
        } else {
            Output.line("\(context.profileLabel): appended \(prepared.lines.count) \(Kind.noun)\(prepared.lines.count == 1 ? "" : "s") to \(path)")
        }
    }
}

extension Importer.Format: ExpressibleByArgument {}
