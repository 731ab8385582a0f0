import PaydeskCore

/// Dialogs, drawn in a box over the screen.
enum DialogView {
    static func draw(_ state: ConsoleState, into frame: inout Frame) {
        switch state.dialog {
        case .cancel(let form, let gateway)?: drawCancel(form, gateway: gateway, state, into: &frame)
        case .details(let page)?, .help(let page)?: drawPage(page, state, into: &frame)
        case .profiles(let switcher)?: drawProfiles(switcher, into: &frame)
        case .quit(let yesFocused)?:
            let n = state.callsInFlight
            let box = Box(title: "Quit", lines: [
                .init("\(n) call\(n == 1 ? "" : "s") to the gateways (cancellations, checks) \(n == 1 ? "is" : "are") still in flight."),
                .init("Quit when \(n == 1 ? "it has" : "they have") an answer? The answers are recorded either way."),
                .init(""),
                choiceLine(yesFocused: yesFocused, yes: "Yes, quit when answered"),
            ])
            box.draw(into: &frame.grid)
        case nil: break
        }
    }

    static func choiceLine(yesFocused: Bool, yes: String = "Yes") -> Box.Line {
        Box.Line(spans: [("   ", .dialog), ("[ No ]", yesFocused ? .dialog : .dialogFocus), ("  ", .dialog),
                         ("[ \(yes) ]", yesFocused ? .dialogFocus : .dialog)])
    }

    private static func drawCancel(_ form: CancelDialog, gateway: String, _ state: ConsoleState, into frame: inout Frame) {
        let kind = gateway == "xpay" ? "XPay session" : "Praxis payout"
        let n = form.targets.count
        var lines: [Box.Line] = []
        lines.append(.init(n == 1 ? "Cancel \(kind) \(form.targets[0])?" : "Cancel \(n) marked \(kind)s?"
                           + (form.hiddenByFilter > 0 ? " (\(form.hiddenByFilter) of them hidden by the filter)" : "")))
        let rows = gateway == SessionKind.gatewayName ? state.data.sessions : state.data.payouts
        for key in form.targets.prefix(5) {
            let fields = rows[key]?.fields
            let facts = [key, fields?.text("order_id"), fields?.text("customer_id"), fields?.amountText].compactMap { $0 }.filter { !$0.isEmpty }
            // A session keeps counting down here: nobody confirms one that expired while they typed.
            let left = gateway == SessionKind.gatewayName ? rows[key].map { Columns.secondsLeft($0, state.now) } : nil
            lines.append(Box.Line(spans: [("  " + printable(facts.joined(separator: "  ")), .dialog)]
                                  + (left.map { [($0 > 0 ? "  left \(clockDuration(seconds: $0))" : "  EXPIRED", $0 > 30 ? .dialog : .warning)] } ?? [])))
        }
        if n > 5 { lines.append(.init("  … and \(n - 5) more")) }
        lines.append(Box.Line(spans: [("Profile: ", .dialog), (state.profile.name + (form.production ? "  PRODUCTION" : "  TEST"),
                                                                form.production ? .production : .dialog)]))
        lines.append(.init(""))
        let reasonLine = lines.count
        lines.append(Box.Line(spans: [("Reason: ", .dialog), (form.reason, .input)], input: form.stage == .reason))
        var inputLine = form.stage == .reason ? reasonLine : nil
        switch form.stage {
        case .reason:
            lines.append(.init(form.production ? "(required on production)  Enter: next" : "Enter: next", .dim))
        case .choice(let yesFocused):
            lines.append(.init(""))
            lines.append(choiceLine(yesFocused: yesFocused))
            lines.append(.init("y: cancel it · n or Esc: close, nothing is sent", .dim))
        case .typeToConfirm:
            lines.append(.init(""))
            lines.append(.init(n == 1 ? "Type the id \(form.expectedConfirmation) to confirm, then Enter:"
                                      : "Type the number of rows, \(form.expectedConfirmation), to confirm, then Enter:", .warning))
            inputLine = lines.count
            lines.append(Box.Line(spans: [("> ", .dialog), (form.typed, .input)], input: true))
        }
        if let message = form.message { lines.append(.init(message, .error)) }
        let box = Box(title: "Cancel on \(state.profile.name)" + (form.production ? " (PRODUCTION)" : ""), lines: lines,
                      borderRole: form.production ? .production : .dialog)
        let origin = box.draw(into: &frame.grid)
        if let inputLine {
            let line = lines[inputLine]
            frame.cursor = Frame.Cursor(x: min(origin.x + 2 + line.width, frame.grid.width - 1), y: origin.y + 1 + inputLine)
        }
    }

    private static func drawPage(_ page: DetailsDialog, _ state: ConsoleState, into frame: inout Frame) {
        let visible = state.dialogBodyLines
        let all = page.wrapped(toWidth: state.dialogTextWidth)
        let scroll = min(page.scroll, max(0, all.count - visible))   // the screen may have grown since the last key
        var lines = all.dropFirst(scroll).prefix(visible).map { Box.Line($0.text, $0.role) }
        if all.count > visible {
            lines.append(.init("lines \(scroll + 1)-\(min(all.count, scroll + visible)) of \(all.count)", .dim))
        }
        Box(title: page.title, lines: lines, minWidth: 60).draw(into: &frame.grid)
    }

    private static func drawProfiles(_ switcher: ProfileSwitcher, into frame: inout Frame) {
        let nameWidth = switcher.profiles.map { displayWidth($0.name) }.max() ?? 0
        var lines: [Box.Line] = []
        for (i, profile) in switcher.profiles.enumerated() {
            let focused = i == switcher.cursor
            let flags = (profile.production ? "PRODUCTION" : "TEST") + (profile.readOnly ? "  READ-ONLY" : "")
            lines.append(Box.Line(spans: [
                ((focused ? "> " : "  ") + padded(profile.name, toWidth: nameWidth) + "  ", focused ? .dialogFocus : .dialog),
                (padded(flags, toWidth: 21), profile.production ? .production : focused ? .dialogFocus : .dialog),
                (profile.name == switcher.current ? "  (current)" : "", .dim),
            ]))
        }
        var inputLine: Int?
        if let name = switcher.confirming {
            lines.append(.init(""))
            lines.append(.init("\(name) is a PRODUCTION profile. Type its name to switch:", .warning))
            inputLine = lines.count
            lines.append(Box.Line(spans: [("> ", .dialog), (switcher.typed, .input)], input: true))
        }
        if let message = switcher.message { lines.append(.init(message, .error)) }
        let box = Box(title: "Profiles", lines: lines, minWidth: 50)
        let origin = box.draw(into: &frame.grid)
        if let inputLine {
            frame.cursor = Frame.Cursor(x: min(origin.x + 2 + lines[inputLine].width, frame.grid.width - 1), y: origin.y + 1 + inputLine)
        }
    }
}

/// A framed box in the middle of the screen.
struct Box {
    struct Line {
        var spans: [(String, ThemeRole)]
        var input = false

        init(_ text: String, _ role: ThemeRole = .dialog) { spans = [(text, role)] }
        init(spans: [(String, ThemeRole)], input: Bool = false) {
            self.spans = spans
            self.input = input
        }

        var width: Int { spans.reduce(0) { $0 + displayWidth(printable($1.0)) } }
    }

    let title: String
    let lines: [Line]
    var minWidth = 50
    var borderRole = ThemeRole.dialog

    /// Draws the box centred; returns its top-left corner.
    @discardableResult
    func draw(into grid: inout Grid) -> (x: Int, y: Int) {
        let contentWidth = max(minWidth - 4, displayWidth(title) + 4, lines.map(\.width).max() ?? 0)
        let width = min(grid.width - 2, contentWidth + 4)
        let height = min(grid.height - 2, lines.count + 2)
        let x0 = (grid.width - width) / 2
        let y0 = max(1, (grid.height - height) / 2)
        let inner = width - 4
        let top = "┌ " + truncated(title, toWidth: inner) + " "
        grid.put(top + String(repeating: "─", count: max(0, width - 1 - displayWidth(top))) + "┐", x: x0, y: y0, role: borderRole)
        for (i, line) in lines.prefix(height - 2).enumerated() {
            let y = y0 + 1 + i
            grid.put("│ " + String(repeating: " ", count: inner) + " │", x: x0, y: y, role: borderRole)
            grid.put(String(repeating: " ", count: inner + 2), x: x0 + 1, y: y, role: .dialog)
            var x = x0 + 2
            for (text, role) in line.spans {
                x = grid.put(printable(text), x: x, y: y, role: role, maxWidth: max(0, x0 + 2 + inner - x))
            }
        }
        grid.put("└" + String(repeating: "─", count: width - 2) + "┘", x: x0, y: y0 + height - 1, role: borderRole)
        return (x0, y0)
    }
}
