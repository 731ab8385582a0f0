import Testing
@testable import Gateways
@testable import PaydeskCore

/// Every row of the outcome table, from the answer alone (no network).
extension PaydeskTests {
@Suite struct OutcomeClassificationTests {
    private func xpay(_ status: Int, _ body: String = "") -> AttemptOutcome {
        XPayClient.classify(.success(GatewayResponse(status: status, body: Array(body.utf8))))
    }

    @Test func xpayAnswers() {
        #expect(xpay(200, "{}").result == .cancelled)
        #expect(xpay(200).result == .cancelled)
        #expect(xpay(200, #"{"sessionId":"x"}"#).result == .cancelled)
        let portal = xpay(200, "<html>Welcome to the hotel Wi-Fi</html>")
        #expect(portal.result == .unknown, "a 200 whose body is not the gateway's JSON proves nothing")
        #expect(xpay(200, "[1,2]").result == .unknown)
        let rejected = xpay(400, #"{"errors":[{"code":"PS0026","description":"session not found"},{"code":"PS0001","description":"x"}]}"#)
        #expect(rejected.result == .rejected)
        #expect(rejected.httpStatus == 400)
        #expect(rejected.errorCode == "PS0026,PS0001")
        #expect(rejected.gatewayStatus == "PS0026,PS0001")
        #expect(rejected.description == "PS0026: session not found; PS0001: x")
        #expect(xpay(400, "<html>").result == .rejected, "a 400 is a refusal even if its body is unreadable")
        #expect(xpay(401).result == .failed)
        #expect(xpay(401).description.contains("API key"))
        let serverError = xpay(500, #"{"errors":[{"code":"PS0000","description":"Generic API error"}]}"#)
        #expect(serverError.result == .failed)
        #expect(serverError.errorCode == "PS0000")
        #expect(xpay(503).result == .failed)
        #expect(xpay(302).result == .failed)
        #expect(xpay(404).result == .failed)
        #expect(xpay(202).result == .unknown, "a success status other than the documented 200 proves nothing")
    }

    @Test func xpayTransportFailures() {
        #expect(XPayClient.classify(.failure(.notSent("refused"))).result == .failed)
        let unknown = XPayClient.classify(.failure(.mayHaveBeenSent("no answer within the timeout")))
        #expect(unknown.result == .unknown)
        #expect(unknown.httpStatus == nil)
    }

    let secret = Secret("MerchantSecretKey")
    /// The seed's answers are about trace id 752856.
    let asked = PraxisClient.Asked(traceId: 752856, version: "1.2")

    private func praxis(_ fields: [(String, JSONValue)], status: Int = 200) -> AttemptOutcome {
        PraxisClient.classify(.success(GatewayResponse(status: status, body: Array(JSONValue.object(fields).jsonText.utf8))), secret: secret, asked: asked)
    }

    private func signed(_ status: Int, _ description: String) -> [(String, JSONValue)] {
        var f: [(String, JSONValue)] = [("description", .string(description)), ("status", .number(String(status))), ("version", .string("1.2"))]
        f.append(("signature", .string(PraxisSignature.sign(f, secret: secret))))
        return f
    }

    @Test func praxisAnswers() {
        let ok = praxis(PraxisSignatureTests.ok)
        #expect(ok.result == .cancelled)
        #expect(ok.gatewayStatus == "0")
        #expect(ok.signatureValid == true)
        #expect(ok.description == "Transaction canceled successfully: order_id=752856")
        let notFound = praxis(PraxisSignatureTests.err)
        #expect(notFound.result == .rejected)
        #expect(notFound.gatewayStatus == "1")
        #expect(praxis(signed(7, "whatever")).result == .rejected)
        let internalError = praxis(signed(-1, "internal error"))
        #expect(internalError.result == .failed)
        #expect(internalError.signatureValid == true)
    }

    @Test func praxisAnswersThatProveNothing() {
        var forged = PraxisSignatureTests.err
        forged[1] = ("status", .number("0"))
        let forgedOutcome = praxis(forged)
        #expect(forgedOutcome.result == .unknown, "a forged success is never a success")
        #expect(forgedOutcome.signatureValid == false)
        #expect(forgedOutcome.description.contains("signature invalid"))
        let unsigned = praxis(Array(PraxisSignatureTests.ok.prefix(3)))
        #expect(unsigned.result == .unknown)
        #expect(unsigned.description.contains("signature missing"))
        let malformed = PraxisClient.classify(.success(GatewayResponse(status: 200, body: Array(#"{"status": 0, "descr"#.utf8))), secret: secret, asked: asked)
        #expect(malformed.result == .unknown)
        #expect(malformed.description.contains("malformed"))
        let noStatus = praxis([("description", .string("x"))])
        #expect(noStatus.result == .unknown)
    }

    @Test func praxisHTTPErrorsAndTransport() {
        #expect(PraxisClient.classify(.success(GatewayResponse(status: 503, body: [])), secret: secret, asked: asked).result == .failed)
        #expect(PraxisClient.classify(.success(GatewayResponse(status: 500, body: [])), secret: secret, asked: asked).result == .failed)
        // A proxy's 502 or 504 may have passed the request on.
        #expect(PraxisClient.classify(.success(GatewayResponse(status: 502, body: [])), secret: secret, asked: asked).result == .unknown)
        #expect(PraxisClient.classify(.success(GatewayResponse(status: 504, body: [])), secret: secret, asked: asked).result == .unknown)
        #expect(PraxisClient.classify(.success(GatewayResponse(status: 404, body: [])), secret: secret, asked: asked).result == .failed)
        #expect(PraxisClient.classify(.success(GatewayResponse(status: 204, body: [])), secret: secret, asked: asked).result == .unknown)
        #expect(PraxisClient.classify(.failure(.notSent("refused")), secret: secret, asked: asked).result == .failed)
        #expect(PraxisClient.classify(.failure(.mayHaveBeenSent("reset")), secret: secret, asked: asked).result == .unknown)
    }
}
}

extension PaydeskTests {
@Suite struct AnswerScrubbingTests {
    /// A transport that answers with a fixed body, as a proxy's error page echoing the request would.
    struct EchoingTransport: HTTPTransport {
        let status: Int
        func send(_ request: GatewayRequest, timeouts: Timeouts) async -> Result<GatewayResponse, TransportFailure> {
            let echoed = request.headers.map { "\($0.0): \($0.1)" }.joined(separator: " ") + " " + String(decoding: request.body, as: UTF8.self)
            return .success(GatewayResponse(status: status, body: Array(echoed.utf8)))
        }
    }

    @Test func anEchoedRequestDoesNotBringTheSecretsIntoTheOutcome() async {
        let xpay = XPayClient(baseURL: "http://127.0.0.1:1", apiKey: Secret("xpay-key-ECHOED-1234"), transport: EchoingTransport(status: 400))
        let x = await xpay.cancel(target: "s")
        #expect(x.description.contains("body:"))
        #expect(!x.description.contains("xpay-key-ECHOED-1234"))
        let praxis = PraxisClient(baseURL: "http://127.0.0.1:1", merchantId: Secret("M"), applicationKey: Secret("A"),
                                  secret: Secret("praxis-secret-ECHOED"), transport: EchoingTransport(status: 500))
        let p = await praxis.cancel(target: "7")
        #expect(p.description.contains("body:"))
        #expect(!p.description.contains("praxis-secret-ECHOED"))
        let signature = PraxisSignature.sign([("merchant_id", .string("M"))], secret: Secret("praxis-secret-ECHOED"))
        #expect(!p.description.contains(signature.prefix(20)), "no live signature either")
        #expect(p.description.contains("\"signature\":\"********\""))
    }
}
}
