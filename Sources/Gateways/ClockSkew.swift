import PaydeskCore

/// This machine's clock against the gateway's, read from an answer's `Date` header.
enum ClockSkew {
    /// Beyond this, in seconds, paydesk says this machine's clock is off (Praxis refuses requests over a minute old).
    static let tolerance = 30

    /// Seconds the gateway's clock is ahead of ours (negative: behind), or nil without a usable `Date`.
    static func seconds(_ response: GatewayResponse, receivedAt: Timestamp) -> Int? {
        response.date.map { Int(($0.milliseconds - receivedAt.milliseconds) / 1000) }
    }

    /// What the operator must read, when the difference is beyond the tolerance.
    static func words(_ seconds: Int) -> String {
        "this machine's clock is \(abs(seconds)) s \(seconds > 0 ? "behind" : "ahead of") the gateway's: fix its time sync (NTP)"
    }

    /// Notes the skew on `outcome` when it is beyond the tolerance.
    static func noted(_ outcome: AttemptOutcome, _ response: GatewayResponse, receivedAt: Timestamp) -> AttemptOutcome {
        guard let skew = seconds(response, receivedAt: receivedAt), abs(skew) > tolerance else { return outcome }
        var o = outcome
        o.clockSkewSeconds = skew
        o.description = words(skew) + ". The gateway said: " + o.description
        return o
    }
}
