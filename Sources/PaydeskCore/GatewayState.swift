/// What a gateway says a session or payout is, in the few words paydesk keeps: XPay's `state` and its
/// `operation`'s type, result, id, order and time (`StateResponse`); Praxis's `transaction_status`,
/// `transaction_type` and `transaction_id`. Nothing else of an answer is kept: XPay's `operation` also carries
/// the cardholder's name, e-mail, addresses and phones (`customerInfo`), which must never reach the trail,
/// the store, the screen or a log.
public struct GatewayState: Sendable, Equatable {
    public var state: String?
    public var operationType: String?
    public var operationResult: String?
    public var operationId: String?
    public var orderId: String?
    public var operationTime: String?

    public init(state: String? = nil, operationType: String? = nil, operationResult: String? = nil,
                operationId: String? = nil, orderId: String? = nil, operationTime: String? = nil) {
        self.state = state
        self.operationType = operationType
        self.operationResult = operationResult
        self.operationId = operationId
        self.orderId = orderId
        self.operationTime = operationTime
    }

    /// The JSON names, as the audit trail and `--json` write them.
    private static let names = ["state", "operation_type", "operation_result", "operation_id", "order_id", "operation_time"]

    private var values: [String?] { [state, operationType, operationResult, operationId, orderId, operationTime] }

    public var json: JSONValue {
        .object(zip(Self.names, values).compactMap { name, value in value.map { (name, .string($0)) } })
    }

    /// Read back from the trail; nil for anything but an object of strings.
    public init?(json: JSONValue?) {
        guard case .object? = json else { return nil }
        func text(_ name: String) -> String? { if case .string(let s)? = json?[name] { s } else { nil } }
        self.init(state: text("state"), operationType: text("operation_type"), operationResult: text("operation_result"),
                  operationId: text("operation_id"), orderId: text("order_id"), operationTime: text("operation_time"))
    }

    /// `PAYMENT_COMPLETE, CANCEL CANCELED` or `cancelled (payout)`: for people.
    public var summary: String {
        let operation = [operationType, operationResult].compactMap { $0 }.joined(separator: " ")
        return [state, operation.isEmpty ? nil : operation].compactMap { $0 }.joined(separator: ", ")
    }
}
