import PaydeskCore

/// XPay's `StateResponse` (the 200 of `build/state`, and of `build/cancel`), read for the few fields paydesk keeps.
/// Its `operation` also carries `customerInfo` (the cardholder's name, e-mail, addresses, phones): it is never read
/// into anything kept.
struct XPayStateResponse {
    let kept: GatewayState

    /// The flow is still under way: nothing was paid or cancelled.
    static let openStates: Set<String> = ["PAYMENT_METHOD_SELECTION", "CARD_DATA_COLLECTION", "READY_FOR_PAYMENT", "REDIRECTED_TO_EXTERNAL_DOMAIN"]
    static let completeState = "PAYMENT_COMPLETE"

    /// The kept fields of `members`, or nil when there is neither a `state` nor an `operation` to read.
    init?(_ members: [(String, JSONValue)]) {
        let body = JSONValue.object(members)
        func text(_ value: JSONValue?) -> String? { if case .string(let s)? = value { s } else { nil } }
        let operation = body["operation"]
        guard text(body["state"]) != nil || operation != nil else { return nil }
        kept = GatewayState(state: text(body["state"]).map(Self.short), operationType: text(operation?["operationType"]).map(Self.short),
                            operationResult: text(operation?["operationResult"]).map(Self.short),
                            operationId: text(operation?["operationId"]).map(Self.short), orderId: text(operation?["orderId"]).map(Self.short),
                            operationTime: text(operation?["operationTime"]).map(Self.short))
    }

    /// Whether the operation it names is the cancellation, done.
    var isCancelled: Bool { kept.operationType == "CANCEL" && kept.operationResult == "CANCELED" }

    /// What it says of the session.
    var verdict: CheckVerdict? {
        guard let state = kept.state else { return nil }
        if Self.openStates.contains(state) { return .open }
        guard state == Self.completeState, kept.operationResult != nil else { return nil }
        return isCancelled ? .cancelled : .closed
    }

    /// Identifiers and codes, not prose: a value longer than this is cut, printable only.
    private static func short(_ text: String) -> String { String(printable(text).prefix(64)) }
}
