import PaydeskCore

/// A read-only page of text over the list: a row's fields and attempts, one attempt in full, or the help.
public struct DetailsDialog: Equatable, Sendable {
    public struct Line: Equatable, Sendable {
        public let text: String
        public let role: ThemeRole
        /// Where a wrapped line's continuation starts (under the value of `name  value`); nil: under its first word.
        public let hang: Int?
        public init(_ text: String, _ role: ThemeRole = .dialog, hang: Int? = nil) {
            self.text = text
            self.role = role
            self.hang = hang
        }
    }

    public let title: String
    public let lines: [Line]
    public private(set) var scroll = 0

    public init(title: String, lines: [Line]) {
        self.title = title
        self.lines = lines
    }

    /// The lines as shown `width` cells wide: long values wrapped at word boundaries (a word wider than the page is
    /// broken), nothing cut.
    public func wrapped(toWidth width: Int) -> [Line] {
        lines.flatMap { line in
            let text = printable(line.text)
            let hang = line.hang ?? text.prefix { $0 == " " }.count
            return wrap(text, width: width, hang: hang).map { Line($0, line.role) }
        }
    }

    /// Returns false when the key closes the page. `width` is the page's, for wrapping.
    public mutating func handle(_ key: Key, visibleLines: Int, width: Int) -> Bool {
        let last = max(0, wrapped(toWidth: width).count - visibleLines)
        scroll = min(scroll, last)   // the screen may have grown since
        guard let action = DialogActions.find(key, in: DialogActions.page) else { return true }
        switch action.name {
        case .close: return false
        case .up: scroll = max(0, scroll - 1)
        case .down: scroll = min(last, scroll + 1)
        case .pageUp: scroll = max(0, scroll - visibleLines)
        case .pageDown: scroll = min(last, scroll + visibleLines)
        case .halfPageUp: scroll = max(0, scroll - max(1, visibleLines / 2))
        case .halfPageDown: scroll = min(last, scroll + max(1, visibleLines / 2))
        case .first: scroll = 0
        case .last: scroll = last
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
                              unknown ? .dim : .dialog, hang: width + 2))
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
            lines.append(Line(padded(name, toWidth: 15) + value, role, hang: 15))
        }
        let o = a.outcome?.outcome
        add("result", a.word.shown + (o.map { " (\($0.result.meaning))" } ?? ""), Columns.resultRole(a))
        if a.needsChecking, o == nil { add("", AttemptResult.unknown.meaning, .inDoubt) }
        add("attempt", a.id)
        add("gateway", a.gateway)
        add("target", a.target)
        add("amount", a.intent.amount.map { "\($0.text) (\($0.minorUnits) minor units)" })
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

/// `text` in lines of at most `width` cells, broken between words (a word wider than a line is broken where it must);
/// lines after the first start `hang` cells in. Wide characters count two cells.
func wrap(_ text: String, width: Int, hang: Int) -> [String] {
    guard width > 0, displayWidth(text) > width else { return [text] }
    let hang = hang < width / 2 ? hang : 0
    let indent = String(repeating: " ", count: hang)
    var lines: [String] = []
    var line = "", used = 0, hasWord = false
    func breakLine() {
        while line.hasSuffix(" ") { line.removeLast() }
        lines.append(line)
        line = indent
        used = hang
        hasWord = false
    }
    // Runs of blanks and runs of anything else, in order.
    var pieces: [Substring] = []
    var start = text.startIndex
    for i in text.indices.dropFirst() where (text[i] == " ") != (text[text.index(before: i)] == " ") {
        pieces.append(text[start..<i])
        start = i
    }
    pieces.append(text[start...])
    for piece in pieces {
        let w = displayWidth(String(piece))
        if piece.first == " " {
            if used + w <= width { line += piece; used += w } else if hasWord { breakLine() }
            continue
        }
        // A word that fits on a line of its own starts one; a longer one is broken where it stands.
        if used + w > width, hasWord, w <= width - hang { breakLine() }
        for character in piece {
            let cw = min(2, character.unicodeScalars.reduce(0) { $0 + cellWidth($1) })
            if used + cw > width, used > hang { breakLine() }
            line.append(character)
            used += cw
        }
        hasWord = true
    }
    lines.append(line)
    return lines
}
