/// One line of `audit.jsonl`: the intent written before a request leaves, the outcome written when known, a
/// check of a target's state with its gateway, or an operator's acknowledgement of a break in the trail (the
/// only way past one).
public struct AuditEntry: Sendable, Equatable {
    public enum Event: String, Sendable { case intent, outcome, check, acknowledge }

    public var seq: Int
    public var at: Timestamp
    public var operatorName: String
    public var profile: String
    public var gateway: String
    public var target: String
    public var event: Event
    public var attemptId: String
    public var reason: String?
    /// On an intent: the record's amount as its line said then (absent on older lines and records without one).
    public var amount: RecordAmount?
    /// On an intent: the earlier attempt (in doubt or unknown) the operator checked before retrying.
    public var retryOf: String?
    /// On a check: the attempt (in doubt or unknown) it was made to resolve, if there was one.
    public var resolves: String?
    /// On a check: what it concluded.
    public var verdict: CheckVerdict?
    /// On an outcome: how it ended. On a check: the gateway's answer (its `result` follows the verdict).
    public var outcome: AttemptOutcome?
    /// On an acknowledgement: the break it accepts, in `audit verify`'s words, and what else was found.
    public var acknowledges: String?
    /// On an acknowledgement: SHA-256 (hex) of every byte of the trail before it, so the trail it accepted
    /// cannot be changed afterwards under its cover.
    public var trailSHA256: String?
    /// Where it came from: host, terminal, SSH client, process, paydesk's version, and a configured name.
    /// Nil on lines written before paydesk recorded it.
    public var origin: Origin?
    /// SHA-256 (hex) of the previous line's bytes; 64 zeros for the first line.
    public var prev: String

    public static let firstPrev = String(repeating: "0", count: 64)

    public init(seq: Int = 0, at: Timestamp, operatorName: String, profile: String, gateway: String, target: String,
                event: Event, attemptId: String, reason: String? = nil, retryOf: String? = nil,
                resolves: String? = nil, verdict: CheckVerdict? = nil, outcome: AttemptOutcome? = nil, acknowledges: String? = nil,
                trailSHA256: String? = nil, origin: Origin? = nil, amount: RecordAmount? = nil, prev: String = AuditEntry.firstPrev) {
        self.amount = amount
        self.seq = seq
        self.at = at
        self.operatorName = operatorName
        self.profile = profile
        self.gateway = gateway
        self.target = target
        self.event = event
        self.attemptId = attemptId
        self.reason = reason
        self.retryOf = retryOf
        self.resolves = resolves
        self.verdict = verdict
        self.outcome = outcome
        self.acknowledges = acknowledges
        self.trailSHA256 = trailSHA256
        self.origin = origin
        self.prev = prev
    }

    /// The line, without its newline. Field order is fixed so a line's hash is stable.
    public var line: String {
        var o = JSONObjectWriter()
        o.add("seq", seq)
        o.add("at", at.rfc3339)
        o.add("event", event.rawValue)
        o.add("attempt_id", attemptId)
        o.add("operator", operatorName)
        origin?.add(to: &o)
        o.add("profile", profile)
        if event != .acknowledge {
            o.add("gateway", gateway)
            o.add("target", target)
        }
        o.add("reason", reason)
        o.add("amount", amount?.minorUnits)
        o.add("currency", amount?.currency)
        o.add("retry_of", retryOf)
        o.add("resolves", resolves)
        o.add("verdict", verdict?.rawValue)
        if let outcome {
            if event != .check { o.add("result", outcome.result.rawValue) }
            outcome.addFacts(to: &o)
        }
        o.add("acknowledges", acknowledges)
        o.add("trail_sha256", trailSHA256)
        o.add("prev", prev)
        return o.text
    }

    /// Reads a line written by `line`; nil with the reason otherwise.
    public static func parse(_ text: some Collection<UInt8>) -> Result<AuditEntry, FieldError> {
        guard let value = try? JSONValue.parse(text), case .object = value else {
            return .failure(FieldError(message: "not a JSON object"))
        }
        func string(_ key: String) -> String? { if case .string(let s)? = value[key] { s } else { nil } }
        func int(_ key: String) -> Int? { if case .number(let n)? = value[key] { Int(n) } else { nil } }
        guard let seq = int("seq"), let atText = string("at"), let at = Timestamp.parseRFC3339(atText),
              let eventText = string("event"), let event = Event(rawValue: eventText),
              let attemptId = string("attempt_id"), let prev = string("prev") else {
            return .failure(FieldError(message: "an audit line needs seq, at, event, attempt_id and prev"))
        }
        let gateway = string("gateway") ?? "", target = string("target") ?? ""
        if event != .acknowledge, gateway.isEmpty || target.isEmpty {
            return .failure(FieldError(message: "an attempt's audit line needs gateway and target"))
        }
        if event == .acknowledge, string("acknowledges") == nil || string("trail_sha256") == nil {
            return .failure(FieldError(message: "an acknowledgement needs acknowledges and trail_sha256"))
        }
        var outcome: AttemptOutcome?
        var verdict: CheckVerdict?
        switch event {
        case .outcome:
            guard let resultText = string("result"), let result = AttemptResult(rawValue: resultText) else {
                return .failure(FieldError(message: "an outcome line needs a result"))
            }
            outcome = AttemptOutcome.facts(value, result: result)
        case .check:
            guard let verdictText = string("verdict"), let v = CheckVerdict(rawValue: verdictText) else {
                return .failure(FieldError(message: "a check line needs a verdict"))
            }
            verdict = v
            outcome = AttemptOutcome.facts(value, result: v.heldAs)
        case .intent, .acknowledge:
            break
        }
        let amount = event == .intent ? int("amount").map { RecordAmount(minorUnits: Int64($0), currency: string("currency")) } : nil
        return .success(AuditEntry(seq: seq, at: at, operatorName: string("operator") ?? "", profile: string("profile") ?? "",
                                   gateway: gateway, target: target, event: event, attemptId: attemptId,
                                   reason: string("reason"), retryOf: string("retry_of"), resolves: string("resolves"),
                                   verdict: verdict, outcome: outcome,
                                   acknowledges: string("acknowledges"), trailSHA256: string("trail_sha256"),
                                   origin: Origin(account: string("operator") ?? "", value), amount: amount, prev: prev))
    }
}
