import Foundation
import PaydeskCore

extension GatewaySimulator {
    /// The cardholder's details every completed session's StateResponse carries, as the real gateway's does.
    /// Personal data: paydesk must never keep it, so tests search whole directories for these strings.
    public static let personalData = [SimulatedStateResponse.cardHolderName, SimulatedStateResponse.cardHolderEmail,
                                      SimulatedStateResponse.street, SimulatedStateResponse.mobilePhone]
}

/// XPay's StateResponse, the documented answer of both `build/state` and `build/cancel`: where a session
/// stands and, once it has ended, how (its operation, with the customer's details).
enum SimulatedStateResponse {
    /// How a completed session ended.
    enum Operation {
        case cancel, authorization

        var type: String { self == .cancel ? "CANCEL" : "AUTHORIZATION" }
        var result: String { self == .cancel ? "CANCELED" : "AUTHORIZED" }
    }

    static let cardHolderName = "Mario Rossi-PII"
    static let cardHolderEmail = "mario.rossi.pii@example.com"
    static let street = "Via Privata PII 1"
    static let mobilePhone = "+39 333 000 PII"

    /// A session whose payment flow is still open: no operation yet.
    static let open = JSONValue.object([("state", .string("PAYMENT_METHOD_SELECTION"))])

    /// A session that ended with `operation`, at `time` (the simulator's clock).
    static func completed(sessionId: String, _ operation: Operation, at time: Timestamp) -> JSONValue {
        .object([
            ("state", .string("PAYMENT_COMPLETE")),
            ("operation", .object([
                ("orderId", .string("ORD-" + sessionId)),
                ("operationId", .string(operationId(of: sessionId))),
                ("operationType", .string(operation.type)),
                ("operationResult", .string(operation.result)),
                ("operationTime", .string(operationTime(time))),
                ("paymentMethod", .string("CARDS")),
                ("paymentCircuit", .string("VISA")),
                ("operationAmount", .string("1000")),
                ("operationCurrency", .string("EUR")),
                ("customerInfo", .object([
                    ("cardHolderName", .string(cardHolderName)),
                    ("cardHolderEmail", .string(cardHolderEmail)),
                    ("billingAddress", .object([
                        ("name", .string(cardHolderName)), ("street", .string(street)), ("city", .string("Milano")),
                        ("postCode", .string("20121")), ("country", .string("ITA")),
                    ])),
                    ("mobilePhone", .string(mobilePhone)),
                ])),
            ])),
        ])
    }

    /// A number that is the same for the same session on every run (FNV-1a of its id; Swift's hashes are seeded per process).
    static func operationId(of sessionId: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in sessionId.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return String(hash % 1_000_000_000_000)
    }

    /// `2026-11-30 14:03:22.0`: XPay's `yyyy-MM-dd HH:mm:ss.S`, in UTC.
    static func operationTime(_ time: Timestamp) -> String {
        String(time.rfc3339.prefix(21)).replacingOccurrences(of: "T", with: " ")
    }
}
