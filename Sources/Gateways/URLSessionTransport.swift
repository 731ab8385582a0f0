import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PaydeskCore

/// The production transport: FoundationNetworking's URLSession, with a total deadline of our own
/// (on Linux `timeoutIntervalForResource` is ignored) and redirects refused.
///
/// It uses the completion-handler API and cancels through Dispatch, never from inside Swift task
/// cancellation: corelibs' async `data(for:)` deadlocks when a task is cancelled while its timeout fires.
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
        let session = URLSession(configuration: configuration, delegate: RefuseRedirects(), delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }

        let call = PendingCall()
        if Task.isCancelled { return .failure(.notSent("interrupted before the request left")) }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let task = session.dataTask(with: urlRequest) { data, response, error in
                    continuation.resume(returning: Self.result(data, response, error, call: call, total: timeouts.total))
                }
                guard call.start(task) else {
                    continuation.resume(returning: .failure(.notSent("interrupted before the request left")))
                    return
                }
                DispatchQueue.global().asyncAfter(deadline: .now() + timeouts.total) { call.stop(deadlinePassed: true) }
            }
        } onCancel: {
            DispatchQueue.global().async { call.stop(deadlinePassed: false) }
        }
    }

    private static func result(_ data: Data?, _ response: URLResponse?, _ error: Error?, call: PendingCall, total: Double)
        -> Result<GatewayResponse, TransportFailure> {
        if let error = error as? URLError { return .failure(classify(error, deadlinePassed: call.deadlinePassed, total: total)) }
        if let error { return .failure(.mayHaveBeenSent("the call ended: \(error.localizedDescription)")) }
        guard let http = response as? HTTPURLResponse else { return .failure(.mayHaveBeenSent("the answer was not HTTP")) }
        return .success(GatewayResponse(status: http.statusCode, body: [UInt8](data ?? Data())))
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

/// One call in flight: who may stop it (the deadline or an interrupt), and why it stopped.
private final class PendingCall: @unchecked Sendable {
    private let lock = NSLock()
    private var task: URLSessionDataTask?
    private var stopped = false
    private var deadline = false

    var deadlinePassed: Bool { lock.withLock { deadline } }

    /// Sends the request, unless the call was stopped before it could leave (then it returns false).
    func start(_ task: URLSessionDataTask) -> Bool {
        let alreadyStopped = lock.withLock {
            self.task = task
            return stopped
        }
        if !alreadyStopped { task.resume() }
        return !alreadyStopped
    }

    func stop(deadlinePassed: Bool) {
        let task: URLSessionDataTask? = lock.withLock {
            guard !stopped else { return nil }
            stopped = true
            deadline = deadlinePassed
            return self.task
        }
        task?.cancel()
    }
}
