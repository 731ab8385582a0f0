import Testing
@testable import Gateways
@testable import PaydeskCore

/// The seed's three vectors (secret `MerchantSecretKey`), and what a response's signature proves.
extension PaydeskTests {
@Suite struct PraxisSignatureTests {
    let secret = Secret("MerchantSecretKey")

    @Test func signsTheSeedsRequest() {
        let fields: [(String, JSONValue)] = [
            ("application_key", .string("Sandbox")), ("merchant_id", .string("Test-Integration-Merchant")),
            ("timestamp", .number("1578879941")), ("trace_id", .number("752856")), ("version", .string("1.2")),
        ]
        #expect(PraxisSignature.signedText(fields, secret: secret) == "SandboxTest-Integration-Merchant15788799417528561.2MerchantSecretKey")
        #expect(PraxisSignature.sign(fields, secret: secret)
            == "68d044bf60b52684f0abe0a0d1e9050bf6a5472b0b33073c4aef744c2f527321b5a260462f338b0381d9eeef3eec7e0b")
    }

    @Test func orderDoesNotMatterAndTheSignatureFieldIsLeftOut() {
        let shuffled: [(String, JSONValue)] = [
            ("version", .string("1.2")), ("signature", .string("whatever")), ("trace_id", .number("752856")),
            ("merchant_id", .string("Test-Integration-Merchant")), ("timestamp", .number("1578879941")), ("application_key", .string("Sandbox")),
        ]
        #expect(PraxisSignature.sign(shuffled, secret: secret)
            == "68d044bf60b52684f0abe0a0d1e9050bf6a5472b0b33073c4aef744c2f527321b5a260462f338b0381d9eeef3eec7e0b")
    }

    @Test func theClientSignsItsRequestByTheSameRule() throws {
        let client = PraxisClient(baseURL: "http://127.0.0.1:1", merchantId: Secret("Test-Integration-Merchant"),
                                  applicationKey: Secret("Sandbox"), secret: secret)
        let body = try JSONValue.parse(client.request(traceId: 752856, timestamp: 1578879941).body)
        #expect(body["signature"] == .string("68d044bf60b52684f0abe0a0d1e9050bf6a5472b0b33073c4aef744c2f527321b5a260462f338b0381d9eeef3eec7e0b"))
        let masked = try JSONValue.parse(client.request(traceId: 752856, timestamp: 1578879941, masked: true).body)
        #expect(masked["signature"] == .string("********"))
    }

    static let ok: [(String, JSONValue)] = [
        ("description", .string("Transaction canceled successfully: order_id=752856")), ("status", .number("0")), ("version", .string("1.2")),
        ("signature", .string("83f0ff712478792bc89f15647abb19b3c8d75c9e1575d87f70cb6b1e2e5d67c9da10e6b3a8953ddcd0ef8ff0f6f78d97")),
    ]
    static let err: [(String, JSONValue)] = [
        ("description", .string("Transaction not found: order_id=752856")), ("status", .number("1")), ("version", .string("1.2")),
        ("signature", .string("e8b396f67bbcd4a5033368aa880b1df9edebee21918a94a908666c11a2e6987d3670adf44317b66f578c85f63456635e")),
    ]

    @Test func verifiesTheSeedsResponses() {
        #expect(PraxisSignature.check(Self.ok, secret: secret) == .valid)
        #expect(PraxisSignature.check(Self.err, secret: secret) == .valid)
    }

    @Test func aTamperedResponseDoesNotVerify() {
        var tampered = Self.err
        tampered[1] = ("status", .number("0"))   // "not found" turned into "success"
        #expect(PraxisSignature.check(tampered, secret: secret) == .invalid)
        var edited = Self.ok
        edited[0] = ("description", .string("Transaction canceled successfully: order_id=752857"))
        #expect(PraxisSignature.check(edited, secret: secret) == .invalid)
        #expect(PraxisSignature.check(Self.ok, secret: Secret("AnotherMerchantsKey")) == .invalid)
        var truncated = Self.ok
        truncated[3] = ("signature", .string("83f0ff71"))
        #expect(PraxisSignature.check(truncated, secret: secret) == .invalid)
    }

    @Test func aMissingSignatureIsNotValid() {
        #expect(PraxisSignature.check(Array(Self.ok.prefix(3)), secret: secret) == .missing)
        var empty = Self.ok
        empty[3] = ("signature", .string(""))
        #expect(PraxisSignature.check(empty, secret: secret) == .missing)
        var number = Self.ok
        number[3] = ("signature", .number("0"))
        #expect(PraxisSignature.check(number, secret: secret) == .missing)
    }

    @Test func digestsMatchKnownValues() {
        #expect(Digest.sha256Hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Digest.sha384Hex(Array("".utf8)).hasPrefix("38b060a751ac9638"))
        #expect(Digest.constantTimeEquals("abc", "abc"))
        #expect(!Digest.constantTimeEquals("abc", "abd"))
        #expect(!Digest.constantTimeEquals("abc", "abcd"))
    }
}
}
