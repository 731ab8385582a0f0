import CCurl
import Foundation
import PaydeskCore

/// The production transport: libcurl, set so that nothing but the profile decides where a request goes and
/// how much of an answer is read.
/// - No proxy but the profile's `proxy`: `http_proxy`, `HTTPS_PROXY` and `ALL_PROXY` in the environment are ignored.
/// - No `Accept-Encoding`, no decoding, and at most `AnswerLimits.maxAnswerBytes` read: an answer cannot inflate.
/// - Redirects are never followed; HTTP/1.1 on a fresh connection each call.
/// - It knows whether the request may have left: before the connection and any TLS handshake are made,
///   nothing can have reached the gateway, so a failure there (an untrusted certificate, a wrong name, a
///   handshake that fails or never ends) is `notSent`.
/// Each call runs on a thread of its own, never on Swift's cooperative pool.
public struct CurlTransport: HTTPTransport {
    public let proxy: String?
    /// A CA bundle to trust instead of the system's (tests with a private CA).
    let caFile: String?

    public init(proxy: String? = nil) {
        self.init(proxy: proxy, caFile: nil)
    }

    init(proxy: String?, caFile: String?) {
        self.proxy = proxy
        self.caFile = caFile
        _ = Self.globalInit
    }

    private static let globalInit: Void = {
        // libcurl with OpenSSL writes every TLS session key to this file when it is set: with it, a capture of
        // the traffic would show the API key.
        unsetenv("SSLKEYLOGFILE")
        pd_http_global_init()
    }()

    public func send(_ request: GatewayRequest, timeouts: Timeouts) async -> Result<GatewayResponse, TransportFailure> {
        if Task.isCancelled { return .failure(.notSent("interrupted before the request left")) }
        let exchange = CurlExchange(request, timeouts: timeouts, proxy: proxy ?? "", caFile: caFile)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let thread = Thread { continuation.resume(returning: exchange.run()) }
                thread.stackSize = 1 << 20
                thread.start()
            }
        } onCancel: {
            exchange.stop()
        }
    }
}

/// One exchange's C state, alive until both the thread running it and any `stop` are done with it.
private final class CurlExchange: @unchecked Sendable {
    private let call = UnsafeMutablePointer<pd_http_call>.allocate(capacity: 1)
    private var owned: [UnsafeMutablePointer<CChar>] = []
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let body: UnsafeMutableBufferPointer<UInt8>
    private let timeouts: Timeouts

    init(_ request: GatewayRequest, timeouts: Timeouts, proxy: String, caFile: String?) {
        self.timeouts = timeouts
        call.initialize(to: pd_http_call())
        body = .allocate(capacity: max(request.body.count, 1))
        _ = body.initialize(from: request.body)
        func c(_ text: String) -> UnsafePointer<CChar> {
            let copy = strdup(text)!
            owned.append(copy)
            return UnsafePointer(copy)
        }
        // No Expect: 100-continue round trip, and a User-Agent that names us.
        for line in request.headers.map({ "\($0.0): \($0.1)" }) + ["Expect:", "User-Agent: paydesk"] {
            headerList = curl_slist_append(headerList, line)
        }
        call.pointee.url = c(request.url.absoluteString)
        call.pointee.get = request.method == .get ? 1 : 0
        call.pointee.body = UnsafePointer(body.baseAddress)
        call.pointee.body_length = request.body.count
        call.pointee.headers = headerList
        call.pointee.proxy = c(proxy)
        call.pointee.ca_file = caFile.map(c)
        call.pointee.connect_timeout_ms = max(1, Int(timeouts.connect * 1000))
        call.pointee.total_timeout_ms = max(1, Int(timeouts.total * 1000))
        call.pointee.idle_timeout_s = max(1, Int(timeouts.connect.rounded(.up)))
        call.pointee.max_bytes = AnswerLimits.maxAnswerBytes
    }

    deinit {
        pd_http_free(call)
        curl_slist_free_all(headerList)
        for copy in owned { free(copy) }
        body.deallocate()
        call.deallocate()
    }

    func stop() { pd_http_request_stop(call) }

    /// Blocking: runs the whole exchange.
    func run() -> Result<GatewayResponse, TransportFailure> {
        let started = DispatchTime.now()
        pd_http_perform(call)
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        let c = call.pointee
        let sent = c.request_may_have_left != 0
        let detail = withUnsafeBytes(of: c.error) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if c.too_large != 0 {
            return .failure(.mayHaveBeenSent("the answer is larger than \(AnswerLimits.maxAnswerBytes / 1024) KiB, so paydesk stopped reading it"))
        }
        if c.stopped != 0 {
            return .failure(sent ? .mayHaveBeenSent("the call was interrupted") : .notSent("interrupted before the request left"))
        }
        let code = CURLcode(rawValue: UInt32(c.curl_code))
        if code == CURLE_OK {
            let headers = Self.headers(c.head, c.head_length)
            let response = GatewayResponse(status: c.status, body: c.data.map { Array(UnsafeBufferPointer(start: $0, count: c.data_length)) } ?? [],
                                           headers: headers)
            if let encoding = response.header("Content-Encoding"), encoding.lowercased() != "identity" {
                return .failure(.mayHaveBeenSent("the answer came compressed (Content-Encoding: \(encoding)), which paydesk never asks for; it was not read"))
            }
            return .success(response)
        }
        return .failure(Self.failure(code, sent: sent, detail: detail, elapsed: elapsed, timeouts: timeouts))
    }

    /// What a curl error means for the request: it cannot have left before the connection was made.
    static func failure(_ code: CURLcode, sent: Bool, detail: String, elapsed: Double, timeouts: Timeouts) -> TransportFailure {
        let said = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        if code == CURLE_OPERATION_TIMEDOUT {
            if !sent { return .notSent("no connection within \(seconds(timeouts.connect)) s (\(said))") }
            return .mayHaveBeenSent(elapsed + 0.5 >= timeouts.total ? "no complete answer within \(seconds(timeouts.total)) s" : "no answer within the timeout")
        }
        if sent {
            return cutOff.contains(code) ? .mayHaveBeenSent("the connection was cut before the answer was complete (\(said))")
                : .mayHaveBeenSent("the call failed (\(said))")
        }
        if code == CURLE_COULDNT_CONNECT { return .notSent("connection refused: nothing is listening at that address (\(said))") }
        if code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_RESOLVE_PROXY { return .notSent("the host name could not be resolved (\(said))") }
        if tls.contains(code) { return .notSent("the TLS handshake failed (\(said))") }
        return .notSent(said)
    }

    private static let cutOff: [CURLcode] = [CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE, CURLE_SEND_ERROR]
    private static let tls: [CURLcode] = [CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
                                          CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS]

    private static func seconds(_ s: Double) -> String { s == s.rounded() ? String(Int(s)) : String(s) }

    /// `Name: value` lines of the last response; folded or malformed lines are skipped.
    static func headers(_ head: UnsafeMutablePointer<CChar>?, _ length: Int) -> [(String, String)] {
        guard let head else { return [] }
        let text = String(decoding: UnsafeRawBufferPointer(start: head, count: length), as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).dropFirst().compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]).trimmingCharacters(in: .whitespaces), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
        }
    }
}
