import ArgumentParser
import Foundation
import PaydeskCore

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List open sessions or pending payouts (or every record with --all).",
        discussion: """
            Newest last: the oldest open session is the next to expire. Sessions count as expired 5 minutes after \
            created_at, whatever their line says. With --json, one JSON object per line: the record as stored, \
            and for sessions an added "effective_state".
            """
    )

    @Argument(help: "sessions or payouts") var kind: StoreKindArgument
    @Flag(help: "Every record, not only open sessions or pending payouts.") var all = false
    @Option(help: ArgumentHelp("Only records with a field containing TEXT (any case).", valueName: "TEXT")) var filter: String?
    @Flag(help: "One JSON object per line, for scripts.") var json = false
    @OptionGroup var options: ProfileOptions

    func run() throws {
        let context = try options.context()
        switch kind {
        case .sessions: try list(SessionKind.self, context)
        case .payouts: try list(PayoutKind.self, context)
        }
    }

    private func list<Kind: ListedKind>(_ kind: Kind.Type, _ context: Context) throws {
        let store = try StoreSnapshot<Kind>.load(path: context.storePath(kind))
        reportProblems(store)
        let now = Timestamp.now
        let needle = filter.flatMap { $0.isEmpty ? nil : $0 }
        let all = all   // read once: a property wrapper's getter, per record, cost a tenth of the run
        // Sized once: `filter` grows its result by doubling, copying it each time.
        var shown: [StoredRecord<Kind.Key>] = []
        shown.reserveCapacity(store.records.count)
        for record in store.records where all || store.isActionable(record, now: now) { shown.append(record) }
        if let needle {
            // The console's filter: a byte search of each line, then its values only (any case).
            let filter = LineFilter(needle)
            shown = shown.filter { filter.matches(store.lineBytes(of: $0)) }
        }
        shown.sort { ($0.time, $0.key) < ($1.time, $1.key) }

        if json {
            var inPlace = LinesInPlace()
            for record in shown {
                if Kind.writesLinesAsStored, let whole = store.lineWithNewline(of: record), !containsRawUnprintable(whole) {
                    inPlace.add(whole)
                    continue
                }
                inPlace.flush()   // in order with what goes through the buffer (and `add` flushes the buffer)
                let line = store.lineBytes(of: record)
                // A line holding a raw C1 control or bidi override is written again, with those as \u escapes.
                if containsRawUnprintable(line), let value = try? JSONValue.parse(line) {
                    var text = value.jsonText
                    text.withUTF8 { Kind.writeJSON($0, effectiveState: store.effectiveState(of: record, now: now)) }
                    continue
                }
                Kind.writeJSON(line, effectiveState: store.effectiveState(of: record, now: now))   // autoclosure: only sessions ask
            }
            inPlace.flush()
            Output.flush()
            try store.checkIntact()
            return
        }
        let table = Self.table(store, shown, now: now)
        try store.checkIntact()
        if !shown.isEmpty { table.printed(width: terminalWidth()) }
        let noun = Kind.noun + (shown.count == 1 ? "" : "s")
        let what = all ? noun : "\(Kind.states[0]) \(noun)"
        Output.flush()
        Output.error("\(context.profileLabel): \(shown.count) \(what)\(needle.map { " matching \"\($0)\"" } ?? "") of \(store.records.count) in \(store.path)")
    }
}

extension ListCommand {
    /// The table of `records`, in this order. Rows are built on every core, in parts kept in order, as bytes: a
    /// line without escapes is read by LineSpans into cells without a String (nearly every line); one with
    /// escapes is decoded by LineTexts.
    static func table<Kind: ListedKind>(_ store: StoreSnapshot<Kind>, _ records: [StoredRecord<Kind.Key>], now: Timestamp) -> TextTable {
        let known = FieldNames(Kind.fields.map(\.name))
        let pieces = records.count < 20_000 ? 1 : usableCores * 4
        let parts = ResultSlots<TableCells>(count: pieces)
        DispatchQueue.concurrentPerform(iterations: pieces) { k in
            let mine = records[(records.count * k / pieces)..<(records.count * (k + 1) / pieces)]
            // A payout's row is some 90 bytes: room reserved once is seldom copied as the part grows (and what
            // is never written costs no memory).
            var part = TableCellWriter(columns: Kind.headers.count, capacity: mine.count * 128)
            var spans = LineSpans(known)
            for record in mine {
                let line = store.lineBytes(of: record)
                // The kind's own rule, not the store's method: a generic call from another module costs a
                // type lookup each time.
                let state = Kind.states[Int(Kind.effectiveState(record.state, time: record.time, now: now))]
                if spans.read(line) {
                    Kind.writeRow(spans, record, effectiveState: state, now: now, to: &part)
                } else {
                    part.add(Kind.row(LineTexts(line, knownNames: known), record, effectiveState: state, now: now))
                }
            }
            parts[k] = part.finished()
        }
        return TextTable(Kind.headers, rightAligned: Kind.rightAligned, parts: parts.values)
    }
}

/// What a kind shows in `paydesk list`.
protocol ListedKind: RecordKind {
    static var headers: [String] { get }
    static var rightAligned: Set<Int> { get }
    /// The row's cells as text, from a line LineSpans could not read (one with escapes).
    static func row(_ fields: LineTexts, _ record: StoredRecord<Key>, effectiveState: String, now: Timestamp) -> [String]
    /// The same cells written as bytes, from a line LineSpans read (the fields in `fields`' order).
    static func writeRow(_ fields: borrowing LineSpans, _ record: StoredRecord<Key>, effectiveState: String, now: Timestamp, to cells: inout TableCellWriter)
    static func writeJSON(_ line: UnsafeBufferPointer<UInt8>, effectiveState: @autoclosure () -> String)
    /// `writeJSON` writes a line as it is stored (no field added), so lines may be written from where they are.
    static var writesLinesAsStored: Bool { get }
}

extension ListedKind {
    static var writesLinesAsStored: Bool { true }

    static func writeJSON(_ line: UnsafeBufferPointer<UInt8>, effectiveState: @autoclosure () -> String) {
        Output.line(line)
    }

    static func others(_ fields: LineTexts) -> String {
        fields.others.map { "\($0.0)=\($0.1)" }.joined(separator: " ")
    }

    /// Where a field is in `fields`, which LineSpans reads in that order.
    static func fieldIndex(_ name: String) -> Int { fields.firstIndex { $0.name == name }! }
}

extension SessionKind: ListedKind {
    static let writesLinesAsStored = false   // each line gets "effective_state"
    static let headers = ["SESSION", "ORDER", "CUSTOMER", "AMOUNT", "CREATED", "AGE", "EXPIRES IN", "STATE", "OTHER FIELDS"]
    static let rightAligned: Set<Int> = [3, 5, 6]

    static func row(_ f: LineTexts, _ r: StoredRecord<SessionID>, effectiveState: String, now: Timestamp) -> [String] {
        let left = expiry(ofCreated: r.time).milliseconds - now.milliseconds
        return [r.key.text, f.text("order_id"), f.text("customer_id"), f.amountText, r.time.display,
                compactDuration(milliseconds: now.milliseconds - r.time.milliseconds),
                effectiveState == "open" ? compactDuration(milliseconds: left) : "-", effectiveState, others(f)]
    }

    private static let (order, customer, amount, currency) =
        (fieldIndex("order_id"), fieldIndex("customer_id"), fieldIndex("amount"), fieldIndex("currency"))

    static func writeRow(_ f: borrowing LineSpans, _ r: StoredRecord<SessionID>, effectiveState: String, now: Timestamp, to t: inout TableCellWriter) {
        let left = expiry(ofCreated: r.time).milliseconds - now.milliseconds
        t.write(r.key.text); t.endCell()
        t.write(f[order]); t.endCell()
        t.write(f[customer]); t.endCell()
        t.write(amount: f[amount], currency: f[currency]); t.endCell()
        t.write(display: r.time); t.endCell()
        t.write(compactDuration(milliseconds: now.milliseconds - r.time.milliseconds)); t.endCell()
        t.write(effectiveState == "open" ? compactDuration(milliseconds: left) : "-"); t.endCell()
        t.write(effectiveState); t.endCell()
        t.write(f.others); t.endCell()
    }

    /// The stored object with `"effective_state"` first: a session past its 5 minutes is expired whatever its line says.
    static func writeJSON(_ line: UnsafeBufferPointer<UInt8>, effectiveState stateOf: @autoclosure () -> String) {
        let effectiveState = stateOf()
        // A line that already has the field (another system wrote it) is rewritten rather than given it twice.
        if LineFilter.contains(line, Array("\"effective_state\"".utf8)),
           case .object(let members)? = try? JSONValue.parse(line) {
            Output.line(JSONValue.object([("effective_state", .string(effectiveState))] + members.filter { $0.0 != "effective_state" }).jsonText)
            return
        }
        guard let brace = line.firstIndex(of: UInt8(ascii: "{")) else { return }
        let rest = UnsafeBufferPointer(rebasing: line[(brace + 1)...])
        let isEmptyObject = rest.first(where: { $0 != 0x20 && $0 != 0x09 }) == UInt8(ascii: "}")
        Output.bytes(UnsafeBufferPointer(rebasing: line[...brace]))
        var head = ""
        JSONValue.writeString("effective_state", to: &head)
        head += ":"
        JSONValue.writeString(effectiveState, to: &head)
        if !isEmptyObject { head += "," }
        head.withUTF8 { Output.bytes($0) }
        Output.bytes(rest)
        Output.line("")
    }
}

extension PayoutKind: ListedKind {
    static let headers = ["TRACE ID", "ORDER", "CUSTOMER", "AMOUNT", "METHOD", "REQUESTED", "STATUS", "OTHER FIELDS"]
    static let rightAligned: Set<Int> = [0, 3]

    static func row(_ f: LineTexts, _ r: StoredRecord<Int64>, effectiveState: String, now: Timestamp) -> [String] {
        [String(r.key), f.text("order_id"), f.text("customer_id"), f.amountText, f.text("payment_method"),
         r.time.display, effectiveState, others(f)]
    }

    private static let (order, customer, amount, currency, method) =
        (fieldIndex("order_id"), fieldIndex("customer_id"), fieldIndex("amount"), fieldIndex("currency"), fieldIndex("payment_method"))

    static func writeRow(_ f: borrowing LineSpans, _ r: StoredRecord<Int64>, effectiveState: String, now: Timestamp, to t: inout TableCellWriter) {
        t.write(digitsOf: r.key); t.endCell()
        t.write(f[order]); t.endCell()
        t.write(f[customer]); t.endCell()
        t.write(amount: f[amount], currency: f[currency]); t.endCell()
        t.write(f[method]); t.endCell()
        t.write(display: r.time); t.endCell()
        t.write(effectiveState); t.endCell()
        t.write(f.others); t.endCell()
    }
}
