import FlyingFox
import FlyingSocks
import Foundation
import Gateways
import PaydeskCore

/// FlyingFox has a JSONValue of its own; ours keeps member order, which Praxis signatures need.
typealias JSONValue = PaydeskCore.JSONValue

/// The gateways' endpoints: they check what the real gateways check, then answer, or misbehave on request.
/// The cancels are here; the lookups, which share these checks, in SimulatorLookups.swift.
struct SimulatorHandlers: Sendable {
    let state: SimulatorState
    let credentials: GatewaySimulator.Credentials

    // One request per connection: a kept-alive connection costs FlyingFox ~44 ms a request.
    static let closing: HTTPHeaders = [.connection: "close"]
    static let closingJSON: HTTPHeaders = [.contentType: "application/json", .connection: "close"]

    /// Every answer carries the gateway's clock, as real servers' do.
    func dated(_ response: HTTPResponse) async -> HTTPResponse {
        var r = response
        r.headers[.date] = HTTPDate.format(await state.now)
        return r
    }

    // MARK: XPay Build: POST /build/cancel

    func xpayCancel(_ request: HTTPRequest) async throws -> HTTPResponse {
        await state.arrived(acceptEncoding: request.headers[HTTPHeader("Accept-Encoding")])
        if let refusal = xpayRefusal(request) { return refusal }
        let body = try await request.bodyData
        guard case .string(let sessionId)? = (try? JSONValue.parse([UInt8](body)))?["sessionId"], !sessionId.isEmpty else {
            return xpayError(.badRequest, "PS0002", "invalid request body: sessionId is required")
        }
        let fault = try await received(sessionId)
        let answer = {
            switch await state.cancelSession(sessionId) {
            case .cancelled: await xpayCancelled(sessionId)
            case .notFound: xpayError(.badRequest, "PS0026", "session \(sessionId) not found")
            case .expired: xpayError(.badRequest, "PS0027", "session \(sessionId) has expired")
            case .alreadyCancelled: xpayError(.badRequest, "PS0028", "session \(sessionId) was already cancelled")
            case .paid: xpayError(.badRequest, "PS0029", "session \(sessionId) is already paid")
            }
        }
        switch fault {
        case .repeatedKey:
            _ = await answer()
            return raw(.ok, #"{"sessionId":"\#(sessionId)","sessionId":"another-session"}"#)
        case .oversized:
            _ = await answer()
            // Put together by hand: encoding 20 MB as JSON takes seconds in a debug build, longer than a client waits.
            var id = ""
            JSONValue.writeString(sessionId, to: &id)
            return raw(.ok, #"{"sessionId":"# + id + #","note":""# + Self.twentyMegabytes + #""}"#)
        case .echo:
            let key = credentials.xpayAPIKey.reveal()
            return raw(.badRequest, #"{"errors":[{"code":"\#(Self.slashEscaped(key))","description":"X-Api-Key \#(Self.slashEscaped(key)) is not enabled for cancel"}]}"#)
        case .controlCodes:
            return xpayError(.badRequest, Self.forgingCode, Self.forgingText)
        case .internalError:
            return xpayError(.internalServerError, "PS0000", "Generic API error")
        case .phantom:
            return await xpayCancelled(sessionId)
        case .recut, .replay, .badSignature, .noSignature:
            return await answer()   // Praxis-only faults: XPay answers as it would
        default:
            return try await commonFault(fault, isPraxis: false, answer: answer)
        }
    }

    /// The refusal of a call without the right key or a fresh Correlation-Id, checked before anything else; nil if it passes.
    func xpayRefusal(_ request: HTTPRequest) -> HTTPResponse? {
        guard let key = request.headers[HTTPHeader("X-Api-Key")], Digest.constantTimeEquals(key, credentials.xpayAPIKey.reveal()) else {
            return HTTPResponse(statusCode: .unauthorized, headers: Self.closing)
        }
        guard let correlation = request.headers[HTTPHeader("Correlation-Id")], Self.isUUIDv4(correlation) else {
            return xpayError(.badRequest, "PS0001", "Correlation-Id must be a UUID v4, new for every call")
        }
        return nil
    }

    /// The 200 of a cancelled session: the documented StateResponse, customer's details included.
    func xpayCancelled(_ sessionId: String) async -> HTTPResponse {
        json(.ok, SimulatedStateResponse.completed(sessionId: sessionId, .cancel, at: await state.now))
    }

    func xpayError(_ status: HTTPStatusCode, _ code: String, _ description: String) -> HTTPResponse {
        json(status, .object([("errors", .array([.object([("code", .string(code)), ("description", .string(description))])]))]))
    }

    /// 8-4-4-4-12 hex digits, version 4, RFC 4122 variant.
    static func isUUIDv4(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.map(\.count) == [8, 4, 4, 4, 12], parts.allSatisfy({ $0.allSatisfy(\.isHexDigit) }) else { return false }
        return parts[2].first == "4" && "89abAB".contains(parts[3].first!)
    }

    // MARK: Praxis: what every call is checked for

    /// A Praxis request that passed every check: the payout it is about, and its (valid) signature.
    struct PraxisRequest {
        let traceId: Int64
        let signature: String
    }

    /// The signed answer to a request that failed Praxis's checks.
    struct PraxisRefusal: Error {
        let response: HTTPResponse

        init(_ response: HTTPResponse) { self.response = response }
    }

    /// What Praxis checks of every Agent API call, in its order: the fields, the credentials, the version, the
    /// signature, then the time. The request, or the signed refusal to answer instead.
    func checkedPraxisRequest(_ request: HTTPRequest) async throws -> Result<PraxisRequest, PraxisRefusal> {
        let body = try await request.bodyData
        guard case .object(let fields)? = try? JSONValue.parse([UInt8](body)) else {
            return .failure(PraxisRefusal(praxisAnswer(14, "Malformed request: the body is not a JSON object")))
        }
        func string(_ key: String) -> String? { if case .string(let s)? = fields.last(where: { $0.0 == key })?.1 { s } else { nil } }
        func int(_ key: String) -> Int64? { if case .number(let n)? = fields.last(where: { $0.0 == key })?.1 { Int64(n) } else { nil } }
        for key in ["merchant_id", "application_key", "version", "signature"] where string(key) == nil {
            return .failure(PraxisRefusal(praxisAnswer(14, "Malformed request: \(key) is missing")))
        }
        guard let traceId = int("trace_id"), let timestamp = int("timestamp") else {
            return .failure(PraxisRefusal(praxisAnswer(14, "Malformed request: trace_id and timestamp must be integers")))
        }
        guard string("merchant_id") == credentials.praxisMerchantId, string("application_key") == credentials.praxisApplicationKey else {
            return .failure(PraxisRefusal(praxisAnswer(10, "Invalid merchant credentials")))
        }
        guard string("version") == credentials.praxisVersion else {
            return .failure(PraxisRefusal(praxisAnswer(13, "Unsupported version \(string("version") ?? "")")))
        }
        guard PraxisSignature.check(fields, secret: credentials.praxisSecret) == .valid else {
            return .failure(PraxisRefusal(praxisAnswer(11, "Invalid signature")))
        }
        // Valid for one minute after its timestamp (a few seconds of clock skew forgiven).
        let now = await state.now.milliseconds / 1000
        guard timestamp <= now + 5, now - timestamp <= 60 else {
            return .failure(PraxisRefusal(praxisAnswer(12, "Request expired: timestamp \(timestamp) is outside the 1 minute window")))
        }
        return .success(PraxisRequest(traceId: traceId, signature: string("signature") ?? ""))
    }

    // MARK: Praxis: POST /api/payout-cancel

    func praxisCancel(_ request: HTTPRequest) async throws -> HTTPResponse {
        await state.arrived(acceptEncoding: request.headers[HTTPHeader("Accept-Encoding")])
        let asked: PraxisRequest
        switch try await checkedPraxisRequest(request) {
        case .success(let checked): asked = checked
        case .failure(let refusal): return refusal.response
        }
        let traceId = asked.traceId
        let fault = try await received(String(traceId))
        let genuine: () async -> (status: Int, description: String) = {
            switch await state.cancelPayout(traceId) {
            case .cancelled: (0, "Transaction canceled successfully: order_id=\(traceId)")
            case .notFound: (1, "Transaction not found: order_id=\(traceId)")
            case .notPending(let status): (2, "Transaction can not be canceled: order_id=\(traceId) is \(status)")
            }
        }
        switch fault {
        case .badSignature, .noSignature:
            let (status, description) = await genuine()
            return praxisAnswer(status, description, fault: fault)
        case .internalError:
            return praxisAnswer(-1, "Internal error, please try again later")
        case .recut:
            let (status, description) = await genuine()
            return recut(status, description)
        case .repeatedKey:
            let (status, description) = await genuine()
            var fields = signed(status, description)
            fields.append(("status", .number(status == 0 ? "1" : "0")))
            return json(.ok, .object(fields))
        case .replay:
            return praxisAnswer(0, "Transaction canceled successfully: order_id=\(traceId + 1)")
        case .phantom:
            return praxisAnswer(0, "Transaction canceled successfully: order_id=\(traceId)")
        case .echo:
            let secret = credentials.praxisSecret.reveal()
            let text = "Invalid signature \(asked.signature): expected one made with \(secret)"
            let members = signed(10, text).map { ($0.0, $0.0 == "description" ? "\"" + Self.slashEscaped(text) + "\"" : $0.1.jsonText) }
            return raw(.ok, "{" + members.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}")
        case .controlCodes:
            return praxisAnswer(3, Self.forgingText)
        case .oversized:
            _ = await genuine()
            // Signed as any answer, but written by hand: see XPay's oversized answer.
            let fields = signed(0, "Transaction canceled successfully: order_id=\(traceId)" + Self.twentyMegabytes)
            return raw(.ok, "{" + fields.map { key, value in
                "\"\(key)\":" + (key == "description" ? "\"" + (value.displayText) + "\"" : value.jsonText)
            }.joined(separator: ",") + "}")
        default:
            return try await commonFault(fault, isPraxis: true) {
                let (status, description) = await genuine()
                return praxisAnswer(status, description)
            }
        }
    }

    /// `fields` with their signature (over every one of them) appended; with a signature fault, signed wrongly or not at all.
    func signing(_ fields: [(String, JSONValue)], fault: SimulatorFault? = nil) -> [(String, JSONValue)] {
        switch fault {
        case .noSignature: fields
        case .badSignature: fields + [("signature", .string(PraxisSignature.sign(fields, secret: Secret("not-the-merchant-secret"))))]
        default: fields + [("signature", .string(PraxisSignature.sign(fields, secret: credentials.praxisSecret)))]
        }
    }

    /// The answer's fields with a valid signature.
    private func signed(_ status: Int, _ description: String) -> [(String, JSONValue)] {
        signing([("description", .string(description)), ("status", .number(String(status))), ("version", .string(credentials.praxisVersion))])
    }

    /// A signed Praxis answer; with a signature fault, signed wrongly or not at all.
    func praxisAnswer(_ status: Int, _ description: String, fault: SimulatorFault? = nil) -> HTTPResponse {
        json(.ok, .object(signing([("description", .string(description)), ("status", .number(String(status))),
                                   ("version", .string(credentials.praxisVersion))], fault: fault)))
    }

    /// The genuine answer's signed values (description, status, version, concatenated) cut again at their last
    /// `0`, which becomes the status: the signature still verifies.
    private func recut(_ status: Int, _ description: String) -> HTTPResponse {
        let original = signed(status, description)
        let joined = Array(description + String(status) + credentials.praxisVersion)
        guard status != 0, let zero = joined.indices.dropLast().last(where: { joined[$0] == "0" }) else { return json(.ok, .object(original)) }
        return json(.ok, .object([("description", .string(String(joined[..<zero]))), ("status", .number("0")),
                                  ("version", .string(String(joined[(zero + 1)...]))), original[3]]))
    }

    // MARK: Faults

    /// Counts the call and waits out the latency set for `target`; the fault to apply, if any.
    private func received(_ target: String) async throws -> SimulatorFault? {
        try await delayed(await state.received(target))
    }

    /// Waits out `latencyMs`; the fault.
    func delayed(_ received: (fault: SimulatorFault?, latencyMs: Int)) async throws -> SimulatorFault? {
        if received.latencyMs > 0 { try await Task.sleep(nanoseconds: UInt64(received.latencyMs) * 1_000_000) }
        return received.fault
    }

    /// The faults both gateways share: `answer` (which acts, as the gateway would) runs first where the fault
    /// spoils only the answer.
    func commonFault(_ fault: SimulatorFault?, isPraxis: Bool, answer: () async throws -> HTTPResponse) async throws -> HTTPResponse {
        guard let fault else { return try await answer() }
        switch fault {
        case .serverError:
            return isPraxis ? HTTPResponse(statusCode: .internalServerError, headers: Self.closing)
                : xpayError(.internalServerError, "PS0000", "Generic API error")
        case .unauthorized:
            return HTTPResponse(statusCode: .unauthorized, headers: Self.closing)
        case .timeout:
            _ = try await answer()
            return try await neverAnswering()
        case .lost:
            return try await neverAnswering()
        case .drop:
            _ = try await answer()
            return HTTPResponse(statusCode: .ok, headers: Self.closingJSON,
                                body: HTTPBodySequence(from: CutOffBody(), count: 64))
        case .malformed:
            _ = try await answer()
            return raw(.ok, #"{"status": 0, "descr"#)
        case .proxyError:
            _ = try await answer()
            return HTTPResponse(statusCode: .badGateway, headers: [.contentType: "text/html", .connection: "close"],
                                body: Data("<html><body><h1>502 Bad Gateway</h1></body></html>".utf8))
        case .compressed:
            _ = try await answer()
            return HTTPResponse(statusCode: .ok, headers: [.contentType: "application/json", .contentEncoding: "gzip", .connection: "close"],
                                body: Data(Self.gzippedEmptyObject))
        default:
            return try await answer()
        }
    }

    /// Sleeps an hour, longer than any client waits: no answer comes.
    func neverAnswering() async throws -> HTTPResponse {
        try await Task.sleep(nanoseconds: 3_600 * 1_000_000_000)
        return HTTPResponse(statusCode: .gatewayTimeout)
    }

    func json(_ status: HTTPStatusCode, _ value: JSONValue) -> HTTPResponse {
        raw(status, value.jsonText)
    }

    func raw(_ status: HTTPStatusCode, _ text: String) -> HTTPResponse {
        HTTPResponse(statusCode: status, headers: Self.closingJSON, body: Data(text.utf8))
    }

    /// JSON text with every `/` written `\/`, as some servers escape it.
    static func slashEscaped(_ text: String) -> String {
        var json = ""
        JSONValue.writeString(text, to: &json)
        return json.dropFirst().dropLast().replacingOccurrences(of: "/", with: "\\/")
    }

    /// Erase the screen, set the clipboard (OSC 52), then a new line that looks like a success; and a C1 CSI.
    static let forgingText = "refused\u{1B}[2J\u{1B}]52;c;ZXZpbA==\u{07}\r\nTEST  payout 1  CANCELLED: cancelled by the gateway \u{9B}32m"
    static let forgingCode = "PS0099\u{1B}[1A\u{1B}[2K\r\nCANCELLED"
    static let twentyMegabytes = String(repeating: "x", count: 20 << 20)
    /// `{}`, gzip-compressed.
    static let gzippedEmptyObject: [UInt8] = [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xab, 0xae, 0x05, 0x00,
                                              0x43, 0xbf, 0xa6, 0xa3, 0x02, 0x00, 0x00, 0x00]
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
