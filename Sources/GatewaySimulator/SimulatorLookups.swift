import FlyingFox
import Foundation
import Gateways
import PaydeskCore

/// The gateways' read-only lookups, which resolve an attempt left in doubt: the same checks as the cancels,
/// then the simulator's state as it stands, never changed. Their faults are their own (`setLookupFault`), so
/// a target can time out on cancel and still be checked.
extension SimulatorHandlers {
    // MARK: XPay Build: GET /build/state?sessionId=

    func xpayState(_ request: HTTPRequest) async throws -> HTTPResponse {
        await state.arrived(acceptEncoding: request.headers[HTTPHeader("Accept-Encoding")])
        if let refusal = xpayRefusal(request) { return refusal }
        guard let sessionId = request.query["sessionId"], !sessionId.isEmpty else {
            return xpayError(.badRequest, "PS0002", "invalid request: the sessionId parameter is required")
        }
        let fault = try await delayed(await state.receivedLookup(sessionId))
        return try await lookupFault(fault, isPraxis: false) {
            switch await state.standing(ofSession: sessionId) {
            case .open: json(.ok, SimulatedStateResponse.open)
            case .cancelled: json(.ok, SimulatedStateResponse.completed(sessionId: sessionId, .cancel, at: await state.now))
            case .paid: json(.ok, SimulatedStateResponse.completed(sessionId: sessionId, .authorization, at: await state.now))
            case .expired: xpayError(.badRequest, "PS0027", "session ID has expired")
            case .notFound: xpayError(.badRequest, "PS0026", "session ID not found")
            }
        }
    }

    // MARK: Praxis: POST /api/find-transaction

    func praxisFindTransaction(_ request: HTTPRequest) async throws -> HTTPResponse {
        await state.arrived(acceptEncoding: request.headers[HTTPHeader("Accept-Encoding")])
        let traceId: Int64
        switch try await checkedPraxisRequest(request) {
        case .success(let asked): traceId = asked.traceId
        case .failure(let refusal): return refusal.response
        }
        let fault = try await delayed(await state.receivedLookup(String(traceId)))
        let signatureFault = fault == .badSignature || fault == .noSignature ? fault : nil
        return try await lookupFault(fault, isPraxis: true) {
            guard let status = await state.payoutStatus(traceId) else {
                return json(.ok, .object(signing([("status", .number("1")), ("description", .string("Transaction not found: trace_id=\(traceId)")),
                                                  ("version", .string(credentials.praxisVersion))], fault: signatureFault)))
            }
            return json(.ok, .object(signing([
                ("status", .number("0")),
                ("description", .string("Transaction found: trace_id=\(traceId)")),
                ("transaction_type", .string("payout")),
                ("transaction_status", .string(Self.transactionStatus(status))),
                ("transaction_id", .number(String(Self.transactionId(traceId)))),
                ("trace_id", .number(String(traceId))),
                ("version", .string(credentials.praxisVersion)),
            ], fault: signatureFault)))
        }
    }

    /// Praxis's word for a payout in the simulator's `status`: a rejected payout is `declined`.
    static func transactionStatus(_ status: String) -> String {
        status == "rejected" ? "declined" : status
    }

    /// Praxis's own id for the payout: the same on every lookup.
    static func transactionId(_ traceId: Int64) -> Int64 { 80_000_000 + traceId }

    // MARK: Faults

    /// What a lookup's fault does: those that spoil any answer spoil this one as they would a cancel's,
    /// `internal-error` is each gateway's own error, the signature ones are the Praxis answer's business, and
    /// any other fault leaves the answer as it is.
    private func lookupFault(_ fault: SimulatorFault?, isPraxis: Bool, answer: () async throws -> HTTPResponse) async throws -> HTTPResponse {
        switch fault {
        case .internalError?:
            return isPraxis ? praxisAnswer(-1, "Internal error, please try again later")
                : xpayError(.internalServerError, "PS0000", "Generic API error")
        case .timeout?, .drop?, .serverError?, .malformed?, .unauthorized?, .proxyError?:
            return try await commonFault(fault, isPraxis: isPraxis, answer: answer)
        default:
            return try await answer()
        }
    }
}
