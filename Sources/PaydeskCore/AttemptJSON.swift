/// The one JSON shape of an attempt and of a check, shared by `cancel --json`, `check --json` and `history --json`
/// (the README's "JSON output" documents it as a stable interface). A value that is not known is left out, never null.
public enum AttemptJSON {
    /// An attempt: who, where, what, and how it ended; `resolved_by` is the check that settled it.
    public static func attempt(_ a: Attempt) -> JSONObjectWriter {
        var o = JSONObjectWriter()
        o.add("attempt_id", a.id)
        o.add("at", a.intent.at.rfc3339)
        o.add("operator", a.intent.operatorName)
        a.intent.origin?.add(to: &o)
        o.add("profile", a.intent.profile)
        o.add("gateway", a.gateway)
        o.add("target", a.target)
        o.add("reason", a.intent.reason)
        o.add("amount", a.intent.amount?.minorUnits)
        o.add("currency", a.intent.amount?.currency)
        o.add("retry_of", a.intent.retryOf)
        o.add("result", a.resultName)
        o.add("needs_checking", a.needsChecking)
        o.add("outcome_at", a.outcome?.at.rfc3339)
        if case .finished(let outcome) = a.state { outcome.addFacts(to: &o) }
        if let resolution = a.resolution { o.add("resolved_by", check(resolution).value) }
        return o
    }

    /// A check of a target with its gateway, as its trail entry holds it.
    public static func check(_ c: AuditEntry) -> JSONObjectWriter {
        var o = JSONObjectWriter()
        o.add("check_id", c.attemptId)
        o.add("at", c.at.rfc3339)
        o.add("operator", c.operatorName)
        c.origin?.add(to: &o)
        o.add("profile", c.profile)
        o.add("gateway", c.gateway)
        o.add("target", c.target)
        o.add("resolves", c.resolves)
        o.add("verdict", c.verdict?.rawValue)
        c.outcome?.addFacts(to: &o)
        return o
    }
}
