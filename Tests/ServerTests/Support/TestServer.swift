import CaseVaultCore
import CaseVaultServer
import Foundation
import Logging
import XCTest

/// `casevault serve` in this process on a free loopback port, over a test database. Its log
/// lines are kept, so a test can check what they (do not) say.
final class TestServer: @unchecked Sendable {
    let url: String
    let log: LogLines
    private let task: Task<Void, Never>
    private let stopped = DispatchSemaphore(value: 0)

    /// The deadline is far above what any call takes: on a loaded machine running the suites in
    /// parallel a push of a whole vault took more than 10 s, and no test may hang on the clock.
    init(_ db: TestPostgres, clock: any VaultClock = SystemClock(), deadline: Duration = .seconds(300)) throws {
        let log = LogLines()
        self.log = log
        let logger = Logger(label: "casevault.serve.test") { _ in LogLines.Handler(lines: log) }
        let listening = DispatchSemaphore(value: 0)
        let address = Box<String>()
        let failure = Box<String>()
        let stopped = stopped
        task = Task {
            do {
                try await CaseVaultServe.run(ServeOptions(databaseURL: db.url, listen: "127.0.0.1:0", deadline: deadline, clock: clock),
                                             logger: logger, handlingSignals: false) { a in
                    address.value = a
                    listening.signal()
                }
            } catch {
                failure.value = "\(error)"
                listening.signal()
            }
            stopped.signal()
        }
        guard listening.wait(timeout: .now() + 60) == .success, let a = address.value else {
            throw NSError(domain: "TestServer", code: 1, userInfo: [NSLocalizedDescriptionKey: "server did not start: \(failure.value ?? "timeout")"])
        }
        url = "http://" + a
    }

    func stop() {
        task.cancel()
        _ = stopped.wait(timeout: .now() + 30)
    }

    deinit { task.cancel() }
}

final class Box<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T?
    var value: T? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}

/// Every log line a test server wrote, with its metadata.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    var text: String { lock.withLock { lines.joined(separator: "\n") } }

    func append(_ line: String) { lock.withLock { lines.append(line) } }

    struct Handler: LogHandler {
        let lines: LogLines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            lines.append("\(event.level) \(event.message) \(all.map { "\($0)=\($1)" }.sorted().joined(separator: " "))")
        }
    }
}
