/// A record kind that a gateway can cancel.
public protocol CancellableKind: RecordKind {
    /// `xpay` or `praxis`.
    static var gatewayName: String { get }
    /// What to call the target when refusing: "session xs-1", "payout 752856".
    static func describe(_ key: Key) -> String
}

extension CancellableKind {
    public static func describe(_ key: Key) -> String { "\(noun) \(key)" }
    /// The name of the state field (`state` or `status`).
    public static var stateField: String { fields[2].name }
}

extension SessionKind: CancellableKind {
    public static let gatewayName = "xpay"
}

extension PayoutKind: CancellableKind {
    public static let gatewayName = "praxis"
}
