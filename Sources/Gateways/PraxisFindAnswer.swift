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
                                              transactionType: try text("transaction_type").get(), transactionId: transactionId))
        } catch let malformed as PraxisCancelAnswer.Malformed {
            return .failure(malformed)
        } catch {
            return .failure(.init(why: "\(error)"))
        }
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
