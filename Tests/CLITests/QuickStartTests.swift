import Foundation
import XCTest

/// The README's quick start, run as written with a throwaway HOME and vault, so the README
/// cannot drift from the tool. Only the line that says where the binary is changes.
final class QuickStartTests: XCTestCase {
    static var readme: String {
        get throws {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            return try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        }
    }

    /// The first ```sh block after `heading`.
    static func shellBlock(after heading: String) throws -> String {
        let text = try readme
        let section = try XCTUnwrap(text.range(of: heading), "README has no \(heading)")
        let open = try XCTUnwrap(text.range(of: "```sh\n", range: section.upperBound..<text.endIndex))
        let close = try XCTUnwrap(text.range(of: "```", range: open.upperBound..<text.endIndex))
        return String(text[open.upperBound..<close.lowerBound])
    }

    /// `swift build` is already done; `casevault` is the binary under test.
    static func runnable(_ block: String) -> String {
        block.split(separator: "\n", omittingEmptySubsequences: false).compactMap { line -> String? in
            if line.hasPrefix("swift build") { return nil }
            if line.hasPrefix("CV=") { return "casevault() { \"\(CLI.binary.path)\" \"$@\"; }" }
            return String(line)
        }.joined(separator: "\n")
    }

    func testTheQuickStartRunsAsWritten() throws {
        let block = try Self.shellBlock(after: "## Quick start")
        XCTAssertTrue(block.contains("casevault() {"), "the block defines how `casevault` is called")
        var cli = try CLI()
        defer { cli.cleanUp() }
        // Passphrases for a script: the prompt is for people. Each key gets the same one here.
        cli.environment["CASEVAULT_PASSPHRASE"] = "riktig hest batteri stift"
        cli.environment["CASEVAULT_APPROVER_PASSPHRASE"] = "riktig hest batteri stift"
        cli.environment["CASEVAULT_ROOT_PASSPHRASE"] = "fjell tau melk sykkel"
        // The README's shift example follows on, with the key agent's socket in the throwaway folder.
        let shift = try Self.shellBlock(after: "A shift works unlocked")
        let runtime = cli.path("run")
        try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        cli.environment["XDG_RUNTIME_DIR"] = runtime
        defer { _ = try? cli.run(["lock"]) }
        let script = try cli.write("quickstart.sh", Self.runnable(block + shift))
        let r = try cli.run(shell: ["-e", "-o", "pipefail", script])
        XCTAssertEqual(r.status, 0, "the quick start failed:\n\(r.stderr.suffix(3000))")
        XCTAssertTrue(r.stdout.contains("Unlocked") || r.stdout.contains("unlocked"), "the shift example ran: \(r.stdout.suffix(1000))")
        XCTAssertTrue(r.stdout.contains("Verified."), r.stdout.suffix(2000).description)
        XCTAssertTrue(r.stdout.contains("Utlevering fra Krisesenteret i Nyby"), "the police opened the bundle")
        XCTAssertTrue(FileManager.default.fileExists(atPath: cli.path("nyby-vault/vault.sqlite")), "the vault is in the throwaway HOME")
    }

    /// Every command the README's command table names exists and has help.
    func testEveryCommandInTheREADMETableExists() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let text = try Self.readme
        let start = try XCTUnwrap(text.range(of: "## Commands")).upperBound
        let table = text[start...].split(separator: "\n").prefix { !$0.hasPrefix("Every command") }
        var commands: [[String]] = []
        for row in table where row.hasPrefix("| `") {
            let cell = row.split(separator: "|")[0]
            let spans = cell.split(separator: "`").enumerated().filter { $0.offset % 2 == 1 }.map { $0.element.split(separator: " ").map(String.init) }
            guard let first = spans.first, let group = first.first else { continue }
            let isGroup = first.count > 1 && first[1].first?.isLowercase == true
            commands.append(isGroup ? [group, first[1]] : [group])
            for span in spans.dropFirst() where isGroup {
                if let sub = span.first, sub.first?.isLowercase == true { commands.append([group, sub]) }
            }
        }
        XCTAssertGreaterThan(commands.count, 25, "\(commands)")
        for command in commands {
            let r = try cli.run(command + ["--help"])
            XCTAssertEqual(r.status, 0, "casevault \(command.joined(separator: " ")) --help: \(r.stderr)")
        }
    }

    /// A block that fails part-way makes the test fail: the check above can fail.
    func testAFailingStepFailsTheRun() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let script = try cli.write("broken.sh", Self.runnable("CV=x\ncasevault case show 1234 --vault nowhere --identity none\necho unreachable\n"))
        let r = try cli.run(shell: ["-e", "-o", "pipefail", script])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertFalse(r.stdout.contains("unreachable"))
    }
}

extension CLI {
    /// Runs a bash script in the work folder, with the same environment as the binary gets.
    func run(shell args: [String]) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = args
        p.currentDirectoryURL = workdir
        p.environment = environment
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }
}
