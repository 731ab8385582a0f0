import ArgumentParser
import Foundation
import Gateways
import PaydeskCore

struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel an open XPay session or a pending Praxis payout.",
        discussion: """
            Refuses, without calling anything, a target that is not in the store, already cancelled, expired or not \
            pending, on a read-only profile, or with an earlier attempt whose result is unknown. The intent is written \
            to the audit trail before the request leaves; the outcome when it is known.

            On a terminal it asks first; on a production profile the target must be typed, or given with --confirm.

            Exit status: 0 cancelled, 1 rejected, failed or refused, 2 bad usage or configuration, 3 unknown \
            (it may have happened: paydesk check asks the gateway and settles it).
            """
    )

    @Argument(help: "session or payout") var kind: TargetKind
    @Argument(help: "The session id or the payout's trace id.") var id: String
    @Option(help: "Why: written to the audit trail. Required on a production profile (asked for on a terminal).") var reason: String?
    @Flag(help: "Do not ask (on a production profile --confirm is still needed).") var yes = false
    @Option(help: ArgumentHelp("On a production profile: the target again, to confirm.", valueName: "ID")) var confirm: String?
    @Flag(help: "Print the exact request (secrets masked) and send nothing.") var dryRun = false
    @Flag(help: "Retry although an earlier attempt's result is unknown: only after checking with the gateway that it did not go through.")
    var retryUnknown = false
    @Flag(help: "One JSON object, for scripts.") var json = false
    @OptionGroup var options: ProfileOptions

    enum TargetKind: String, ExpressibleByArgument, CaseIterable { case session, payout }

    func run() async throws {
        let context = try options.context()
        switch kind {
        case .session:
            guard let key = SessionKind.key(parsing: id) else { throw PaydeskError.usage("\"\(id)\" is not a session id") }
            try await cancel(SessionKind.self, key: key, context) { try XPayClient(profile: $0, credentials: $1) }
        case .payout:
            guard let key = PayoutKind.key(parsing: id) else { throw PaydeskError.usage("\"\(id)\" is not a trace id (a positive whole number)") }
            try await cancel(PayoutKind.self, key: key, context) { try PraxisClient(profile: $0, credentials: $1) }
        }
    }

    private func cancel<Kind: CancellableKind>(_ kind: Kind.Type, key: Kind.Key, _ context: Context,
                                                            client: (Profile, Credentials) throws -> any CancelGateway & DryRunnable) async throws {
        let service = CancellationService(profile: context.profile, dataDirectory: context.dataDirectory, operatorName: context.config.operatorName,
                                          origin: context.origin, sharing: context.sharing, auditCopy: context.config.auditCopy)
        // Only the target's lines are read: the service looks again, under the target's lock, when it sends.
        let (record, refusal) = try service.preview(kind, key: key, retryUnknown: retryUnknown)
        if let why = refusal { throw PaydeskError.failed("refused: \(why); nothing was sent") }
        let gateway = try client(context.profile, context.credentials)
        let target = String(describing: key)

        if dryRun {
            let request = gateway.dryRunRequest(target: target)
            if json {
                var o = JSONObjectWriter()
                o.add("method", "POST")
                o.add("url", request.url.absoluteString)
                o.add("headers", .object(request.headers.map { ($0.0, .string($0.1)) }))
                o.add("body", (try? JSONValue.parse(request.body)) ?? .string(String(decoding: request.body, as: UTF8.self)))
                Output.line(o.text)
            } else {
                Output.line("POST \(request.url.absoluteString)")
                for (name, value) in request.headers { Output.line("\(name): \(value)") }
                Output.line("")
                Output.line(String(decoding: request.body, as: UTF8.self))
                Output.flush()
                Output.error("\(context.profileLabel): dry run, nothing was sent")
            }
            return
        }

        let reason = try confirmWithOperator(Kind.describe(key), target: target, record: record?.line?.fields, context)

        // Ctrl-C or a TERM mid-call ends the call, not the process: the outcome (unknown) is still written.
        let call = Task { try await service.cancel(kind, key: key, reason: reason, retryUnknown: retryUnknown, gateway: gateway) }
        let signals = InterruptForwarding { call.cancel() }
        let report = try await call.value
        withExtendedLifetime(signals) {}
        try show(report, what: Kind.describe(key), context)
    }

    /// Asks (or checks `--confirm`), and returns the reason to record: on a production profile there must be one,
    /// given with `--reason` or typed at the prompt.
    private func confirmWithOperator(_ what: String, target: String, record: RecordFields?, _ context: Context) throws -> String? {
        let production = context.profile.production
        let given = reason?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty == false ? reason : nil
        if production, let confirm {
            guard confirm == target else {
                throw PaydeskError.usage("--confirm \(confirm) does not match \(target): nothing was sent")
            }
            guard let given else {
                throw PaydeskError.usage("\(context.profile.name) is a production profile: say why with --reason TEXT (it is written to the audit trail); nothing was sent")
            }
            return given
        }
        if yes && !production { return given }
        guard isatty(0) == 1, isatty(2) == 1 else {
            throw PaydeskError.usage(production
                ? "\(context.profile.name) is a production profile: repeat the target with --confirm \(target) (or run on a terminal and type it)"
                : "not a terminal, so paydesk cannot ask: add --yes to cancel \(what) on \(context.profile.name)")
        }
        let summary = [record?.text("order_id"), record?.amountText, record?.text("customer_id")]
            .compactMap { $0 }.filter { !$0.isEmpty }.map(printable).joined(separator: ", ")
        Output.error("Cancel \(what)\(summary.isEmpty ? "" : " (\(summary))") on \(context.profileLabel)?")
        if production {
            var why = given
            if why == nil {
                Output.prompt("Reason (written to the audit trail): ")
                why = readLine()?.trimmingCharacters(in: .whitespaces)
                guard why?.isEmpty == false else { throw PaydeskError.failed("a production cancellation needs a reason: nothing was sent") }
            }
            Output.prompt("Type \(target) to confirm: ")
            guard readLine()?.trimmingCharacters(in: .whitespaces) == target else {
                throw PaydeskError.failed("not confirmed: nothing was sent")
            }
            return why
        } else {
            Output.prompt("[y/N] ")
            guard let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased(), answer == "y" || answer == "yes" else {
                throw PaydeskError.failed("not confirmed: nothing was sent")
            }
            return given
        }
    }

    private func show(_ report: CancellationService.Report, what: String, _ context: Context) throws {
        let outcome = report.outcome
        if json {
            // The attempt as history shows it, then what only this run knows.
            var o = AttemptJSON.attempt(report.attempt)
            o.add("audit_write_error", report.auditWriteError)
            o.add("store_write_error", report.storeWriteError)
            o.add("audit_head_warning", report.auditHeadWarning)
            Output.line(o.text)
        } else {
            Output.line("\(context.profileLabel)  \(what)  \(outcome.result.rawValue.uppercased()): \(outcome.result.meaning)")
            Output.line("  \(printable(outcome.description))")
            Output.line("  " + outcome.factsLine(endingWith: "attempt \(report.attemptId)"))
            if outcome.result == .unknown {
                Output.line("  next: paydesk check \(what) --profile \(context.profile.name) asks the gateway and settles it")
            }
        }
        if let error = report.auditWriteError {
            Output.error("WARNING: the outcome could not be written to the audit trail (\(error)); history will show this attempt as in doubt")
        }
        if let warning = report.auditHeadWarning {
            Output.error("WARNING: \(warning)")
        }
        if let warning = report.auditCopyWarning { Output.error("WARNING: \(warning)") }
        if let error = report.storeWriteError {
            Output.error("WARNING: cancelled at the gateway, but the store could not be updated (\(error))")
        }
        // Warnings first: if stdout is a closed pipe, the flush may end the process.
        Output.flush()
        switch outcome.result {
        case .cancelled: return
        case .rejected, .failed: throw ExitCode.failure
        case .unknown: throw ExitCode(3)
        }
    }
}

extension AttemptOutcome {
    /// `HTTP 200 · gateway status 0 · signature valid · 10 ms · attempt …`: a gateway's answer on one line, for people.
    func factsLine(endingWith last: String) -> String {
        var facts: [String] = []
        if let http = httpStatus { facts.append("HTTP \(http)") }
        if let status = gatewayStatus { facts.append("gateway status \(status)") }
        if let valid = signatureValid { facts.append(valid ? "signature valid" : "signature NOT valid") }
        if let correlation = correlationId { facts.append("Correlation-Id \(correlation)") }
        facts.append("\(latencyMs) ms")
        facts.append(last)
        return printable(facts.joined(separator: " · "))
    }
}

/// What `--dry-run` shows: the request exactly as it would leave, secrets masked.
protocol DryRunnable {
    func dryRunRequest(target: String) -> GatewayRequest
}

extension XPayClient: DryRunnable {
    func dryRunRequest(target: String) -> GatewayRequest {
        request(sessionId: target, correlationId: UUID().uuidString.lowercased(), masked: true)
    }
}

extension PraxisClient: DryRunnable {
    func dryRunRequest(target: String) -> GatewayRequest {
        request(traceId: Int64(target) ?? 0, timestamp: Int64(Date().timeIntervalSince1970), masked: true)
    }
}
