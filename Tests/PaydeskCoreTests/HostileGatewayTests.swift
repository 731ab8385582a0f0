import Foundation
import Testing
@testable import GatewaySimulator
@testable import Gateways
@testable import PaydeskCore

/// A gateway's answer tried as an attacker would send it: re-cut, repeated, replayed, oversized, compressed,
/// laced with terminal escapes or echoing the secrets; and the network around it: proxies, TLS, clocks.
extension PaydeskTests {
@Suite struct HostileGatewayTests {
    let secret = Secret("MerchantSecretKey")
    let asked = PraxisClient.Asked(traceId: 752850, version: "1.2")

    private func signed(_ status: String, _ description: String, version: String = "1.2") -> [(String, JSONValue)] {
        var f: [(String, JSONValue)] = [("description", .string(description)), ("status", .number(status)), ("version", .string(version))]
        f.append(("signature", .string(PraxisSignature.sign(f, secret: secret))))
        return f
    }

    private func praxis(_ body: String, asked: PraxisClient.Asked? = nil) -> AttemptOutcome {
        PraxisClient.classify(.success(GatewayResponse(status: 200, body: Array(body.utf8))), secret: secret, asked: asked ?? self.asked)
    }

    private func praxis(_ fields: [(String, JSONValue)], asked: PraxisClient.Asked? = nil) -> AttemptOutcome {
        praxis(JSONValue.object(fields).jsonText, asked: asked)
    }

    // MARK: 1. Spliced, repeated and replayed Praxis answers

    @Test func aReCutRefusalIsNotASuccess() {
        let genuine = signed("1", "Transaction not found: order_id=752850")
        #expect(praxis(genuine).result == .rejected)
        // The same signed string, cut elsewhere: a "success" whose signature verifies.
        let recut: [(String, JSONValue)] = [("description", .string("Transaction not found: order_id=75285")), ("status", .number("0")),
                                            ("version", .string("11.2")), genuine[3]]
        #expect(PraxisSignature.check(recut, secret: secret) == .valid)
        let outcome = praxis(recut)
        #expect(outcome.result == .unknown, "\(outcome.description)")
        #expect(outcome.description.contains("version \"11.2\" is not the one sent (\"1.2\")"))
        // Padded with a field of its own instead, keeping the version: the signature still verifies.
        let padded: [(String, JSONValue)] = [("description", .string("Transaction not found: order_id=75285")), ("status", .number("0")),
                                             ("t", .string("1")), ("version", .string("1.2")), genuine[3]]
        #expect(PraxisSignature.check(padded, secret: secret) == .valid)
        let paddedOutcome = praxis(padded)
        #expect(paddedOutcome.result == .unknown)
        #expect(paddedOutcome.description.contains("does not document (\"t\")"))
    }

    @Test func theOrderAnAnswerNamesMustBeTheOneAskedAbout() {
        let replayed = praxis(signed("0", "Transaction canceled successfully: order_id=752851"))
        #expect(replayed.result == .unknown)
        #expect(replayed.description.contains("names order_id=752851, but paydesk asked about trace id 752850"))
        #expect(praxis(signed("0", "Transaction canceled successfully: order_id=752850.")).result == .cancelled)
        let byOrder = PraxisClient.Asked(traceId: 752850, version: "1.2", orderId: "WD-20408")
        #expect(praxis(signed("0", "Transaction canceled successfully: order_id=WD-20408"), asked: byOrder).result == .cancelled)
        let other = praxis(signed("0", "Transaction canceled successfully: order_id=WD-20409"), asked: byOrder)
        #expect(other.result == .unknown)
        #expect(other.description.contains("(order WD-20408)"))
        // Digits moved from the status into the description keep the signature: "Invalid signature", 10 -> "Invalid signature1", 0.
        let refusal = signed("10", "Invalid signature")
        let moved: [(String, JSONValue)] = [("description", .string("Invalid signature1")), ("status", .number("0")), ("version", .string("1.2")), refusal[3]]
        #expect(PraxisSignature.check(moved, secret: secret) == .valid)
        let outcome = praxis(moved)
        #expect(outcome.result == .unknown, "a success that names no order proves nothing")
        #expect(outcome.description.contains("does not name the payout asked about"))
        #expect(praxis(signed("10", "Invalid signature")).result == .rejected, "a refusal needs no order")
    }

    @Test func repeatedKeysAndLooseNumbersProveNothing() {
        let genuine = signed("1", "Transaction not found: order_id=752850")
        let text = JSONValue.object(genuine).jsonText.replacingOccurrences(of: "\"status\":1,", with: "\"status\":1,\"status\":0,")
        let repeated = praxis(text)
        #expect(repeated.result == .unknown)
        #expect(repeated.description.contains("\"status\" is given twice"))
        for loose in ["00", "0.0", "-0", "0e0", "1E0"] {
            let outcome = praxis(signed(loose, "Transaction canceled successfully: order_id=752850"))
            #expect(outcome.result == .unknown, "status \(loose)")
        }
        var asString = signed("0", "x")
        asString[1].1 = .string("0")
        asString[3].1 = .string(PraxisSignature.sign(asString, secret: secret))
        #expect(praxis(asString).result == .unknown, "a status written as a string concatenates the same, so it is refused")

        let xpayRepeated = XPayClient.classify(.success(GatewayResponse(status: 200, body: Array(#"{"sessionId":"a","sessionId":"b"}"#.utf8))))
        #expect(xpayRepeated.result == .unknown)
        let xpayRefusal = XPayClient.classify(.success(GatewayResponse(status: 400, body: Array(#"{"errors":[],"errors":[{"code":"PS0001"}]}"#.utf8))))
        #expect(xpayRefusal.result == .rejected, "a 400 is a refusal; its repeated errors are not read")
        #expect(xpayRefusal.errorCode == nil)
        let contradiction = XPayClient.classify(.success(GatewayResponse(status: 200, body: Array(#"{"errors":[{"code":"PS0028","description":"already voided"}]}"#.utf8))))
        #expect(contradiction.result == .unknown, "a 200 that carries errors contradicts itself")
    }

    @Test(arguments: [SimulatorFault.recut, .repeatedKey, .replay])
    func praxisForgeriesOverHTTPAreUnknown(_ fault: SimulatorFault) async throws {
        try await withSimulator { sim in
            // A refusal to re-cut needs a payout Praxis will not cancel; the others start pending.
            await sim.state.addPayout(752850, status: fault == .recut ? "approved" : "pending")
            await sim.state.setFault(fault, for: "752850")
            let outcome = await sim.praxisClient().cancel(target: "752850")
            #expect(outcome.result == .unknown, "\(fault): \(outcome.description)")
            if fault == .replay { #expect(await sim.state.payoutStatus(752850) == "pending") }
        }
    }

    // MARK: 2. Nothing from a gateway reaches a terminal raw

    @Test func gatewayTextReachesNoTerminalRaw() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim)
            home.seed(payouts: [1], sessions: ["s1"])
            await sim.state.addPayout(1)
            await sim.state.addSession("s1", createdAt: .now)
            await sim.state.setFault(.controlCodes, for: "1")
            await sim.state.setFault(.controlCodes, for: "s1")
            var people: [CommandResult] = []
            var json: [CommandResult] = []
            people.append(try await home.paydesk(["cancel", "payout", "1", "--yes"]))
            people.append(try await home.paydesk(["cancel", "session", "s1", "--yes"]))
            json.append(try await home.paydesk(["cancel", "payout", "1", "--yes", "--json"]))
            json.append(try await home.paydesk(["cancel", "session", "s1", "--yes", "--json"]))
            people.append(try await home.paydesk(["history"]))
            json.append(try await home.paydesk(["history", "--json"]))
            #expect(people[0].status == 1 && people[1].status == 1, "refusals: \(people[0].stderr)")
            for output in people + json {
                let text = output.stdout + output.stderr
                for raw in ["\u{1B}", "\u{07}", "\r", "\u{9B}"] {
                    #expect(!text.contains(raw), "a raw \(raw.unicodeScalars.first!.value) reached the terminal: \(text)")
                }
                #expect(!text.contains("\nTEST  payout 1  CANCELLED"), "a forged line")
            }
            #expect(people[0].stdout.contains("\\u{1B}]52;c;"), "escaped, still readable: \(people[0].stdout)")
            #expect(people[1].stdout.contains("PS0099\\u{1B}[1A"), "the error code too: \(people[1].stdout)")
            for output in json {
                #expect(output.stdout.contains("\\u001b"), "\(output.stdout)")
                for line in output.stdout.split(separator: "\n") { #expect((try? JSONValue.parse(String(line))) != nil) }
            }
            #expect(json[0].stdout.contains("\\u009b"), "C1 controls are \\u escapes in JSON")
            let trail = home.dir.read("data/TEST/audit.jsonl")
            #expect(!trail.contains("\u{1B}") && !trail.contains("\u{9B}"))
        }
    }

    // MARK: 3. Echoed secrets are masked in every form

    @Test func secretMaskCoversEveryEncoding() {
        let secret = "k/e\"y &<x>"
        let mask = SecretMask([secret])
        for form in [secret, #"k/e\"y &<x>"#, #"k\/e\"y &<x>"#, "k%2Fe%22y%20%26%3Cx%3E", "k%2fe%22y%20%26%3cx%3e", "k%2Fe%22y+%26%3Cx%3E",
                     "k/e&quot;y &amp;&lt;x&gt;"] {
            #expect(mask.apply("before \(form) after") == "before ******** after", "\(form)")
        }
        #expect(SecretMask(["abc"]).apply("abc") == "abc", "a value too short to be a secret is left alone")
    }

    @Test func echoedSecretsAreMaskedInEveryField() async throws {
        let credentials = GatewaySimulator.Credentials(xpayAPIKey: Secret("xpay/key-SECRET-51"), praxisMerchantId: TestCredentials.merchant,
                                                       praxisApplicationKey: TestCredentials.application, praxisSecret: Secret("praxis/secret-SECRET-77"))
        let sim = try await GatewaySimulator.start(credentials: credentials)
        defer { Task { await sim.stop() } }
        await sim.state.addSession("s", createdAt: .now)
        await sim.state.addPayout(7)
        await sim.state.setFault(.echo, for: "s")
        await sim.state.setFault(.echo, for: "7")
        let x = await sim.xpayClient(key: "xpay/key-SECRET-51").cancel(target: "s")
        #expect(x.result == .rejected)
        let p = await sim.praxisClient(secret: "praxis/secret-SECRET-77").cancel(target: "7")
        #expect(p.result == .rejected, "\(p.description)")
        for outcome in [x, p] {
            for field in [outcome.description, outcome.gatewayStatus ?? "", outcome.errorCode ?? ""] {
                for leak in ["SECRET-51", "SECRET-77", "xpay\\/key", "praxis\\/secret"] { #expect(!field.contains(leak), "\(field)") }
            }
            #expect(outcome.description.contains("********"))
        }
        #expect(x.errorCode == "********")
        #expect(!p.description.contains(#/[0-9a-f]{96}/#), "nor the live signature: \(p.description)")
    }

    // MARK: 4. Answers are bounded

    @Test(arguments: [SimulatorFault.oversized, .compressed])
    func answersAreBoundedAndNeverInflated(_ fault: SimulatorFault) async throws {
        try await withSimulator { sim in
            await sim.state.addSession("s", createdAt: .now)
            await sim.state.addPayout(9)
            await sim.state.setFault(fault, for: "s")
            await sim.state.setFault(fault, for: "9")
            let x = await sim.xpayClient().cancel(target: "s")
            #expect(await sim.state.lastAcceptEncoding == nil, "no compressed encoding is advertised")
            let p = await sim.praxisClient().cancel(target: "9")
            for outcome in [x, p] {
                #expect(outcome.result == .unknown, "\(outcome.description)")
                #expect(outcome.description.contains(fault == .oversized ? "larger than 64 KiB" : "Content-Encoding: gzip"), "\(outcome.description)")
                #expect(outcome.description.utf8.count < 2048)
            }
        }
    }

    @Test func keptGatewayTextIsCutAtOneKiBAndSaysSo() {
        let long = String(repeating: "é", count: 2000)
        let kept = AnswerLimits.kept(long)
        #expect(kept.hasSuffix(" …[cut: 4000 bytes in all]"))
        #expect(kept.utf8.count <= 1024 + 40)
        #expect(AnswerLimits.kept("short") == "short")
        let description = "Transaction canceled successfully: order_id=752850 " + String(repeating: "y", count: 50_000)
        let outcome = PraxisClient.classify(.success(GatewayResponse(status: 200, body: Array(JSONValue.object(signed("0", description)).jsonText.utf8))),
                                            secret: secret, asked: asked).keptSafely(hiding: SecretMask([]))
        #expect(outcome.result == .cancelled)
        let cut = outcome.description.hasSuffix("[cut: \(description.utf8.count) bytes in all]")
        #expect(cut, "a 50 kB description is kept as 1 KiB, marked as cut")
        #expect(outcome.description.utf8.count < 1100)
    }

    // MARK: 5. No proxy unless the profile names one

    static let proxyAnswer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"

    @Test func environmentProxiesAreIgnored() async throws {
        let proxy = try RawTCPServer(.answer(Self.proxyAnswer))
        defer { proxy.stop() }
        try await withSimulator { sim in
            var home = SimulatedHome(sim)
            home.seed(sessions: ["s-proxy"])
            await sim.state.addSession("s-proxy", createdAt: .now)
            let url = "http://127.0.0.1:\(proxy.port)"
            for name in ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"] { home.environment[name] = url }
            let result = try await home.paydesk(["cancel", "session", "s-proxy", "--yes"])
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            #expect(await sim.state.session("s-proxy")?.state == "cancelled", "the request went to the gateway")
            #expect(proxy.received.isEmpty, "and not to the environment's proxy")
        }
    }

    @Test func aProfilesProxyIsUsedAndShown() async throws {
        let proxy = try RawTCPServer(.answer(Self.proxyAnswer))
        defer { proxy.stop() }
        try await withSimulator { sim in
            var home = SimulatedHome(sim)
            home.seed(sessions: ["s-via"])
            let url = "http://127.0.0.1:\(proxy.port)"
            home.dir.write("config.toml", home.dir.read("config.toml").replacingOccurrences(of: "[profiles.TEST]\n", with: "[profiles.TEST]\nproxy = \"\(url)\"\n"))
            home.environment["NO_PROXY"] = "*"   // nor can the environment take the profile's proxy away
            let profiles = try await home.paydesk(["profiles"])
            #expect(profiles.stdout.contains(url), "\(profiles.stdout)")
            let json = try await home.paydesk(["profiles", "--json"])
            #expect(json.stdout.contains("\"proxy\":\"\(url)\""), "\(json.stdout)")
            _ = try await home.paydesk(["cancel", "session", "s-via", "--yes"])
            #expect(proxy.received.count == 1)
            #expect(proxy.received.first?.hasPrefix("POST \(sim.xpayURL)/build/cancel") == true, "\(proxy.received)")

            home.dir.write("config.toml", home.dir.read("config.toml").replacingOccurrences(of: "proxy = \"\(url)\"", with: "proxy = \"socks5://127.0.0.1:1\""))
            let refused = try await home.paydesk(["profiles"])
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("proxy"))
        }
    }

    // MARK: 6. The simulator never speaks for a production profile

    @Test func theSimulatorRefusesAProductionProfile() async throws {
        try await withSimulator { sim in
            let home = SimulatedHome(sim)
            let result = try await home.paydesk(["sim", "--profile", "PROD"])
            #expect(result.status == 2)
            #expect(result.stderr.contains("production"), "\(result.stderr)")
        }
    }

    // MARK: 7. Honest results at the edges

    @Test func aProxysBadGatewayMayHavePassedTheRequestOn() async throws {
        try await withSimulator { sim in
            await sim.state.addSession("s", createdAt: .now)
            await sim.state.setFault(.proxyError, for: "s")
            let outcome = await sim.xpayClient().cancel(target: "s")
            #expect(outcome.result == .unknown)
            #expect(outcome.httpStatus == 502)
            #expect(await sim.state.session("s")?.state == "cancelled", "the proxy had passed it on")
        }
    }

    private func xpay(_ url: String, caFile: String? = nil, timeouts: Timeouts = Timeouts(connect: 2, total: 3)) -> XPayClient {
        XPayClient(baseURL: url, apiKey: Secret("xpay-key-TLS-0001"), transport: CurlTransport(proxy: nil, caFile: caFile), timeouts: timeouts)
    }

    @Test func aTLSFailureBeforeAnyByteLeftIsAFailure() async throws {
        let untrusted = try TLSTestServer(subjectAltName: "IP:127.0.0.1")
        defer { untrusted.stop() }
        let untrustedOutcome = await xpay("https://127.0.0.1:\(untrusted.port)/api").cancel(target: "s")
        #expect(untrustedOutcome.result == .failed, "\(untrustedOutcome.description)")
        #expect(untrustedOutcome.description.contains("TLS handshake failed"))

        let trusted = await xpay("https://127.0.0.1:\(untrusted.port)/api", caFile: untrusted.certificate).cancel(target: "s")
        #expect(!trusted.description.contains("TLS"), "with its certificate trusted the handshake completes: \(trusted.description)")

        let wrongName = try TLSTestServer(subjectAltName: "DNS:other.example")
        defer { wrongName.stop() }
        let named = await xpay("https://127.0.0.1:\(wrongName.port)/api", caFile: wrongName.certificate).cancel(target: "s")
        #expect(named.result == .failed, "\(named.description)")
        #expect(named.description.contains("TLS handshake failed"))

        let garbage = try RawTCPServer(.garbage)
        defer { garbage.stop() }
        let garbled = await xpay("https://127.0.0.1:\(garbage.port)/api").cancel(target: "s")
        #expect(garbled.result == .failed, "\(garbled.description)")

        let silent = try RawTCPServer(.silent)
        defer { silent.stop() }
        let hung = await xpay("https://127.0.0.1:\(silent.port)/api", timeouts: Timeouts(connect: 1, total: 2)).cancel(target: "s")
        #expect(hung.result == .failed, "a handshake that never completes: \(hung.description)")
        #expect(hung.description.contains("no connection within 1 s"))
        // Over plain HTTP the request does leave, so the same silence is unknown.
        let plain = await xpay("http://127.0.0.1:\(silent.port)/api", timeouts: Timeouts(connect: 1, total: 2)).cancel(target: "s")
        #expect(plain.result == .unknown, "\(plain.description)")
    }

    // MARK: 8. A skewed clock is named

    @Test func aSkewedClockIsNamedWithItsSize() async throws {
        let ahead = SimulatorState(clock: { .now + 120 })
        let sim = try await GatewaySimulator.start(credentials: TestCredentials.simulator, state: ahead)
        defer { Task { await sim.stop() } }
        await ahead.addPayout(3)
        await ahead.addSession("s", createdAt: .now + 120)
        let p = await sim.praxisClient().cancel(target: "3")
        #expect(p.result == .rejected)
        #expect(p.description.hasPrefix("this machine's clock is 1"), "\(p.description)")
        #expect(p.description.contains("s behind the gateway's: fix its time sync (NTP)"))
        #expect(p.description.contains("Request expired"), "the gateway's words stay")
        #expect((118...122).contains(p.clockSkewSeconds ?? 0))
        let x = await sim.xpayClient().cancel(target: "s")
        #expect(x.result == .cancelled)
        #expect((118...122).contains(x.clockSkewSeconds ?? 0), "any answer's Date is compared")

        let undated = praxis(signed("12", "Request expired: timestamp 1 is outside the 1 minute window"))
        #expect(undated.description.contains("this machine's clock is probably more than a minute off"), "\(undated.description)")
        #expect(undated.clockSkewSeconds == nil)
    }

    @Test func httpDatesReadAndWrite() {
        let t = Timestamp.parseRFC3339("1994-11-06T08:49:37Z")!
        #expect(HTTPDate.format(t) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == t)
        #expect(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT") == nil)
    }
}
}
