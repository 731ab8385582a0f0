import PaydeskCore

/// What a cell needs beyond its row: the time, and where the row's target stands.
struct RowContext {
    let now: Timestamp
    let statuses: [TargetID: TargetStatus]
}

/// What a list sorts by: text first, then a number (an amount's currency then its minor units).
struct SortKey: Comparable, Sendable {
    var text = ""
    var number: Int64 = 0

    static func < (a: SortKey, b: SortKey) -> Bool { (a.text, a.number) < (b.text, b.number) }
}

/// How a column orders rows, ascending: by a target's time (read without parsing its line), or by a key made
/// from the row.
enum ListOrder<Row>: Sendable {
    case oldestFirst
    case newestFirst
    case value(@Sendable (Row) -> SortKey)
    /// By where the target stands (`TargetStatus.sortRank`): rows in doubt first, so they group together.
    case status
}

/// One column of a list: its title, how a row reads in it, and (if sortable) its order. Its width follows the rows
/// on screen (`widths`).
struct ListColumn<Row>: Sendable {
    let title: String
    /// The width it keeps, when its rows need that much, before other columns grow.
    let minWidth: Int
    var alignRight = false
    /// Takes the room nobody else needs.
    var flexible = false
    let text: @Sendable (Row, RowContext) -> String
    /// The cell's own role (a status, a countdown running out), or nil for the row's.
    var role: (@Sendable (Row, RowContext) -> ThemeRole?)? = nil
    /// Ascending order, or nil when the column cannot be sorted.
    var order: ListOrder<Row>? = nil

    /// Each row's cells as the screen shows them (control characters escaped).
    static func cells(_ columns: [ListColumn], _ rows: [Row], _ context: RowContext) -> [[String]] {
        rows.map { row in columns.map { printable($0.text(row, context)) } }
    }

    /// What each column needs to show `rows` (those on screen, never the whole list) uncut: its widest cell, or its
    /// title (and the sort arrow on `sortColumn`).
    static func needed(_ columns: [ListColumn], _ rows: [Row], _ context: RowContext, sortColumn: Int) -> [Int] {
        needed(columns, cells: cells(columns, rows, context), sortColumn: sortColumn)
    }

    static func needed(_ columns: [ListColumn], cells: [[String]], sortColumn: Int) -> [Int] {
        columns.indices.map { i in
            cells.reduce(displayWidth(columns[i].title) + (i == sortColumn ? 1 : 0)) { max($0, displayWidth($1[i])) }
        }
    }

    /// Widths for `columns` in `width` cells, one blank between columns: each column gets what it needs up to its
    /// minimum, then a cell at a time to each column still short of what it needs (so when the room runs out, the
    /// widest are cut), then what is left to the flexible column.
    static func widths(_ columns: [ListColumn], needed: [Int], in width: Int) -> [Int] {
        var widths = columns.indices.map { min(columns[$0].minWidth, needed[$0]) }
        var left = width - widths.reduce(0, +) - max(0, columns.count - 1)
        while left > 0 {
            let short = columns.indices.filter { widths[$0] < needed[$0] }
            if short.isEmpty { break }
            for i in short where left > 0 {
                widths[i] += 1
                left -= 1
            }
        }
        if left > 0, let flex = columns.firstIndex(where: \.flexible) { widths[flex] += left }
        return widths
    }
}

/// The rows on screen as a list draws them: their cells made once, each column's width and where it starts
/// (one blank between columns). The drawing and a click on the header read the same.
struct ShownColumns {
    let cells: [[String]]
    let widths: [Int]
    let starts: [Int]

    init<Row>(_ columns: [ListColumn<Row>], _ rows: [Row], _ context: RowContext, sortColumn: Int, start: Int, room: Int) {
        cells = ListColumn.cells(columns, rows, context)
        widths = ListColumn.widths(columns, needed: ListColumn.needed(columns, cells: cells, sortColumn: sortColumn), in: room - start)
        var x = start
        starts = widths.map { width in defer { x += width + 1 }; return x }
    }
}

/// `2:05` for seconds, `1h02` past an hour, `3d` past a day.
func clockDuration(seconds: Int64) -> String {
    let s = max(0, seconds)
    if s >= 86_400 { return "\(s / 86_400)d" }
    if s >= 3600 { return "\(s / 3600)h" + (s % 3600 / 60 < 10 ? "0" : "") + "\(s % 3600 / 60)" }
    return "\(s / 60):" + (s % 60 < 10 ? "0" : "") + "\(s % 60)"
}

enum Columns {
    static func status(_ row: ShownTarget, _ c: RowContext, stored: String) -> String {
        c.statuses[row.id]?.label ?? stored
    }

    static let sessions: [ListColumn<ShownTarget>] = [
        ListColumn(title: "SESSION", minWidth: 14, text: { r, _ in r.id.key },
                   order: .value { SortKey(text: $0.id.key) }),
        ListColumn(title: "ORDER", minWidth: 10, text: { r, _ in r.fields.text("order_id") },
                   order: .value { SortKey(text: $0.fields.text("order_id")) }),
        ListColumn(title: "CUSTOMER", minWidth: 10, text: { r, _ in r.fields.text("customer_id") },
                   order: .value { SortKey(text: $0.fields.text("customer_id")) }),
        ListColumn(title: "AMOUNT", minWidth: 13, alignRight: true, text: { r, _ in r.fields.amountText },
                   order: .value { SortKey(text: $0.fields.text("currency"), number: $0.minorUnits) }),
        ListColumn(title: "AGE", minWidth: 5, alignRight: true,
                   text: { r, c in clockDuration(seconds: (c.now.milliseconds - r.time.milliseconds) / 1000) },
                   order: .newestFirst),
        ListColumn(title: "LEFT", minWidth: 5, alignRight: true,
                   text: { r, c in clockDuration(seconds: secondsLeft(r, c.now)) },
                   role: { r, c in secondsLeft(r, c.now) < 60 ? .warning : nil },
                   order: .oldestFirst),
        ListColumn(title: "STATUS", minWidth: 9, text: { r, c in status(r, c, stored: "open") },
                   role: { r, c in c.statuses[r.id]?.role }, order: .status),
    ]

    static let payouts: [ListColumn<ShownTarget>] = [
        ListColumn(title: "TRACE", minWidth: 7, alignRight: true, text: { r, _ in r.id.key },
                   order: .value { SortKey(number: Int64($0.id.key) ?? 0) }),
        ListColumn(title: "ORDER", minWidth: 10, text: { r, _ in r.fields.text("order_id") },
                   order: .value { SortKey(text: $0.fields.text("order_id")) }),
        ListColumn(title: "CUSTOMER", minWidth: 10, text: { r, _ in r.fields.text("customer_id") },
                   order: .value { SortKey(text: $0.fields.text("customer_id")) }),
        ListColumn(title: "AMOUNT", minWidth: 13, alignRight: true, text: { r, _ in r.fields.amountText },
                   order: .value { SortKey(text: $0.fields.text("currency"), number: $0.minorUnits) }),
        ListColumn(title: "METHOD", minWidth: 6, text: { r, _ in r.fields.text("payment_method") },
                   order: .value { SortKey(text: $0.fields.text("payment_method")) }),
        ListColumn(title: "REQUESTED", minWidth: 14, text: { r, _ in shortTime(r.time) },
                   order: .oldestFirst),
        ListColumn(title: "STATUS", minWidth: 9, text: { r, c in status(r, c, stored: "pending") },
                   role: { r, c in c.statuses[r.id]?.role }, order: .status),
    ]

    static let history: [ListColumn<Attempt>] = [
        ListColumn(title: "TIME", minWidth: 14, text: { a, _ in shortTime(a.intent.at) },
                   order: .value { SortKey(number: $0.intent.at.milliseconds) }),
        ListColumn(title: "OPERATOR", minWidth: 8, text: { a, _ in a.intent.operatorName },
                   order: .value { SortKey(text: $0.intent.operatorName) }),
        ListColumn(title: "GATEWAY", minWidth: 7, text: { a, _ in a.gateway },
                   order: .value { SortKey(text: $0.gateway) }),
        ListColumn(title: "TARGET", minWidth: 8, text: { a, _ in a.target },
                   order: .value { SortKey(text: $0.target) }),
        ListColumn(title: "REASON", minWidth: 6, text: { a, _ in a.intent.reason ?? "" }),
        ListColumn(title: "RESULT", minWidth: 9, text: { a, _ in a.word.shown },
                   role: { a, _ in resultRole(a) },
                   order: .value { SortKey(text: $0.word.rawValue) }),
        ListColumn(title: "HTTP", minWidth: 4, alignRight: true, text: { a, _ in a.outcome?.outcome?.httpStatus.map(String.init) ?? "" }),
        ListColumn(title: "STATUS", minWidth: 6, text: { a, _ in a.outcome?.outcome?.gatewayStatus ?? "" }),
        ListColumn(title: "DESCRIPTION", minWidth: 8, flexible: true, text: { a, _ in a.outcome?.outcome?.description ?? "" }),
    ]

    static func secondsLeft(_ row: ShownTarget, _ now: Timestamp) -> Int64 { secondsLeft(row.row, now) }

    static func secondsLeft(_ row: TargetRow, _ now: Timestamp) -> Int64 {
        (SessionKind.expiry(ofCreated: row.time).milliseconds - now.milliseconds + 999) / 1000
    }

    /// `11-21 09:30:12`: the year is noise on a console that lists what is open now.
    static func shortTime(_ t: Timestamp) -> String { String(t.display.dropFirst(5).dropLast()) }

    static func resultRole(_ a: Attempt) -> ThemeRole { TargetStatus.of(a).role ?? .row }
}
