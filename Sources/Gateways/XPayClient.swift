import Foundation
import PaydeskCore

/// Nexi XPay Build: `POST {xpay_url}/build/cancel` with `X-Api-Key`, a fresh `Correlation-Id` (UUID v4) per
/// call, and `{"sessionId": ...}`.
public struct XPayClient: CancelGateway, StateGateway {
    public let name = "xpay"
    public let baseURL: String
    let apiKey: Secret
    let transport: HTTPTransport
    let timeouts: Timeouts

    public init(baseURL: String, apiKey: Secret, transport: HTTPTransport = CurlTransport(), timeouts: Timeouts = Timeouts()) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.transport = transport
        self.timeouts = timeouts
    }

    /// The request for `sessionId`. With `masked`, the API key reads as a mask (for `--dry-run`).
    public func request(sessionId: String, correlationId: String, masked: Bool = false) -> GatewayRequest {
        GatewayRequest(url: URL(string: baseURL + "/build/cancel")!,
                    headers: [("Content-Type", "application/json"), ("Accept", "application/json"),
                              ("X-Api-Key", masked ? apiKey.description : apiKey.reveal()), ("Correlation-Id", correlationId)],
                    body: Array(JSONValue.object([("sessionId", .string(sessionId))]).jsonText.utf8))
    }

    public func cancel(target sessionId: String, orderId: String?) async -> AttemptOutcome {
        let correlationId = UUID().uuidString.lowercased()   // Foundation's UUID() is version 4
        let started = DispatchTime.now()
        let result = await transport.send(request(sessionId: sessionId, correlationId: correlationId), timeouts: timeouts)
        var outcome = Self.classify(result)
        outcome = outcome.keptSafely(hiding: SecretMask([apiKey.reveal()]))
        outcome.correlationId = correlationId
        outcome.latencyMs = Int((DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000_000)
        return outcome
    }

    /// `GET {xpay_url}/build/state?sessionId=...`: what XPay says the session is. Changes nothing.
    public func stateRequest(sessionId: String, correlationId: String) -> GatewayRequest {
        // Everything but the unreserved characters escaped: a session id holding `&`, `=`, `+` or `#` stays one value.
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        let encoded = sessionId.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
        return GatewayRequest(method: .get, url: URL(string: baseURL + "/build/state?sessionId=" + encoded)!,
                              headers: [("Accept", "application/json"), ("X-Api-Key", apiKey.reveal()), ("Correlation-Id", correlationId)],
                              body: [])
    }

    public func state(target sessionId: String, orderId: String?) async -> GatewayCheck {
        let correlationId = UUID().uuidString.lowercased()
        let started = DispatchTime.now()
        let result = await transport.send(stateRequest(sessionId: sessionId, correlationId: correlationId), timeouts: timeouts)
        var check = Self.classifyState(result)
        check.facts = check.facts.keptSafely(hiding: SecretMask([apiKey.reveal()]))
        check.facts.correlationId = correlationId
        check.facts.latencyMs = Int((DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000_000)
        return check
    }

    /// What a `build/state` answer says: a StateResponse settles it; an error or a state paydesk does not know does not.
    static func classifyState(_ result: Result<GatewayResponse, TransportFailure>, receivedAt: Timestamp = .now) -> GatewayCheck {
        let response: GatewayResponse
        switch result {
        case .failure(let failure): return failure.failedCheck
        case .success(let r): response = r
        }
        let parsed = GatewayJSON.object(response.body)
        let errors = Self.errors(in: parsed)
        let (codes, described) = Self.summary(of: errors)
        func facts(_ description: String, state: GatewayState? = nil) -> AttemptOutcome {
            ClockSkew.noted(AttemptOutcome(result: .unknown, httpStatus: response.status, gatewayStatus: codes, description: description,
                                           errorCode: codes, gatewayState: state), response, receivedAt: receivedAt)
        }
        switch response.status {
        case 200:
            guard case .success(let members) = parsed else {
                if case .failure(let problem) = parsed { return .inconclusive(facts("HTTP 200 with a body that is not a StateResponse (\(problem.words))")) }
                return .inconclusive(facts("HTTP 200 with a body that is not a StateResponse"))
            }
            guard errors.isEmpty, let state = XPayStateResponse(members) else {
                return .inconclusive(facts(errors.isEmpty ? "HTTP 200 without a state" : "HTTP 200 that carries errors (\(described))"))
            }
            guard let verdict = state.verdict else {
                return .inconclusive(facts("the session's state is \(state.kept.summary), which paydesk does not know how to read", state: state.kept))
            }
            return GatewayCheck(verdict: verdict, facts: facts("session \(state.kept.summary)", state: state.kept))
        case 400...499 where response.status != 401:
            return .inconclusive(facts(described.isEmpty ? "HTTP \(response.status) from the gateway" : described))
        case 401:
            return .failed(facts("unauthorized: the API key was refused (HTTP 401); check xpay_api_key"))
        default:
            return .failed(facts("HTTP \(response.status) from the gateway" + (described.isEmpty ? "" : ": \(described)")))
        }
    }

    /// What an answer means. 200 cancelled; 400 rejected; 401 and 5xx failed (but a proxy's 502 and 504, which
    /// may have passed the request on); a failure after sending unknown.
    public static func classify(_ result: Result<GatewayResponse, TransportFailure>, receivedAt: Timestamp = .now) -> AttemptOutcome {
        switch result {
        case .failure(let failure): failure.outcome("session")
        case .success(let response): ClockSkew.noted(classify(response), response, receivedAt: receivedAt)
        }
    }

    private static func classify(_ response: GatewayResponse) -> AttemptOutcome {
        let parsed = GatewayJSON.object(response.body)
        let errors = Self.errors(in: parsed)
        let (codes, described) = Self.summary(of: errors)
        func outcome(_ result: AttemptResult, _ fallback: String) -> AttemptOutcome {
            AttemptOutcome(result: result, httpStatus: response.status, gatewayStatus: codes,
                           description: described.isEmpty ? fallback : described, errorCode: codes)
        }
        let note = Self.note(response.body, parsed)
        switch response.status {
        case 200:
            // The documented 200 is a StateResponse: its operation, CANCEL CANCELED, is the proof. The seed says only
            // "200 = processed", so an empty body or `{}` counts too. A body that is not even a JSON object (an HTML
            // page from a proxy or a wrong URL answering 200 to anything), or one with a key given twice, proves
            // nothing. The body itself is never kept: its operation carries the cardholder's personal data.
            let body = response.body.filter { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
            if !body.isEmpty, case .failure(let problem) = parsed {
                return AttemptOutcome(result: .unknown, httpStatus: 200,
                                      description: "HTTP 200 with a body that is not the gateway's JSON (\(problem.words)): it proves nothing, the session may have been cancelled")
            }
            if !errors.isEmpty {
                return outcome(.unknown, "HTTP 200 that carries errors (\(described)): the gateway's answer contradicts itself, the session may have been cancelled")
            }
            guard case .success(let members) = parsed, let state = XPayStateResponse(members) else {
                return AttemptOutcome(result: .cancelled, httpStatus: 200, description: "session cancelled")
            }
            guard state.kept.operationResult != nil else {
                return AttemptOutcome(result: .unknown, httpStatus: 200, description: "HTTP 200, but its StateResponse (\(state.kept.summary)) names no operation: "
                                      + "the session may or may not have been cancelled", gatewayState: state.kept)
            }
            if state.isCancelled {
                return AttemptOutcome(result: .cancelled, httpStatus: 200, description: "session cancelled (\(state.kept.summary))", gatewayState: state.kept)
            }
            return AttemptOutcome(result: .unknown, httpStatus: 200, description: "HTTP 200, but the operation it names is \(state.kept.summary), "
                                  + "not CANCEL CANCELED: the session may or may not have been cancelled", gatewayState: state.kept)
        case 400:
            return outcome(.rejected, "invalid request (HTTP 400)" + note)
        case 401:
            return outcome(.failed, "unauthorized: the API key was refused (HTTP 401); check xpay_api_key")
        case 502, 504:
            return outcome(.unknown, "HTTP \(response.status) from a proxy in front of the gateway, which may have passed the request on" + note)
        case 500...599:
            return outcome(.failed, "gateway error (HTTP \(response.status))" + note)
        case 201...299:
            return outcome(.unknown, "unexpected success status HTTP \(response.status): not the documented 200")
        case 300...399:
            return outcome(.failed, "redirected (HTTP \(response.status)), not followed: check xpay_url")
        default:
            return outcome(.failed, "HTTP \(response.status): check xpay_url and the API key")
        }
    }

    /// ` (body: …)` for a refusal's description, without any `operation` or `customerInfo` member at any depth: a
    /// StateResponse's operation carries the cardholder's personal data, which is never kept.
    static func note(_ body: [UInt8], _ parsed: Result<[(String, JSONValue)], GatewayJSON.Problem>) -> String {
        func stripped(_ value: JSONValue) -> JSONValue {
            switch value {
            case .object(let members): .object(members.filter { $0.0 != "operation" && $0.0 != "customerInfo" }.map { ($0.0, stripped($0.1)) })
            case .array(let items): .array(items.map(stripped))
            default: value
            }
        }
        guard let value = try? JSONValue.parse(body) else { return GatewayBody.note(body, parsed) }
        return GatewayBody.note(Array(stripped(value).jsonText.utf8), .failure(.notJSON))
    }

    /// `PS0026,PS0001` (nil without errors) and `PS0026: session not found; PS0001: …`.
    static func summary(of errors: [GatewayError]) -> (codes: String?, described: String) {
        (errors.isEmpty ? nil : errors.map(\.code).joined(separator: ","), errors.map { "\($0.code): \($0.description)" }.joined(separator: "; "))
    }

    struct GatewayError: Equatable {
        let code: String
        let description: String
    }

    /// `errors[].code/description` from a 400 or 500 body, if it has them (none from a body with a repeated key).
    static func errors(in parsed: Result<[(String, JSONValue)], GatewayJSON.Problem>) -> [GatewayError] {
        guard case .success(let members) = parsed, case .array(let items)? = JSONValue.object(members)["errors"] else { return [] }
        return items.compactMap { item in
            guard case .string(let code)? = item["code"] else { return nil }
            if case .string(let d)? = item["description"] { return GatewayError(code: code, description: d) }
            return GatewayError(code: code, description: "")
        }
    }
}
