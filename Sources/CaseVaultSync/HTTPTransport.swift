import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP request at a time, waited for: the CLI is synchronous. The body is JSON.
struct HTTPTransport: Sendable {
    let base: URL
    let timeout: TimeInterval

    struct Answer: Sendable {
        let status: Int
        let body: Data
    }

    func send(_ method: String, _ path: String, body: Data? = nil, token: String? = nil) throws(SyncFailure) -> Answer {
        guard let url = URL(string: path, relativeTo: base) else { throw SyncFailure(.protocolError, "bad request path") }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = method
        request.httpBody = body
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        if let token { request.setValue("CaseVault " + token, forHTTPHeaderField: "Authorization") }
        let box = ResultBox()
        let done = DispatchSemaphore(value: 0)
        let task = URLSession.shared.dataTask(with: request) { data, response, error in
            box.set(data: data, status: (response as? HTTPURLResponse)?.statusCode, failed: error != nil)
            done.signal()
        }
        task.resume()
        done.wait()
        let (data, status, failed) = box.get()
        guard !failed, let status else { throw SyncFailure(.unreachable, "the server \(base.absoluteString) cannot be reached") }
        return Answer(status: status, body: data ?? Data())
    }
}

private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?
    private var status: Int?
    private var failed = false

    func set(data: Data?, status: Int?, failed: Bool) {
        lock.lock(); defer { lock.unlock() }
        (self.data, self.status, self.failed) = (data, status, failed)
    }

    func get() -> (Data?, Int?, Bool) {
        lock.lock(); defer { lock.unlock() }
        return (data, status, failed)
    }
}
