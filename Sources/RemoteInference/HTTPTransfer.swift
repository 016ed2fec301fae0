import Foundation
import FoundationNetworking

/// One HTTP request whose answer arrives piece by piece: the status and headers, then
/// the body as the network delivers it, then the end (with the error, if any). Built on
/// `URLSession` with a data delegate (libcurl underneath on Linux), one session per
/// transfer so nothing is shared between replies and cancelling one closes its connection.
///
/// Callbacks run on `queue`, one at a time, in order.
final class HTTPTransfer: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    enum Event {
        case response(status: Int, headers: [String: String])
        case data(Data)
        /// The transfer ended; nil when the whole body arrived.
        case completed(Error?)
    }

    private let request: URLRequest
    private let handler: (Event) -> Void
    private var session: URLSession?
    private var task: URLSessionDataTask?

    init(request: URLRequest, timeout: TimeInterval, queue: OperationQueue, handler: @escaping (Event) -> Void) {
        self.request = request
        self.handler = handler
        super.init()
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = 24 * 3600
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        session = URLSession(configuration: configuration, delegate: self, delegateQueue: queue)
    }

    func start() {
        let task = session?.dataTask(with: request)
        self.task = task
        task?.resume()
    }

    /// Closes the connection now; `.completed` follows with a cancellation error.
    func cancel() {
        task?.cancel()
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        let http = response as? HTTPURLResponse
        var headers: [String: String] = [:]
        for (key, value) in http?.allHeaderFields ?? [:] {
            if let key = key as? String, let value = value as? String { headers[key.lowercased()] = value }
        }
        handler(.response(status: http?.statusCode ?? 0, headers: headers))
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        handler(.data(data))
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        handler(.completed(error))
        // The session keeps its delegate until invalidated: let both go.
        session.finishTasksAndInvalidate()
        self.session = nil
        self.task = nil
    }

    /// A whole request, waited for (`GET /models`, small answers): the status and body.
    static func fetch(_ request: URLRequest, endpoint: RemoteEndpoint) throws(RemoteError) -> (status: Int, body: Data) {
        final class Box: @unchecked Sendable {
            var status = 0
            var body = Data()
            var error: Error?
        }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let transfer = HTTPTransfer(request: request, timeout: endpoint.timeout, queue: queue) { event in
            switch event {
            case .response(let status, _): box.status = status
            case .data(let data): if box.body.count < 16 << 20 { box.body.append(data) }
            case .completed(let error):
                box.error = error
                done.signal()
            }
        }
        transfer.start()
        done.wait()
        if let error = box.error { throw RemoteError(transportError: error, endpoint: endpoint) }
        return (box.status, box.body)
    }
}
