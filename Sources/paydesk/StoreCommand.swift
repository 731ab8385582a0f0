import ArgumentParser
import Foundation
import PaydeskCore

struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Look after the store files.",
        subcommands: [Compact.self, Check.self]
    )

    struct Compact: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rewrite store files to the latest line of each record, keeping the old file beside it.",
            discussion: """
                Writes a new file, syncs it, reads it back, and renames it into place; the old file stays as \
                FILE.<UTC time>.old, bad lines included. Refuses while another process holds the store's lock.
                """
        )
        @Argument(help: "sessions or payouts (default: both)") var kind: StoreKindArgument?
        @Flag(help: "One JSON object per line, for scripts.") var json = false
        @OptionGroup var options: ProfileOptions

        func run() throws {
            let context = try options.context()
            if kind != .payouts { try compact(SessionKind.self, context) }
            if kind != .sessions { try compact(PayoutKind.self, context) }
        }

        private func compact<Kind: RecordKind>(_ kind: Kind.Type, _ context: Context) throws {
            if context.profile.readOnly {
                throw PaydeskError.failed("profile \(context.profile.name) is read-only: its store files are not rewritten")
            }
            let report = try StoreCompactor.compact(kind, path: context.storePath(kind), sharing: context.sharing)
            if json {
                var o = JSONObjectWriter()
                o.add("store", report.path)
                o.add("lines_before", report.linesBefore)
                o.add("records", report.records)
                o.add("bad_lines_left_in_old_file", report.badLinesLeft)
                o.add("old_file", report.keptOldFile)
                o.add("late_lines_moved", report.lateLinesMoved)
                o.add("late_lines_not_carried", report.lateLinesNotCarried)
                o.add("late_bytes_in_old_file", report.lateBytesInOldFile)
                Output.line(o.text)
                return
            }
            guard let kept = report.keptOldFile else {
                Output.line("\(report.path): \(report.records == 0 ? "no records yet" : "already one line per record"), left as it is")
                return
            }
            Output.line("\(report.path): \(report.linesBefore) lines -> \(report.records) records; the old file is kept as \(kept)")
            if report.badLinesLeft > 0 {
                Output.line("  \(report.badLinesLeft) bad line\(report.badLinesLeft == 1 ? " was" : "s were") not carried over; they remain in \(kept)")
            }
            if report.lateLinesMoved > 0 {
                Output.line("  \(report.lateLinesMoved) line\(report.lateLinesMoved == 1 ? "" : "s") written to the old file just after the swap were carried over")
            }
            if report.lateLinesNotCarried > 0 {
                Output.error("warning: \(report.lateLinesNotCarried) line\(report.lateLinesNotCarried == 1 ? "" : "s") written to the old file just after "
                    + "the swap were not carried over: the new file already had a newer line for the same record. They are only in \(kept)")
            }
            if report.lateBytesInOldFile > 0 {
                Output.error("warning: \(report.lateBytesInOldFile) bytes reached the old file too late or incomplete; they are only in \(kept): "
                    + "check them and import whole lines with `paydesk import`")
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every bad line of the store files (exit 1 if there is any).",
            discussion: "Reading never changes a store file: bad lines are skipped and left as they are, for you to fix or compact away."
        )
        @Argument(help: "sessions or payouts (default: both)") var kind: StoreKindArgument?
        @Flag(help: "One JSON object per line, for scripts.") var json = false
        @OptionGroup var options: ProfileOptions

        func run() throws {
            let context = try options.context()
            var bad = 0
            if kind != .payouts { bad += try check(SessionKind.self, context) }
            if kind != .sessions { bad += try check(PayoutKind.self, context) }
            if bad > 0 { throw ExitCode.failure }
        }

        private func check<Kind: RecordKind>(_ kind: Kind.Type, _ context: Context) throws -> Int {
            let store = try StoreSnapshot<Kind>.load(path: context.storePath(kind))
            for problem in store.problems {
                if json {
                    Output.line(problem.json)
                } else {
                    Output.line(problem.description)
                }
            }
            if !json {
                let unlisted = store.problemCount - store.problems.count
                Output.line("\(store.path): \(store.lineCount) lines, \(store.records.count) records, \(store.problemCount) bad"
                    + (unlisted > 0 ? " (the first \(store.problems.count) listed)" : ""))
            }
            return store.problemCount
        }
    }
}
