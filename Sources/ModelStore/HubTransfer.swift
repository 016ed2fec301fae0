import Foundation
import FoundationNetworking

/// One GET to the hub, waited for, with the body handed over as it arrives (a download
/// writes it to disk piece by piece) and the headers of a redirect kept: the hub sends
/// `X-Linked-ETag` (the file's sha256) on the 302 to its CDN, not on the CDN's answer.
/// `URLSession` with a data delegate (libcurl underneath on Linux), as RemoteInference's
/// `HTTPTransfer` does, one session per request.
final class HubTransfer: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    struct Outcome {
        var status = 0
        var headers: [String: String] = [:]
        /// Headers of the redirects followed, later ones overriding earlier ones.
        var redirectHeaders: [String: String] = [:]
        /// The body when no `onData` took it (error pages, JSON), at most 16 MB.
        var body = Data()
        var error: Error?
    }

    private var outcome = Outcome()
    private let onResponse: ((Int, [String: String]) -> Bool)?
    /// Takes each piece of the body; false stops the transfer (cancelled).
    private let onData: ((Data) -> Bool)?
    private let done = DispatchSemaphore(value: 0)
    private var task: URLSessionDataTask?

    /// `onResponse` sees the final status and headers and says whether `onData` gets the
    /// body (else it is collected in `body`).
    private init(onResponse: ((Int, [String: String]) -> Bool)?, onData: ((Data) -> Bool)?) {
        self.onResponse = onResponse
        self.onData = onData
    }
    private var dataGoesOut = false

    static func get(_ url: URL, token: String?, headers: [String: String] = [:], timeout: TimeInterval = 60,
                    onResponse: ((Int, [String: String]) -> Bool)? = nil, onData: ((Data) -> Bool)? = nil) -> Outcome {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "GET"
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        request.setValue("medgemma-workstation", forHTTPHeaderField: "User-Agent")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let transfer = HubTransfer(onResponse: onResponse, onData: onData)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = 7 * 24 * 3600
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: configuration, delegate: transfer, delegateQueue: queue)
        let task = session.dataTask(with: request)
        transfer.task = task
        task.resume()
        transfer.done.wait()
        session.finishTasksAndInvalidate()
        return transfer.outcome
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        for (key, value) in response.allHeaderFields {
            if let key = key as? String, let value = value as? String { outcome.redirectHeaders[key.lowercased()] = value }
        }
        // The hub's CDN URLs are signed; a Bearer token sent on to another host is at best
        // leaked and at worst refused ("only one auth mechanism"), as huggingface_hub knows.
        var next = request
        if request.url?.host != task.originalRequest?.url?.host {
            next.setValue(nil, forHTTPHeaderField: "Authorization")
        }
        completionHandler(next)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        let http = response as? HTTPURLResponse
        outcome.status = http?.statusCode ?? 0
        for (key, value) in http?.allHeaderFields ?? [:] {
            if let key = key as? String, let value = value as? String { outcome.headers[key.lowercased()] = value }
        }
        dataGoesOut = onResponse?(outcome.status, outcome.headers) ?? false
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        if dataGoesOut, let onData {
            if !onData(data) { dataTask.cancel() }
        } else if outcome.body.count < 16 << 20 {
            outcome.body.append(data)
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        outcome.error = error
        done.signal()
    }
}
