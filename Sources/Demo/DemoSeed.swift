import Foundation
import GatewaySimulator
import PaydeskCore

/// What the demo world puts in a profile's stores, and what it stages at the simulated gateways so that every
/// outcome can be seen: the lines are made here, written by `DemoWorld` through `StoreAppender`.
enum DemoSeed {
    /// How a scripted target is staged at the gateway, and what cancelling it must end as.
    struct Staging: Sendable {
        /// The gateway's own state when it disagrees with the store on purpose (a session already `paid`, a
        /// payout already `approved`): set with `addSession`/`addPayout`, which the store reload leaves alone.
        var gatewayState: String?
        var fault: SimulatorFault?
        var expected: AttemptResult
        var why: String
    }

    /// The XPay sessions staged in every batch of open sessions, youngest first: they have nearly the whole
    /// 5 minutes before they expire.
    static let sessionStagings: [Staging] = [
        Staging(expected: .cancelled, why: "an ordinary open session: XPay answers 200 after a few hundred ms"),
        Staging(gatewayState: "paid", expected: .rejected,
                why: "already paid at the gateway while the store still says open: XPay answers 400 PS0029"),
        Staging(fault: .serverError, expected: .failed,
                why: "XPay answers HTTP 500 (PS0000 Generic API error): nothing was cancelled"),
        Staging(fault: .drop, expected: .unknown,
                why: "XPay cancels, then the connection is cut before the answer: it may have happened"),
    ]

    /// The Praxis payouts staged, by their index among the pending payouts (scattered, so they do not stand out).
    static let payoutStagings: [(index: Int, staging: Staging)] = [
        (0, Staging(expected: .cancelled, why: "an ordinary pending payout: Praxis answers status 0, correctly signed")),
        (2, Staging(gatewayState: "approved", expected: .rejected,
                    why: "already approved at Praxis while the store still says pending: status 2, can not be canceled")),
        (4, Staging(fault: .internalError, expected: .failed,
                    why: "Praxis answers a signed negative status (-1, internal error): nothing was cancelled")),
        (6, Staging(fault: .timeout, expected: .unknown,
                    why: "Praxis cancels, then never answers: unknown; the console's automatic check finds it cancelled")),
        (8, Staging(fault: .badSignature, expected: .unknown,
                    why: "Praxis cancels, but its answer's signature does not verify (forged): it proves nothing, until the check")),
        (10, Staging(fault: .lost, expected: .unknown,
                     why: "the request is lost, never processed: unknown; the check finds it still pending, so a retry is safe")),
        (11, Staging(fault: .phantom, expected: .unknown,
                     why: "a signed success that did not happen: find-transaction says pending, the answers disagree")),
    ]

    /// Open sessions per batch, and the seconds between their creation times (the youngest is `youngestAge` old).
    static let openSessions = 30
    static let sessionSpacingSeconds: Int64 = 9
    static let youngestAgeSeconds: Int64 = 8
    static let pendingPayouts = 12

    // MARK: Sessions

    struct Session {
        let id: String
        let line: [UInt8]
        let createdAt: Timestamp
    }

    /// A batch of open sessions created over the last ~4.5 minutes, oldest first in the file (as they arrived);
    /// `staged` are the first `sessionStagings.count` of them by age, youngest first.
    static func openBatch(now: Timestamp, serial: inout Int) -> (lines: [[UInt8]], staged: [Session]) {
        var sessions: [Session] = []
        for k in 0..<openSessions {
            let created = Timestamp(milliseconds: now.milliseconds - (youngestAgeSeconds + Int64(k) * sessionSpacingSeconds) * 1000)
            serial += 1
            let extra: [(String, JSONValue)] = k == 11 ? [("merchant_note", .string("customer asked to hold: call back after 10:30"))] : []
            sessions.append(session(serial: serial, created: created, state: "open", extra: extra))
        }
        return (sessions.reversed().map(\.line), Array(sessions.prefix(sessionStagings.count)))
    }

    /// Sessions from before the demo started: past their 5 minutes, paid, cancelled, so `list --all` has variety.
    static func history(now: Timestamp, serial: inout Int) -> [[UInt8]] {
        let past: [(minutesAgo: Int64, state: String, extra: [(String, JSONValue)])] = [
            (125, "expired", []),
            (58, "open", []),
            (47, "paid", []),
            (35, "open", []),
            (26, "cancelled", [("cancelled_at", .string(Timestamp(milliseconds: now.milliseconds - 24 * 60_000).rfc3339)),
                               ("cancelled_by", .string("crm-sync"))]),
            (19, "paid", []),
            (12, "open", []),
            (9, "cancelled", [("cancelled_at", .string(Timestamp(milliseconds: now.milliseconds - 8 * 60_000).rfc3339)),
                              ("cancelled_by", .string("l.bianchi"))]),
        ]
        return past.map { item in
            serial += 1
            return session(serial: serial, created: Timestamp(milliseconds: now.milliseconds - item.minutesAgo * 60_000),
                           state: item.state, extra: item.extra).line
        }
    }

    /// One session arriving now, as the checkout backend would append it.
    static func arrival(now: Timestamp, serial: Int) -> [UInt8] {
        session(serial: serial, created: now, state: "open", extra: []).line
    }

    private static func session(serial: Int, created: Timestamp, state: String, extra: [(String, JSONValue)]) -> Session {
        let id = "ps_" + randomHex(bytes: 6)
        let (description, amount, currency) = catalog[serial % catalog.count]
        var o = JSONObjectWriter()
        o.add("session_id", id)
        o.add("created_at", created.rfc3339)
        o.add("state", state)
        o.add("order_id", "ORD-" + String(48_100 + serial))
        o.add("amount", amount + Int64(serial % 5) * (currency == "JPY" ? 100 : 50))
        o.add("currency", currency)
        o.add("customer_id", customer(serial))
        o.add("description", description)
        for (key, value) in extra { o.add(key, value) }
        return Session(id: id, line: Array(o.text.utf8), createdAt: created)
    }

    /// What people buy: EUR mostly, and a few currencies whose minor unit is not the hundredth (JPY 0, KWD 3).
    static let catalog: [(String, Int64, String)] = [
        ("Annual subscription renewal", 11_900, "EUR"),
        ("Espresso machine Classica", 34_900, "EUR"),
        ("Running shoes, size 43", 12_995, "EUR"),
        ("Gift card", 5_000, "EUR"),
        ("Hotel Lungarno, 2 nights", 41_800, "EUR"),
        ("Ceramic tea set", 12_800, "JPY"),
        ("Concert tickets x2", 17_000, "EUR"),
        ("Phone case", 1_990, "EUR"),
        ("Book bundle", 4_599, "GBP"),
        ("Cooking class for two", 8_500, "EUR"),
        ("Train Milano-Roma, 1st class", 8_990, "EUR"),
        ("Perfume gift box", 45_250, "KWD"),
        ("Wine subscription, 6 bottles", 7_450, "EUR"),
        ("Watch strap, leather", 8_900, "CHF"),
        ("Bike service", 6_500, "EUR"),
        ("Italian course, level B1", 29_000, "EUR"),
    ]

    static func customer(_ serial: Int) -> String { "C-" + String(10_000 + (serial * 7_919) % 90_000) }

    // MARK: Payouts

    /// The first trace id of each profile's payouts: fixed, so a restarted demo stages the same payouts again.
    static func firstTraceId(profile: String) -> Int64 { profile == DemoWorld.productionProfile ? 914_301 : 752_841 }

    static func traceId(profile: String, index: Int) -> Int64 { firstTraceId(profile: profile) + Int64(index) }

    /// Pending payouts requested over the last hour (oldest first), then a few decided earlier.
    static func payouts(profile: String, now: Timestamp) -> [[UInt8]] {
        let methods = ["card", "sepa", "skrill", "card", "neteller", "bank_transfer", "sepa", "card", "paypal", "skrill", "card", "sepa"]
        let amounts: [(Int64, String)] = [(25_000, "EUR"), (150_000, "EUR"), (7_850, "EUR"), (30_000, "JPY"), (120_000, "EUR"),
                                          (4_990, "GBP"), (75_500, "KWD"), (9_900, "EUR"), (60_000, "EUR"), (18_250, "EUR"),
                                          (200_000, "EUR"), (33_300, "EUR")]
        var lines: [(Timestamp, [UInt8])] = []
        for k in 0..<pendingPayouts {
            let requested = Timestamp(milliseconds: now.milliseconds - Int64(3 + k * 4) * 60_000 - Int64(k * 17) * 1000)
            let extra: [(String, JSONValue)] = k == 10 ? [("merchant_note", .string("VIP: second request this week, check with risk first"))] : []
            lines.append((requested, payout(profile: profile, index: k, requested: requested, status: "pending",
                                            method: methods[k % methods.count], amount: amounts[k % amounts.count], extra: extra)))
        }
        let decided: [(minutesAgo: Int64, status: String)] = [(95, "approved"), (80, "rejected"), (70, "cancelled")]
        for (n, item) in decided.enumerated() {
            let k = pendingPayouts + n
            let requested = Timestamp(milliseconds: now.milliseconds - item.minutesAgo * 60_000)
            lines.append((requested, payout(profile: profile, index: k, requested: requested, status: item.status,
                                            method: methods[k % methods.count], amount: amounts[k % amounts.count], extra: [])))
        }
        return lines.sorted { $0.0 < $1.0 }.map(\.1)
    }

    private static func payout(profile: String, index: Int, requested: Timestamp, status: String, method: String,
                               amount: (Int64, String), extra: [(String, JSONValue)]) -> [UInt8] {
        var o = JSONObjectWriter()
        o.add("trace_id", traceId(profile: profile, index: index))
        o.add("requested_at", requested.rfc3339)
        o.add("status", status)
        o.add("order_id", "WD-" + String(20_400 + index))
        o.add("amount", amount.0)
        o.add("currency", amount.1)
        o.add("customer_id", customer(index + 31))
        o.add("payment_method", method)
        for (key, value) in extra { o.add(key, value) }
        return Array(o.text.utf8)
    }

    // MARK: Randomness

    static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        var text = ""
        for _ in 0..<bytes {
            let byte = UInt8.random(in: 0...255, using: &generator)
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return text
    }
}
