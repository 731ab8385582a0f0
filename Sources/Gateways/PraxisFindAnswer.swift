import PaydeskCore

/// A `find-transaction` answer read for what paydesk needs: status, description, the payout it names and its
/// transaction status. Praxis adds further transaction fields, which the signature covers and paydesk never keeps.
/// The answer must name the `trace_id` asked about inside the signed values: that is what a `payout-cancel`
/// answer cannot do, and why a success is confirmed here.
struct PraxisFindAnswer: Equatable {
    let status: Int
    let description: String
    let version: String?
    let traceId: Int64?
    let transactionStatus: String?
    let transactionType: String?
    let transactionId: String?
    let orderId: String?

    static func read(_ members: [(String, JSONValue)]) -> Result<PraxisFindAnswer, PraxisCancelAnswer.Malformed> {
        let body = JSONValue.object(members)
        func text(_ key: String) -> Result<String?, PraxisCancelAnswer.Malformed> {
            switch body[key] {
            case nil, .null?: .success(nil)
            case .string(let s)?: .success(s)
            default: .failure(.init(why: "\(key) is not a string"))
            }
        }
        func integer(_ key: String) -> Result<Int64?, PraxisCancelAnswer.Malformed> {
            switch body[key] {
            case nil: .success(nil)
            case .number(let n)? where PraxisCancelAnswer.isPlainInteger(n): .success(Int64(n))
            default: .failure(.init(why: "\(key) is not a whole number written plainly"))
            }
        }
        do {
            guard let status = try integer("status").get(), let description = try text("description").get() else {
                return .failure(.init(why: "status and description are required"))
            }
            let transactionId: String? = switch body["transaction_id"] {
            case .string(let s)?: s
            case .number(let n)?: n
            default: nil
            }
            return .success(PraxisFindAnswer(status: Int(status), description: description, version: try text("version").get(),
                                              traceId: try integer("trace_id").get(), transactionStatus: try text("transaction_status").get(),
                                              transactionType: try text("transaction_type").get(), transactionId: transactionId,
                                              orderId: try text("order_id").get()))
        } catch {
            // Every throw above is typed: Malformed.
            return .failure(error)
        }
    }

    /// Whether the answer names the payout asked about where its digits cannot have moved: its description names
    /// `trace_id=N` or `order_id=N` (N the trace id, or the record's own order id), or its `order_id` is the record's.
    func bindsPayout(_ asked: PraxisClient.Asked) -> Bool {
        let wanted = [String(asked.traceId)] + (asked.orderId.map { [$0] } ?? [])
        if let recordOrder = asked.orderId, orderId == recordOrder { return true }
        var named = PraxisCancelAnswer.namedOrders(in: description)
        named += PraxisCancelAnswer.namedOrders(in: description.replacingOccurrences(of: "trace_id=", with: "order_id="))
        return named.contains(where: wanted.contains) && !named.contains { !wanted.contains($0) }
    }

    /// What a payout's transaction status says, or nil for a word paydesk does not know.
    var verdict: CheckVerdict? {
        switch transactionStatus {
        case "requested", "pending": .open
        case "cancelled": .cancelled
        case "approved", "declined": .closed
        default: nil
        }
    }

    var kept: GatewayState {
        func short(_ s: String?) -> String? { s.map { String(printable($0).prefix(64)) } }
        return GatewayState(state: short(transactionStatus), operationType: short(transactionType), operationId: short(transactionId))
    }
}
