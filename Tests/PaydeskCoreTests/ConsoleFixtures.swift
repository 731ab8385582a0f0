import Foundation
import Testing
@testable import Console
@testable import PaydeskCore

/// A console in a known state: fixed time, a few sessions, payouts and attempts, so screens and keys can be
/// checked without a terminal.
enum ConsoleFixtures {
    static let now = Timestamp.parseRFC3339("2026-11-21T09:30:00Z")!

    static let test = Profile(name: "TEST", production: false, xpayURL: "http://127.0.0.1:1/x", praxisURL: "http://127.0.0.1:1")
    static let prod = Profile(name: "PROD", production: true, xpayURL: "http://127.0.0.1:1/x", praxisURL: "http://127.0.0.1:1")
    static let audit = Profile(name: "AUDIT", production: false, readOnly: true, xpayURL: "http://127.0.0.1:1/x", praxisURL: "http://127.0.0.1:1")

    static func session(_ id: String, ageSeconds: Int64, order: String, amount: Int64, currency: String = "EUR", customer: String? = nil,
                        extra: [(String, JSONValue)] = []) -> TargetRow {
        let created = now + -ageSeconds
        let fields: [(String, JSONValue)] = [("session_id", .string(id)), ("created_at", .string(created.rfc3339)), ("state", .string("open")),
                                             ("order_id", .string(order)), ("amount", .number(String(amount))), ("currency", .string(currency))]
            + (customer.map { [("customer_id", JSONValue.string($0))] } ?? []) + extra
        return TargetRow(id: TargetID(gateway: "xpay", key: id), time: created, fields: RecordFields(fields))
    }

    static func payout(_ trace: Int64, ageSeconds: Int64, order: String, customer: String, amount: Int64, currency: String = "EUR",
                       method: String = "card") -> TargetRow {
        let requested = now + -ageSeconds
        let fields: [(String, JSONValue)] = [("trace_id", .number(String(trace))), ("requested_at", .string(requested.rfc3339)),
                                             ("status", .string("pending")), ("order_id", .string(order)), ("customer_id", .string(customer)),
                                             ("amount", .number(String(amount))), ("currency", .string(currency)), ("payment_method", .string(method))]
        return TargetRow(id: TargetID(gateway: "praxis", key: String(trace)), time: requested, fields: RecordFields(fields))
    }

    static let sessions: [TargetRow] = [
        session("ps_a1", ageSeconds: 250, order: "ORD-1001", amount: 1250, customer: "cust-17"),
        session("ps_b2", ageSeconds: 120, order: "ORD-1002", amount: 990, extra: [("merchant_note", .string("VIP"))]),
        session("ps_c3", ageSeconds: 30, order: "ORD-1003", amount: 150000, currency: "JPY"),
        session("ps_d4", ageSeconds: 400, order: "ORD-0999", amount: 500),   // expired: not listed
    ]

    static let payouts: [TargetRow] = [
        payout(752856, ageSeconds: 3000, order: "WD-1", customer: "cust-17", amount: 5000),
        payout(752857, ageSeconds: 1200, order: "WD-2", customer: "cust-42", amount: 12345, method: "sepa"),
        payout(752858, ageSeconds: 60, order: "WD-3", customer: "cust-99", amount: 2500, currency: "KWD", method: "skrill"),
    ]

    /// An intent (and outcome, if given) as the audit trail holds them.
    static func attempt(_ gateway: String, _ target: String, secondsAgo: Int64, outcome: AttemptOutcome?, inFlight: Bool = false,
                        operatorName: String = "m.rossi", reason: String = "customer asked") -> Attempt {
        let id = "att-\(gateway)-\(target)-\(secondsAgo)"
        let intent = AuditEntry(at: now + -secondsAgo, operatorName: operatorName, profile: "TEST", gateway: gateway, target: target,
                                event: .intent, attemptId: id, reason: reason)
        let answer = outcome.map {
            AuditEntry(at: now + -secondsAgo + 1, operatorName: operatorName, profile: "TEST", gateway: gateway, target: target,
                       event: .outcome, attemptId: id, reason: reason, outcome: $0)
        }
        return Attempt(intent: intent, outcome: answer, state: outcome.map { .finished($0) } ?? (inFlight ? .inFlight : .inDoubt))
    }

    static let attempts: [Attempt] = [
        attempt("praxis", "752857", secondsAgo: 40, outcome: AttemptOutcome(result: .unknown, httpStatus: 200, gatewayStatus: "0",
                description: "the answer's signature does not match: it may be forged", signatureValid: false, correlationId: "c-3")),
        attempt("xpay", "ps_zz", secondsAgo: 90, outcome: AttemptOutcome(result: .cancelled, httpStatus: 200, description: "session cancelled",
                correlationId: "c-2", latencyMs: 412)),
        attempt("praxis", "752800", secondsAgo: 200, outcome: AttemptOutcome(result: .rejected, httpStatus: 200, gatewayStatus: "6",
                description: "Payout is already approved", signatureValid: true, correlationId: "c-1")),
    ]

    static var data: ConsoleData { ConsoleData(sessions: sessions, payouts: payouts, attempts: attempts) }

    static func state(_ profile: Profile = test, width: Int = 80, height: Int = 24, data: ConsoleData = data) -> ConsoleState {
        var state = ConsoleState(profile: profile, profiles: [test, prod, audit], operatorName: "m.rossi",
                                 themeNames: ["default", "light", "high-contrast", "monochrome"], themeName: "default",
                                 now: now, width: width, height: height)
        _ = state.update(.loaded(data))
        return state
    }
}

extension ConsoleState {
    /// Sends keys one by one; returns every effect asked for.
    @discardableResult
    mutating func press(_ keys: Key...) -> [ConsoleEffect] { keys.flatMap { update(.key($0)) } }

    /// Types text, a key per character.
    @discardableResult
    mutating func type(_ text: String) -> [ConsoleEffect] { text.flatMap { update(.key(.character($0))) } }

    var screen: [String] { ConsoleView.render(self).grid.lines }
    var screenText: String { screen.joined(separator: "\n") }
}
