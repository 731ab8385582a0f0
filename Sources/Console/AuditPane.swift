import PaydeskCore

/// The latest attempts of this profile under the list: what each gateway answered, coloured by result.
enum AuditPane {
    static func draw(_ state: ConsoleState, into grid: inout Grid) {
        let layout = state.layout
        let title = "─ Audit: latest outcomes on \(state.profile.name) "
        grid.fill(row: layout.auditTitleRow, role: .dim)
        grid.put(title + String(repeating: "─", count: max(0, grid.width - displayWidth(title))), x: 0, y: layout.auditTitleRow, role: .dim)
        // The line under the list also says where the cursor is in it.
        let position = ConsoleView.positionText(state)
        if !position.isEmpty {
            let text = " \(position) "
            grid.put(text, x: max(displayWidth(title) + 1, grid.width - displayWidth(text) - 1), y: layout.auditTitleRow, role: .dim)
        }
        if state.data.attempts.isEmpty {
            grid.put("No attempts yet. Answers from the gateways appear here as they arrive.", x: 1, y: layout.auditTop, role: .dim)
            return
        }
        for (i, attempt) in state.data.attempts.prefix(layout.auditLines).enumerated() {
            grid.put(truncated(printable(line(attempt)), toWidth: grid.width - 2), x: 1, y: layout.auditTop + i, role: Columns.resultRole(attempt))
        }
    }

    /// `09:30:12  xpay  ps_1  CANCELLED  HTTP 200  status 0  Session cancelled`.
    static func line(_ a: Attempt) -> String {
        let time = String(a.intent.at.display.dropFirst(11).dropLast())
        var parts = [time, padded(a.gateway, toWidth: 6), a.target, a.word.shown]
        // Settled by a check: what the gateway showed comes first, then what the attempt itself heard.
        if let check = a.resolution, let facts = check.outcome {
            parts.append("checked \(Columns.shortTime(check.at)): \(facts.description)")
            if let o = a.outcome?.outcome { parts.append("(the answer: \(o.description))") }
            return parts.joined(separator: "  ")
        }
        if let o = a.outcome?.outcome {
            if let http = o.httpStatus { parts.append("HTTP \(http)") }
            if let status = o.gatewayStatus { parts.append("status \(status)") }
            parts.append(o.description)
        }
        if let check = a.checks.last { parts.append("— " + DetailsDialog.checkLine(check)) }
        if a.needsChecking { parts.append("— check with the gateway before retrying (v)") }
        return parts.joined(separator: "  ")
    }
}
