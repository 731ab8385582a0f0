import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PaydeskCore

/// The production transport: FoundationNetworking's URLSession, with a total deadline of our own
/// (on Linux `timeoutIntervalForResource` is ignored) and redirects refused.
public struct URLSessionTransport: HTTPTransport {
    public init() {}

    public func post(_ request: GatewayRequest, timeouts: Timeouts) async -> Result<GatewayResponse, TransportFailure> {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = "POST"
        urlRequest.timeoutInterval = timeouts.connect
        urlRequest.httpBody = Data(request.body)
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }

        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeouts.connect
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        configuration.httpMaximumConnectionsPerHost = 1
        let session = URLSession(configuration: configuration, delegate: RefuseRedirects(), delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }

        let call = Task { try await session.data(for: urlRequest) }
        let deadline = Task {
            try await Task.sleep(nanoseconds: UInt64(timeouts.total * 1e9))
            call.cancel()
        }
        defer { deadline.cancel() }
        do {
            let (data, response) = try await withTaskCancellationHandler {
                try await call.value
            } onCancel: {
                call.cancel()
            }
            guard let http = response as? HTTPURLResponse else {
                return .failure(.mayHaveBeenSent("the answer was not HTTP"))
            }
            return .success(GatewayResponse(status: http.statusCode, body: [UInt8](data)))
        } catch let error as URLError {
            return .failure(Self.classify(error, deadlinePassed: deadline.isCancelled == false && call.isCancelled, total: timeouts.total))
        } catch {
            return .failure(.mayHaveBeenSent("the call ended: \(error.localizedDescription)"))
        }
    }

    /// Whether a URLSession error means the request cannot have left, or may have.
    static func classify(_ error: URLError, deadlinePassed: Bool, total: Double) -> TransportFailure {
        switch error.code {
        case .cannotConnectToHost:
            return .notSent("connection refused: nothing is listening at that address")
        case .cannotFindHost, .dnsLookupFailed:
            return .notSent("the host name could not be resolved")
        case .notConnectedToInternet:
            return .notSent("this machine has no network connection")
        case .badURL, .unsupportedURL:
            return .notSent("the URL is not usable")
        case .timedOut:
            return .mayHaveBeenSent("no answer within the timeout")
        case .cancelled:
            return .mayHaveBeenSent(deadlinePassed ? "no complete answer within \(Int(total)) s" : "the call was interrupted")
        case .networkConnectionLost:
            return .mayHaveBeenSent("the connection was cut before the answer was complete")
        default:
            // A TLS failure arrives here as an unknown code: we cannot tell what was sent, so we do not guess.
            return .mayHaveBeenSent("the call failed: \(error.localizedDescription) (URLError \(error.code.rawValue))")
        }
    }
}

/// A redirected cancel is not a cancel: the 3xx itself is the answer.
private final class RefuseRedirects: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}
