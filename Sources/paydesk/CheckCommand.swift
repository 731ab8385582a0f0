import ArgumentParser
import Foundation
import Gateways
import PaydeskCore

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Ask the gateway what a session or payout is now, record the answer, and act on it.",
        discussion: """
            XPay: GET build/state. Praxis: find-transaction (signed both ways). The verdict:
              cancelled  the gateway shows it cancelled (the store is marked cancelled, later cancels are refused)
              open       still open or pending there: nothing happened, a new attempt is safe (no --retry-unknown needed)
              closed     it ended otherwise (paid, approved, declined): it can no longer be cancelled
              unknown    the check failed or did not settle it (the reason is said)

            The answer is written to the audit trail as a check, linked to the attempt in doubt it resolves. \
            A check changes nothing at the gateway, so it works on read-only profiles (it needs the credentials).

            Exit status: 0 the gateway answered conclusively, 1 the check failed, 2 bad usage or configuration, \
            3 inconclusive.
            """
    )

    @Argument(help: "session or payout") var kind: CancelCommand.TargetKind
    @Argument(help: "The session id or the payout's trace id.") var id: String
    @Flag(help: "One JSON object, for scripts.") var json = false
    @OptionGroup var options: ProfileOptions

    func run() async throws {
        let context = try options.context()
        switch kind {
        case .session:
            guard let key = SessionKind.key(parsing: id) else { throw PaydeskError.usage("\"\(id)\" is not a session id") }
            try await check(SessionKind.self, key: key, context, gateway: try XPayClient(profile: context.profile, credentials: context.credentials))
        case .payout:
            guard let key = PayoutKind.key(parsing: id) else { throw PaydeskError.usage("\"\(id)\" is not a trace id (a positive whole number)") }
            try await check(PayoutKind.self, key: key, context, gateway: try PraxisClient(profile: context.profile, credentials: context.credentials))
        }
    }

    private func check<Kind: CancellableKind>(_ kind: Kind.Type, key: Kind.Key, _ context: Context, gateway: StateGateway) async throws {
        let service = CancellationService(profile: context.profile, dataDirectory: context.dataDirectory, operatorName: context.config.operatorName,
                                          origin: context.origin, sharing: context.sharing, auditCopy: context.config.auditCopy)
        // Ctrl-C ends the call, not the process: what came back (nothing) is still written.
        let call = Task { try await service.checkWithGateway(kind, key: key, gateway: gateway) }
        let signals = InterruptForwarding { call.cancel() }
        let report = try await call.value
        withExtendedLifetime(signals) {}
        let what = Kind.describe(key)
        let check = report.check, facts = report.check.facts
        if json {
            // The check as history's resolved_by shows it, then what only this run knows.
            var o = AttemptJSON.check(report.entry)
            o.add("check_failed", check.failed)
            o.add("store_marked_cancelled", report.storeMarked && report.storeWriteError == nil)
            o.add("audit_write_error", report.auditWriteError)
            o.add("store_write_error", report.storeWriteError)
            o.add("audit_head_warning", report.auditHeadWarning)
            Output.line(o.text)
        } else {
            let word = check.failed ? "CHECK FAILED" : check.verdict.rawValue.uppercased()
            Output.line("\(context.profileLabel)  \(what)  \(word): \(check.failed ? "the gateway could not be asked; nothing is settled" : check.verdict.meaning)")
            Output.line("  \(printable(facts.description))")
            Output.line("  " + facts.factsLine(endingWith: "check \(report.checkId)"))
            if let resolves = report.resolves {
                Output.line("  " + (check.verdict.isConclusive ? "resolves attempt \(resolves)" : "attempt \(resolves) stays in doubt"))
            }
            if report.storeMarked, report.storeWriteError == nil { Output.line("  the store now says \(what) is cancelled") }
        }
        if let error = report.auditWriteError {
            Output.error("WARNING: the check could not be written to the audit trail (\(error)); nothing was acted on")
        }
        if let warning = report.auditHeadWarning { Output.error("WARNING: \(warning)") }
        if let warning = report.auditCopyWarning { Output.error("WARNING: \(warning)") }
        if let error = report.storeWriteError {
            Output.error("WARNING: the gateway shows it cancelled, but the store could not be updated (\(error))")
        }
        Output.flush()
        if report.auditWriteError != nil || check.failed { throw ExitCode.failure }
        if !check.verdict.isConclusive { throw ExitCode(3) }
    }
}
