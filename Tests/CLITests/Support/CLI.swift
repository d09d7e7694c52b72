import Foundation
import XCTest

/// Runs the built `casevault` binary, as a user would, and captures what it prints.
struct CLI {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The executable next to the test bundle in the build folder (whatever `--scratch-path` was),
    /// or `$CASEVAULT_BINARY` when set. On Linux the test bundle is an executable and
    /// `Bundle(for:)` is the folder holding it; on macOS it is a `.xctest` folder inside it.
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["CASEVAULT_BINARY"], !path.isEmpty { return URL(fileURLWithPath: path) }
        let fm = FileManager.default
        let bundle = Bundle(for: Marker.self).bundleURL
        var candidates = [bundle, bundle.deletingLastPathComponent()]
        if let exe = ProcessInfo.processInfo.arguments.first {
            candidates.insert(URL(fileURLWithPath: exe).resolvingSymlinksInPath().deletingLastPathComponent(), at: 0)
        }
        for dir in candidates where fm.isExecutableFile(atPath: dir.appendingPathComponent("casevault").path) {
            return dir.appendingPathComponent("casevault")
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build/debug/casevault")
    }

    private final class Marker {}

    let workdir: URL
    var environment: [String: String]

    init() throws {
        workdir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("casevault-cli-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: workdir, withIntermediateDirectories: true)
        environment = ["CASEVAULT_TEST_INSECURE_KDF": "1", "PATH": "/usr/bin:/bin", "HOME": workdir.path]
    }

    func cleanUp() { try? FileManager.default.removeItem(at: workdir) }

    /// Writes a file into the work folder with the given mode.
    @discardableResult
    func write(_ name: String, _ text: String, mode: Int = 0o600) throws -> String {
        let url = workdir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
        return url.path
    }

    func path(_ name: String) -> String { workdir.appendingPathComponent(name).path }

    /// Runs `args` and asserts success.
    @discardableResult
    func ok(_ args: [String], file: StaticString = #filePath, line: UInt = #line) throws -> Result {
        let r = try run(args)
        XCTAssertEqual(r.status, 0, "casevault \(args.joined(separator: " ")) failed: \(r.stderr)", file: file, line: line)
        return r
    }

    /// A refusal: non-zero (`status` if given), exactly one line on stderr, `casevault: error: …`, nothing on stdout.
    @discardableResult
    func fails(_ args: [String], status: Int32? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> Result {
        let r = try run(args)
        XCTAssertNotEqual(r.status, 0, "casevault \(args.joined(separator: " ")) should have failed", file: file, line: line)
        if let status { XCTAssertEqual(r.status, status, "exit status; stderr: \(r.stderr)", file: file, line: line) }
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast().filter { !$0.hasPrefix("casevault: hint: ") }
        XCTAssertEqual(lines.count, 1, "one error line expected (then only hints), got: \(r.stderr)", file: file, line: line)
        XCTAssertTrue(r.stderr.hasPrefix("casevault: error: "), "stderr: \(r.stderr)", file: file, line: line)
        XCTAssertEqual(r.stdout, "", "nothing on stdout when refusing", file: file, line: line)
        return r
    }

    /// `identity new --json` writing `out`, protected by the passphrase in `passphraseFile`.
    func newIdentity(out: String, passphraseFile: String, file: StaticString = #filePath, line: UInt = #line) throws
        -> (publicIdentity: String, fingerprint: String) {
        let j = try Self.object(try ok(["identity", "new", "--out", out, "--passphrase-file", passphraseFile, "--json"], file: file, line: line).stdout,
                                file: file, line: line)
        return (try XCTUnwrap(j["public_identity"] as? String, file: file, line: line),
                try XCTUnwrap(j["fingerprint"] as? String, file: file, line: line))
    }

    /// `text` parsed as one JSON object.
    static func object(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text, file: file, line: line)
    }

    @discardableResult
    func run(_ args: [String], stdin: String? = nil, executable: String? = nil) throws -> Result {
        let p = Process()
        p.executableURL = executable.map { URL(fileURLWithPath: $0) } ?? Self.binary
        p.arguments = args
        p.currentDirectoryURL = workdir
        p.environment = environment
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }
}
