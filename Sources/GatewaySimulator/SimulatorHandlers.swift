import FlyingFox
import FlyingSocks
import Foundation
import Gateways
import PaydeskCore

/// FlyingFox has a JSONValue of its own; ours keeps member order, which Praxis signatures need.
typealias JSONValue = PaydeskCore.JSONValue

/// The two endpoints: they check what the real gateways check, then answer, or misbehave on request.
struct SimulatorHandlers: Sendable {
    let state: SimulatorState
    let credentials: GatewaySimulator.Credentials

    // One request per connection: a kept-alive connection costs FlyingFox ~44 ms a request.
    static let closing: HTTPHeaders = [.connection: "close"]
    static let closingJSON: HTTPHeaders = [.contentType: "application/json", .connection: "close"]

    // MARK: XPay Build: POST /build/cancel

    func xpayCancel(_ request: HTTPRequest) async throws -> HTTPResponse {
        await state.arrived()
        guard let key = request.headers[HTTPHeader("X-Api-Key")], Digest.constantTimeEquals(key, credentials.xpayAPIKey.reveal()) else {
            return HTTPResponse(statusCode: .unauthorized, headers: Self.closing)
        }
        guard let correlation = request.headers[HTTPHeader("Correlation-Id")], Self.isUUIDv4(correlation) else {
            return xpayError(.badRequest, "PS0001", "Correlation-Id must be a UUID v4, new for every call")
        }
        let body = try await request.bodyData
        guard case .string(let sessionId)? = (try? JSONValue.parse([UInt8](body)))?["sessionId"], !sessionId.isEmpty else {
            return xpayError(.badRequest, "PS0002", "invalid request body: sessionId is required")
        }
        return try await withFaults(target: sessionId, isPraxis: false) { _ in
            switch await state.cancelSession(sessionId) {
            case .cancelled: return json(.ok, .object([("sessionId", .string(sessionId)), ("state", .string("CANCELLED"))]))
            case .notFound: return xpayError(.badRequest, "PS0026", "session \(sessionId) not found")
            case .expired: return xpayError(.badRequest, "PS0027", "session \(sessionId) has expired")
            case .alreadyCancelled: return xpayError(.badRequest, "PS0028", "session \(sessionId) was already cancelled")
            case .paid: return xpayError(.badRequest, "PS0029", "session \(sessionId) is already paid")
            }
        }
    }

    private func xpayError(_ status: HTTPStatusCode, _ code: String, _ description: String) -> HTTPResponse {
        json(status, .object([("errors", .array([.object([("code", .string(code)), ("description", .string(description))])]))]))
    }

    /// 8-4-4-4-12 hex digits, version 4, RFC 4122 variant.
    static func isUUIDv4(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.map(\.count) == [8, 4, 4, 4, 12], parts.allSatisfy({ $0.allSatisfy(\.isHexDigit) }) else { return false }
        return parts[2].first == "4" && "89abAB".contains(parts[3].first!)
    }

    // MARK: Praxis: POST /api/payout-cancel

    func praxisCancel(_ request: HTTPRequest) async throws -> HTTPResponse {
        await state.arrived()
        let body = try await request.bodyData
        guard case .object(let fields)? = try? JSONValue.parse([UInt8](body)) else {
            return praxisAnswer(14, "Malformed request: the body is not a JSON object")
        }
        func string(_ key: String) -> String? { if case .string(let s)? = fields.last(where: { $0.0 == key })?.1 { s } else { nil } }
        func int(_ key: String) -> Int64? { if case .number(let n)? = fields.last(where: { $0.0 == key })?.1 { Int64(n) } else { nil } }
        for key in ["merchant_id", "application_key", "version", "signature"] where string(key) == nil {
            return praxisAnswer(14, "Malformed request: \(key) is missing")
        }
        guard let traceId = int("trace_id"), let timestamp = int("timestamp") else {
            return praxisAnswer(14, "Malformed request: trace_id and timestamp must be integers")
        }
        guard string("merchant_id") == credentials.praxisMerchantId, string("application_key") == credentials.praxisApplicationKey else {
            return praxisAnswer(10, "Invalid merchant credentials")
        }
        guard string("version") == credentials.praxisVersion else {
            return praxisAnswer(13, "Unsupported version \(string("version") ?? "")")
        }
        guard PraxisSignature.check(fields, secret: credentials.praxisSecret) == .valid else {
            return praxisAnswer(11, "Invalid signature")
        }
        // Valid for one minute after its timestamp (a few seconds of clock skew forgiven).
        let now = await state.now.milliseconds / 1000
        guard timestamp <= now + 5, now - timestamp <= 60 else {
            return praxisAnswer(12, "Request expired: timestamp \(timestamp) is outside the 1 minute window")
        }
        return try await withFaults(target: String(traceId), isPraxis: true) { fault in
            let answer: HTTPResponse
            switch await state.cancelPayout(traceId) {
            case .cancelled: answer = praxisAnswer(0, "Transaction canceled successfully: order_id=\(traceId)", fault: fault)
            case .notFound: answer = praxisAnswer(1, "Transaction not found: order_id=\(traceId)", fault: fault)
            case .notPending(let status): answer = praxisAnswer(2, "Transaction can not be canceled: order_id=\(traceId) is \(status)", fault: fault)
            }
            return answer
        }
    }

    /// A signed Praxis answer; with a signature fault, signed wrongly or not at all.
    private func praxisAnswer(_ status: Int, _ description: String, fault: SimulatorFault? = nil) -> HTTPResponse {
        var fields: [(String, JSONValue)] = [("description", .string(description)), ("status", .number(String(status))),
                                             ("version", .string(credentials.praxisVersion))]
        switch fault {
        case .badSignature:
            fields.append(("signature", .string(PraxisSignature.sign(fields, secret: Secret("not-the-merchant-secret")))))
        case .noSignature:
            break
        default:
            fields.append(("signature", .string(PraxisSignature.sign(fields, secret: credentials.praxisSecret))))
        }
        return json(.ok, .object(fields))
    }

    // MARK: Faults

    /// Runs `answer` as the fault for `target` allows: late, never, cut off, garbled, or not at all.
    private func withFaults(target: String, isPraxis: Bool,
                            _ answer: (SimulatorFault?) async throws -> HTTPResponse) async throws -> HTTPResponse {
        let (fault, latency) = await state.received(target)
        if latency > 0 { try await Task.sleep(nanoseconds: UInt64(latency) * 1_000_000) }
        guard let fault else { return try await answer(nil) }
        switch fault {
        case .serverError:
            return isPraxis ? HTTPResponse(statusCode: .internalServerError, headers: Self.closing)
                : xpayError(.internalServerError, "PS0000", "Generic API error")
        case .internalError:
            return isPraxis ? praxisAnswer(-1, "Internal error, please try again later")
                : xpayError(.internalServerError, "PS0000", "Generic API error")
        case .unauthorized:
            return HTTPResponse(statusCode: .unauthorized, headers: Self.closing)
        case .timeout:
            _ = try await answer(nil)
            try await Task.sleep(nanoseconds: 3_600 * 1_000_000_000)
            return HTTPResponse(statusCode: .gatewayTimeout)
        case .drop:
            _ = try await answer(nil)
            return HTTPResponse(statusCode: .ok, headers: Self.closingJSON,
                                body: HTTPBodySequence(from: CutOffBody(), count: 64))
        case .malformed:
            _ = try await answer(nil)
            return HTTPResponse(statusCode: .ok, headers: Self.closingJSON,
                                body: Data(#"{"status": 0, "descr"#.utf8))
        case .badSignature, .noSignature:
            return try await answer(isPraxis ? fault : nil)
        }
    }

    private func json(_ status: HTTPStatusCode, _ value: JSONValue) -> HTTPResponse {
        HTTPResponse(statusCode: status, headers: Self.closingJSON, body: Data(value.jsonText.utf8))
    }
}

/// A body that fails as soon as it is read: the server has sent the headers, then the connection closes.
private struct CutOffBody: AsyncBufferedSequence, Sendable {
    typealias Element = UInt8

    struct AsyncIterator: AsyncBufferedIteratorProtocol {
        mutating func next() async throws -> UInt8? { throw CancellationError() }
        mutating func nextBuffer(suggested count: Int) async throws -> [UInt8]? { throw CancellationError() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator() }
}
