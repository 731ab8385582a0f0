import ArgumentParser
import Foundation
import PaydeskCore

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Cancellation attempts of the profile, newest first, with in-doubt attempts marked.",
        discussion: """
            RESULT is one word, the one the console shows: in-flight, checking, IN-DOUBT (the intent was written \
            but no outcome: the process died mid-call, and the cancellation may have happened), UNKNOWN (the answer \
            proved nothing), cancelled, rejected, failed, or for an attempt in doubt that a check settled, \
            checked-cancelled, checked-open or checked-closed, with the check's answer and id. IN-DOUBT and UNKNOWN \
            must be checked with the gateway before a retry (paydesk check). --result takes the same words.
            """
    )

    @Option(help: ArgumentHelp("Only attempts on this session id or trace id.", valueName: "ID")) var target: String?
    @Option(help: ArgumentHelp("Only attempts since this time (2026-11-21 or 2026-11-21T09:00:00Z).", valueName: "DATE")) var since: String?
    @Option(help: ArgumentHelp("Only attempts in this state, in any case: \(StateWord.words.joined(separator: ", ")).", valueName: "WORD"),
            completion: .list(StateWord.words))
    var result: String?
    @Option(help: "At most this many attempts.") var limit: Int?
    @Flag(help: "One JSON object per line, for scripts.") var json = false
    @OptionGroup var options: ProfileOptions

    func validate() throws {
        if let result, StateWord(typed: result) == nil {
            throw ValidationError("--result must be one of \(StateWord.words.joined(separator: ", ")) (the words the console shows)")
        }
        if let since, Self.parseSince(since) == nil {
            throw ValidationError("--since must be a date (2026-11-21) or an RFC 3339 time (2026-11-21T09:00:00Z)")
        }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    static func parseSince(_ text: String) -> Timestamp? {
        Timestamp.parseRFC3339(text) ?? Timestamp.parseRFC3339(text + "T00:00:00Z")
    }

    func run() throws {
        let context = try options.context()
        let (all, problems) = try AttemptHistory.load(directory: context.dataDirectory)
        for problem in problems.prefix(5) { Output.error("warning: \(problem)") }
        if !problems.isEmpty { Output.error("warning: \(problems.count) unreadable audit lines; run `paydesk audit verify`") }
        let start = since.flatMap(Self.parseSince), word = result.flatMap(StateWord.init(typed:))
        var shown = all.filter { attempt in
            (target == nil || attempt.target == target)
                && (start.map { attempt.intent.at >= $0 } ?? true)
                && (word.map { $0 == attempt.word } ?? true)
        }
        if let limit { shown = Array(shown.prefix(limit)) }

        if json {
            for attempt in shown { Output.line(Self.json(attempt)) }
            return
        }
        var table = TextTable(["TIME", "OPERATOR", "GATEWAY", "TARGET", "AMOUNT", "RESULT", "HTTP", "STATUS", "DESCRIPTION", "REASON"],
                              rightAligned: [4])
        for attempt in shown {
            let o = attempt.outcome?.outcome
            var description = o?.description ?? ""
            if let check = attempt.resolution ?? attempt.checks.last(where: { $0.resolves == attempt.id }), let facts = check.outcome {
                description = [description, "check \(check.attemptId) at \(check.at.display) by \(check.operatorName): "
                    + "\(check.verdict?.rawValue ?? "?"), \(facts.description)"].filter { !$0.isEmpty }.joined(separator: " · ")
            }
            if attempt.needsChecking {
                // First, so a table cut to the terminal's width keeps the instruction and cuts the gateway's words.
                description = ["check with the gateway before retrying (paydesk check)", description].filter { !$0.isEmpty }.joined(separator: " · ")
            }
            table.add([attempt.intent.at.display, attempt.intent.origin?.who ?? attempt.intent.operatorName, attempt.gateway, attempt.target,
                       attempt.intent.amount?.text ?? "", attempt.word.shown,
                       o?.httpStatus.map(String.init) ?? "", o?.gatewayStatus ?? "", description, attempt.intent.reason ?? ""])
        }
        if !shown.isEmpty { table.printed(width: terminalWidth()) }
        Output.flush()
        let doubtful = shown.filter(\.needsChecking).count
        Output.error("\(context.profileLabel): \(shown.count) attempt\(shown.count == 1 ? "" : "s")"
            + (doubtful > 0 ? ", \(doubtful) to check with the gateway (in doubt or unknown)" : ""))
    }

    static func json(_ attempt: Attempt) -> String { AttemptJSON.attempt(attempt).text }
}
