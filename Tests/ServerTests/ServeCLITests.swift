import Foundation
import XCTest

/// `casevault serve` as a process: it fails at once, in one line, on a database it cannot reach,
/// and answers `/health` and `/ready` on one it can.
final class ServeCLITests: XCTestCase {
    func testAnUnreachableDatabaseFailsFastWithOneLine() throws {
        let serve = try ServeProcess(["serve", "--database", "postgres://nobody@/nowhere?host=/nonexistent-casevault", "--listen", "127.0.0.1:0",
                                      "--deadline", "2"])
        let status = serve.waitForExit()
        XCTAssertNotEqual(status, 0)
        let lines = serve.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, serve.stderr)
        XCTAssertTrue(serve.stderr.hasPrefix("casevault: error: serve:"), serve.stderr)
    }

    func testServeAnswersHealthAndReadyAndStopsOnSIGTERM() throws {
        let db = try TestPostgres()
        let serve = try ServeProcess(["serve", "--database", db.url, "--listen", "127.0.0.1:0"])
        let address = try XCTUnwrap(serve.listeningAddress(), serve.stderr)
        XCTAssertEqual(try get("http://\(address)/health"), "ok\n")
        XCTAssertEqual(try get("http://\(address)/ready"), #"{"ready":true}"#)
        // A second process on the same database starts too (the schema is there, same version).
        let second = try ServeProcess(["serve", "--database", db.url, "--listen", "127.0.0.1:0"])
        XCTAssertNotNil(second.listeningAddress(), second.stderr)
        second.terminate()
        serve.terminate()
        XCTAssertEqual(serve.waitForExit(), 0, serve.stderr)
        XCTAssertEqual(second.waitForExit(), 0, second.stderr)
    }

    func testADatabaseOfAnotherSchemaVersionIsRefused() throws {
        let db = try TestPostgres()
        try db.sql("CREATE TABLE casevault_schema (version integer NOT NULL); INSERT INTO casevault_schema VALUES (99)")
        let serve = try ServeProcess(["serve", "--database", db.url, "--listen", "127.0.0.1:0"])
        XCTAssertNotEqual(serve.waitForExit(), 0)
        XCTAssertTrue(serve.stderr.contains("schema 99"), serve.stderr)
    }

    /// With a certificate and key, the server speaks only HTTPS, with that certificate; a
    /// certificate without a key, or a key it cannot read, is refused in one line at start.
    func testServeSpeaksHTTPSWithTheGivenCertificate() throws {
        let db = try TestPostgres()
        let dir = NSTemporaryDirectory() + "casevault-tls-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (cert, key) = (dir + "/cert.pem", dir + "/key.pem")
        try TestPostgres.run("/usr/bin/openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                                  "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                                                  "-addext", "subjectAltName=IP:127.0.0.1"])
        let serve = try ServeProcess(["serve", "--database", db.url, "--listen", "127.0.0.1:0", "--tls-certificate", cert, "--tls-key", key])
        let address = try XCTUnwrap(serve.listeningAddress(), serve.stderr)
        XCTAssertEqual(try TestPostgres.run("/usr/bin/curl", ["-sS", "--cacert", cert, "https://\(address)/health"]), "ok\n")
        XCTAssertThrowsError(try TestPostgres.run("/usr/bin/curl", ["-sS", "--max-time", "10", "http://\(address)/health"]), "no plain HTTP")
        XCTAssertThrowsError(try TestPostgres.run("/usr/bin/curl", ["-sS", "https://\(address)/health"]), "a certificate nobody trusts is refused")
        serve.terminate()
        XCTAssertEqual(serve.waitForExit(), 0, serve.stderr)

        let alone = try ServeProcess(["serve", "--database", db.url, "--listen", "127.0.0.1:0", "--tls-certificate", cert])
        XCTAssertEqual(alone.waitForExit(), 64, alone.stderr)
        let unreadable = try ServeProcess(["serve", "--database", db.url, "--listen", "127.0.0.1:0", "--tls-certificate", cert, "--tls-key", dir + "/none.pem"])
        XCTAssertNotEqual(unreadable.waitForExit(), 0)
        XCTAssertEqual(unreadable.stderr.split(separator: "\n").count, 1, unreadable.stderr)
        XCTAssertTrue(unreadable.stderr.contains("cannot read a PEM private key"), unreadable.stderr)
    }

    private func get(_ url: String) throws -> String {
        String(decoding: try Data(contentsOf: XCTUnwrap(URL(string: url))), as: UTF8.self)
    }
}

/// The built `casevault` binary run with `arguments`, its output collected.
final class ServeProcess: @unchecked Sendable {
    private let process = Process()
    private let out = Pipe(), err = Pipe()
    private let lock = NSLock()
    private var outText = "", errText = ""
    private let firstLine = DispatchSemaphore(value: 0)

    init(_ arguments: [String]) throws {
        process.executableURL = Self.binary
        process.arguments = arguments
        process.standardOutput = out
        process.standardError = err
        out.fileHandleForReading.readabilityHandler = { [weak self] h in self?.took(h.availableData, stdout: true) }
        err.fileHandleForReading.readabilityHandler = { [weak self] h in self?.took(h.availableData, stdout: false) }
        try process.run()
    }

    private func took(_ data: Data, stdout: Bool) {
        lock.withLock {
            if stdout {
                outText += String(decoding: data, as: UTF8.self)
                if outText.contains("\n") { firstLine.signal() }
            } else {
                errText += String(decoding: data, as: UTF8.self)
                if let w = watch, errText.contains(w.needle) {
                    watch = nil
                    if w.kill { kill9() }
                    w.seen.signal()
                }
            }
        }
    }

    private var watch: (needle: String, kill: Bool, seen: DispatchSemaphore)?

    /// Signalled when the server's log shows `needle`; with `thenKill`, the process gets SIGKILL
    /// as soon as the line is read, before the server can do much more.
    func waitForLogLine(containing needle: String, thenKill: Bool) -> DispatchSemaphore {
        let seen = DispatchSemaphore(value: 0)
        lock.withLock { watch = (needle, thenKill, seen) }
        return seen
    }

    /// SIGKILL: no clean-up, as when the machine or the process dies.
    func kill9() { kill(process.processIdentifier, SIGKILL) }

    var stderr: String { lock.withLock { errText } }

    /// The HOST:PORT from `casevault serve: listening on HOST:PORT`, once it printed it.
    func listeningAddress() -> String? {
        guard firstLine.wait(timeout: .now() + 60) == .success else { return nil }
        let text = lock.withLock { outText }
        return text.components(separatedBy: "listening on ").last?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func terminate() { process.terminate() }

    func waitForExit() -> Int32 {
        process.waitUntilExit()
        out.fileHandleForReading.readabilityHandler = nil
        err.fileHandleForReading.readabilityHandler = nil
        lock.withLock { errText += String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }
        return process.terminationStatus
    }

    deinit { if process.isRunning { process.terminate() } }

    /// Next to the test bundle in the build folder, or `$CASEVAULT_BINARY`.
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["CASEVAULT_BINARY"], !path.isEmpty { return URL(fileURLWithPath: path) }
        let exe = URL(fileURLWithPath: ProcessInfo.processInfo.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        for dir in [exe, Bundle(for: ServeProcess.self).bundleURL, Bundle(for: ServeProcess.self).bundleURL.deletingLastPathComponent()]
        where FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("casevault").path) {
            return dir.appendingPathComponent("casevault")
        }
        return URL(fileURLWithPath: ".build/debug/casevault")
    }
}
