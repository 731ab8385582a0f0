import PaydeskCore

/// A read-only page of text over the list: a row's fields and attempts, one attempt in full, or the help.
public struct DetailsDialog: Equatable, Sendable {
    public struct Line: Equatable, Sendable {
        public let text: String
        public let role: ThemeRole
        public init(_ text: String, _ role: ThemeRole = .dialog) {
            self.text = text
            self.role = role
        }
    }

    public let title: String
    public let lines: [Line]
    public private(set) var scroll = 0

    public init(title: String, lines: [Line]) {
        self.title = title
        self.lines = lines
    }

    /// Returns false when the key closes the page.
    public mutating func handle(_ key: Key, visibleLines: Int) -> Bool {
        let last = max(0, lines.count - visibleLines)
        switch key {
        case .escape, .enter, .character("q"), .character("?"): return false
        case .up, .character("k"): scroll = max(0, scroll - 1)
        case .down, .character("j"): scroll = min(last, scroll + 1)
        case .pageUp: scroll = max(0, scroll - visibleLines)
        case .pageDown, .character(" "): scroll = min(last, scroll + visibleLines)
        case .control("u"): scroll = max(0, scroll - max(1, visibleLines / 2))
        case .control("d"): scroll = min(last, scroll + max(1, visibleLines / 2))
        case .home, .character("g"): scroll = 0
        case .end, .character("G"): scroll = last
        default: break
        }
        return true
    }

    /// A row's every field (unknown ones marked) and the attempts on it, newest first.
    static func target(_ row: TargetRow, noun: String, status: TargetStatus?, attempts: [Attempt]) -> DetailsDialog {
        var lines: [Line] = []
        let unknownNames = Set(row.unknownFields.map(\.0))
        let width = row.fields.members.map { displayWidth($0.0) }.max() ?? 0
        for (name, value) in row.fields.members {
            let unknown = unknownNames.contains(name)
            // Money as money, and the stored number beside it: `49.90 GBP (4990 minor units)`.
            let shown = name == "amount" && !unknown && row.fields.amountText.contains(" ")
                ? "\(row.fields.amountText) (\(value.displayText) minor units)" : value.displayText
            lines.append(Line(padded(name, toWidth: width) + "  " + shown + (unknown ? "   (not a field paydesk knows; kept as is)" : ""),
                              unknown ? .dim : .dialog))
        }
        lines.append(Line(""))
        if let label = status?.label { lines.append(Line("Now: \(label)", status?.role ?? .dialog)) }
        lines.append(Line(attempts.isEmpty ? "No cancellation attempts." : "Attempts, newest first:", .header))
        for attempt in attempts {
            lines.append(Line("  " + summary(attempt), Columns.resultRole(attempt)))
            if let description = attempt.outcome?.outcome?.description { lines.append(Line("    " + description)) }
            for check in attempt.checks { lines.append(Line("    " + checkLine(check))) }
            if attempt.needsChecking { lines.append(Line("    " + (AttemptResult.unknown.meaning) + " (v checks)", .inDoubt)) }
        }
        return DetailsDialog(title: "\(noun) \(row.id.key)", lines: lines)
    }

    /// One attempt in full: every fact the audit trail holds about it.
    static func attempt(_ a: Attempt) -> DetailsDialog {
        var lines: [Line] = []
        func add(_ name: String, _ value: String?, _ role: ThemeRole = .dialog) {
            guard let value, !value.isEmpty else { return }
            lines.append(Line(padded(name, toWidth: 15) + value, role))
        }
        let o = a.outcome?.outcome
        add("result", a.word.shown + (o.map { " (\($0.result.meaning))" } ?? ""), Columns.resultRole(a))
        if a.needsChecking, o == nil { add("", AttemptResult.unknown.meaning, .inDoubt) }
        add("attempt", a.id)
        add("gateway", a.gateway)
        add("target", a.target)
        add("operator", a.intent.origin?.who ?? a.intent.operatorName)
        if let origin = a.intent.origin {
            add("from", [origin.host, origin.tty, origin.sshClient.map { "ssh from \($0)" }].compactMap { $0 }.joined(separator: ", "))
            add("process", "pid \(origin.pid), paydesk \(origin.version)")
        }
        add("profile", a.intent.profile)
        add("reason", a.intent.reason)
        add("retry of", a.intent.retryOf)
        add("sent at", a.intent.at.display)
        add("answered at", a.outcome?.at.display)
        add("HTTP status", o?.httpStatus.map(String.init))
        add("gateway status", o?.gatewayStatus)
        add("error code", o?.errorCode)
        add("signature", o?.signatureValid.map { $0 ? "valid" : "NOT valid" })
        add("Correlation-Id", o?.correlationId)
        add("latency", o.map { "\($0.latencyMs) ms" })
        add("description", o?.description)
        add("state", o?.gatewayState?.summary)
        for check in a.checks {
            lines.append(Line(""))
            add("check", check.attemptId + (check.resolves == a.id ? "" : " (of the target, later)"), .header)
            add("asked at", check.at.display + " by " + check.operatorName)
            add("verdict", check.verdict.map { "\($0.rawValue.uppercased()) (\($0.meaning))" })
            add("HTTP status", check.outcome?.httpStatus.map(String.init))
            add("gateway status", check.outcome?.gatewayStatus)
            add("state", check.outcome?.gatewayState?.summary)
            add("signature", check.outcome?.signatureValid.map { $0 ? "valid" : "NOT valid" })
            add("Correlation-Id", check.outcome?.correlationId)
            add("latency", check.outcome.map { "\($0.latencyMs) ms" })
            add("description", check.outcome?.description)
        }
        return DetailsDialog(title: "Attempt on \(a.gateway) \(a.target)", lines: lines)
    }

    /// `checked 09:31:02 by ana: CANCELLED, payout cancelled`.
    static func checkLine(_ check: AuditEntry) -> String {
        "checked \(Columns.shortTime(check.at)) by \(check.operatorName): \(check.verdict?.rawValue.uppercased() ?? "?")"
            + (check.outcome.map { ", \($0.description)" } ?? "")
    }

    static func summary(_ a: Attempt) -> String {
        let o = a.outcome?.outcome
        return [Columns.shortTime(a.intent.at), a.intent.operatorName, a.word.shown,
                o?.httpStatus.map { "HTTP \($0)" }, o?.gatewayStatus.map { "status \($0)" }]
            .compactMap { $0 }.joined(separator: "  ")
    }
}
