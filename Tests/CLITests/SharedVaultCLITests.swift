import CaseVaultSamples
@testable import CaseVaultTestSupport
import Foundation
import XCTest

/// The shared vault through the command line: the leader publishes, two workstations join and
/// write, a bundle goes to the police's inbox and is opened there. Needs the throwaway PostgreSQL
/// that scripts/test.sh starts (`CASEVAULT_TEST_POSTGRES`); fails without it.
final class SharedVaultCLITests: XCTestCase {
    func testTwoWorkstationsAndThePoliceShareAVaultThroughTheServer() throws {
        let shared = try SharedCentre(workstations: [("kari", "ws-a"), ("karl", "ws-b")])
        defer { shared.server.stop() }
        let (centre, cli, url, vaultID) = (shared.centre, shared.centre.cli, shared.url, shared.vaultID)
        try cli.write("sample.yaml", SampleCase.yaml)
        func on(_ folder: String, _ who: String) -> [String] { ["--vault", cli.path(folder), "--identity", centre.keyPath(who)] }
        let caseA = try XCTUnwrap(try CLI.object(try cli.ok(["case", "new", "sample.yaml", "--json"] + on("ws-a", "kari")).stdout)["case"] as? String)
        let caseB = try XCTUnwrap(try CLI.object(try cli.ok(["case", "new", "sample.yaml", "--json"] + on("ws-b", "karl")).stdout)["case"] as? String)
        XCTAssertNotEqual(caseA, caseB)
        // Workstation b pulled a's case before writing; a now sees b's log entries too.
        try cli.ok(["case", "list"] + on("ws-a", "kari"))
        try cli.ok(["server", "sync"] + on("ws-b", "karl"))

        // The leader registers the police (her folder is a replica too), kari hands over through the inbox.
        let police = try cli.newIdentity(out: cli.path("politi.key"), passphraseFile: centre.passFile)
        try cli.ok(["recipient", "add", "--id", "politi-ost", "--name", "Øst politidistrikt", "--role", "police", "--public-key", police.publicIdentity,
                    "--fingerprint", police.fingerprint] + centre.as("lina"))
        try cli.ok(["handover", "create", "--case", caseA, "--to", "politi-ost", "--purpose-file", try cli.write("purpose.txt", "Sikkerhetstiltak ved ny bolig"),
                    "--basis", "consent", "--consent-file", try cli.write("consent.txt", "SAM-2026-014"), "--approver-identity", centre.keyPath("lina"),
                    "--out", cli.path("til-politiet.cvb")] + on("ws-a", "kari"))
        let inboxOf = { (who: String, key: String) in ["--server", url, "--vault-id", vaultID, "--as", who, "--identity", key] }
        try cli.ok(["server", "deliver", cli.path("til-politiet.cvb"), "--to", "politi-ost"] + inboxOf("kari", centre.keyPath("kari")))
        let listed = try cli.ok(["server", "inbox"] + inboxOf("politi-ost", cli.path("politi.key"))).stdout
        let item = try XCTUnwrap(listed.split(separator: " ").first.map(String.init), listed)
        XCTAssertTrue(listed.contains("from kari"), listed)
        try cli.ok(["server", "fetch", item, "--out", cli.path("fra-senteret.cvb")] + inboxOf("politi-ost", cli.path("politi.key")))
        let opened = try cli.ok(["handover", "open", cli.path("fra-senteret.cvb"), "--identity", cli.path("politi.key"), "--trust", centre.rootFingerprint])
        XCTAssertTrue(opened.stdout.contains(caseA), opened.stdout)
        // The police are not members: they get deliveries, never the vault.
        try cli.fails(["server", "join", "--server", url, "--vault-id", vaultID, "--member", "politi-ost", "--fingerprint", centre.rootFingerprint,
                       "--into", cli.path("ws-police"), "--identity", cli.path("politi.key")])
    }

    /// A workstation killed while its push waits inside the server's transaction: the server
    /// then commits the push, whose answer nobody reads. The workstation's next command takes
    /// the stored rows instead of being refused forever, and nothing is lost or doubled.
    func testAWorkstationKilledDuringItsPushLosesNothing() throws {
        let shared = try SharedCentre(workstations: [("kari", "ws-a")])
        defer { shared.server.stop() }
        let cli = shared.centre.cli
        try cli.write("sample.yaml", SampleCase.yaml)
        let lock = try PostgresLockHolder(socketFolder: shared.socketFolder, database: shared.database, holdingShareLockOn: "vault_rows")
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = ["case", "new", "sample.yaml"] + shared.on("ws-a", "kari")
        p.currentDirectoryURL = cli.workdir
        p.environment = cli.environment
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        try lock.waitUntilSomeoneWaits()
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .uncaughtSignal)
        try lock.release()

        let listed = try XCTUnwrap(try cli.ok(["case", "list", "--json"] + shared.on("ws-a", "kari")).json as? [[String: Any]])
        XCTAssertEqual(listed.count, 1, "the case the killed command wrote is there, once")
        try cli.ok(["server", "join", "--server", shared.url, "--vault-id", shared.vaultID, "--member", "kari", "--fingerprint", shared.centre.rootFingerprint,
                    "--into", cli.path("ws-fresh"), "--identity", shared.centre.keyPath("kari")])
        let fresh = try XCTUnwrap(try cli.ok(["case", "list", "--json"] + shared.on("ws-fresh", "kari")).json as? [[String: Any]])
        XCTAssertEqual(fresh.map { $0["case"] as? String }, listed.map { $0["case"] as? String }, "the server holds it: a new workstation lists it too")
        try cli.ok(["case", "new", "sample.yaml"] + shared.on("ws-a", "kari"))
        XCTAssertEqual(try XCTUnwrap(try cli.ok(["case", "list", "--json"] + shared.on("ws-fresh", "kari")).json as? [[String: Any]]).count, 2, "and the log goes on")
    }

    /// The README's "A shared vault" block, run as written after its quick start in the same
    /// shell, with a throwaway database and a free port in place of the centre's: the server
    /// started in the background, the leader's folder published, Kari's and Cecilie's
    /// workstations joined with their own keys, a note written on one and seen on the other, and
    /// the bundle delivered to the police, who fetch it with their key and open it.
    func testTheREADMEsSharedVaultSectionRunsAsWritten() throws {
        let (socketFolder, database) = try SharedCentre.newDatabase()
        var shared = try QuickStartTests.shellBlock(after: "## A shared vault")
        for (written, here) in [("postgres://casevault@/casevault?host=/run/postgresql", "postgres://postgres@/\(database)?host=\(socketFolder)"),
                                ("--listen 127.0.0.1:8443", "--listen 127.0.0.1:0")] {
            XCTAssertTrue(shared.contains(written), "the README's block has \(written)")
            shared = shared.replacingOccurrences(of: written, with: here)
        }
        var cli = try CLI()
        defer { cli.cleanUp() }
        // Passphrases for a script, as in QuickStartTests.
        cli.environment["CASEVAULT_PASSPHRASE"] = "riktig hest batteri stift"
        cli.environment["CASEVAULT_APPROVER_PASSPHRASE"] = "riktig hest batteri stift"
        cli.environment["CASEVAULT_ROOT_PASSPHRASE"] = "fjell tau melk sykkel"
        // No key agent of another test or user is asked: the agent's socket would be in the throwaway folder.
        let runtime = cli.path("run")
        try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        cli.environment["XDG_RUNTIME_DIR"] = runtime
        let marker = "=== the shared vault ==="
        // The section runs with `casevault` on PATH (the quick start's other way), so the server
        // in the background is the shell's job itself, not a child of a function's subshell: the
        // trap stops it when the script ends, also when a step fails.
        let bin = cli.path("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: bin + "/casevault", withDestinationPath: CLI.binary.path)
        let script = try cli.write("shared.sh", "trap 'kill $(jobs -p) 2>/dev/null; wait' EXIT\n"
                                   + QuickStartTests.runnable(try QuickStartTests.shellBlock(after: "## Quick start"))
                                   + "echo '\(marker)'\nunset -f casevault\nPATH='\(bin)':$PATH\n" + shared)
        let r = try cli.run(shell: ["-e", "-o", "pipefail", script])
        XCTAssertEqual(r.status, 0, "the shared vault section failed:\n\(r.stdout.suffix(2000))\n\(r.stderr.suffix(3000))")
        let out = try XCTUnwrap(r.stdout.components(separatedBy: marker + "\n").last, r.stdout)
        XCTAssertTrue(out.contains("casevault serve: listening on 127.0.0.1:"), out)
        XCTAssertTrue(out.contains("{\"ready\":true}"), out)
        XCTAssertEqual(out.components(separatedBy: "Joined vault ").count - 1, 2, "two workstations joined: \(out)")
        XCTAssertTrue(out.contains(" from kari "), "the police's inbox lists kari's delivery: \(out)")
        // The police opened what they fetched: the bundle, byte for byte, and its content.
        XCTAssertEqual(FileManager.default.contents(atPath: cli.path("fra-senteret.cvb")), FileManager.default.contents(atPath: cli.path("til-politiet.cvb")))
        XCTAssertTrue(out.contains("Utlevering fra Krisesenteret i Nyby"), out)
        XCTAssertTrue(out.contains("formål: Sikkerhetstiltak ved ny bolig") && out.contains("(SAM-2026-014)"), out)
        // Cecilie's workstation pulled the note Kari wrote on hers: one version after the bundled one.
        let bundled = try XCTUnwrap(out.split(separator: "\n").first { $0.hasPrefix("  sak: ") }?.split(separator: " ").last, out)
        let history = out.split(separator: "\n").filter { $0.hasPrefix("v") && $0.contains(" wrote ") }
        XCTAssertEqual(history.last?.hasPrefix("v\((Int(bundled.dropLast()) ?? 0) + 1) "), true, "\(bundled) \(history)")
        XCTAssertEqual(history.last?.contains(" kari "), true, "\(history)")
    }

    /// A centre whose leader published her vault on a new `casevault serve`, with workstations joined.
    private struct SharedCentre {
        let centre: CLIVault
        let server: Server
        let url: String, vaultID: String, socketFolder: String, database: String

        init(workstations: [(member: String, folder: String)]) throws {
            let db = try Self.newDatabase()
            socketFolder = db.socketFolder
            database = db.database
            setenv("CASEVAULT_TEST_INSECURE_KDF", "1", 1)
            let passphrase = "blå hest batteri stift"
            centre = try CLIVault(members: [("kari", "contact-person"), ("karl", "contact-person")], passphrase: passphrase,
                                  environment: ["CASEVAULT_PASSPHRASE": passphrase, "CASEVAULT_APPROVER_PASSPHRASE": passphrase])
            let cli = centre.cli
            XCTAssertEqual(try cli.run(["--version"], executable: nil).status, 0)
            server = try Server(binary: CLI.binary, database: "postgres://postgres@/\(database)?host=\(socketFolder)")
            guard let address = server.address else { throw CLIError("the server did not start: \(server.stderr)") }
            url = "http://" + address
            guard let id = try CLI.object(try cli.ok(["vault", "info", "--vault", centre.vault, "--json"]).stdout)["vault"] as? String else {
                throw CLIError("vault info printed no vault id")
            }
            vaultID = id
            try cli.ok(["server", "publish", "--server", url] + centre.as("lina"))
            for (who, folder) in workstations {
                try cli.ok(["server", "join", "--server", url, "--vault-id", vaultID, "--member", who, "--fingerprint", centre.rootFingerprint,
                            "--into", cli.path(folder), "--identity", centre.keyPath(who)])
            }
        }

        func on(_ folder: String, _ who: String) -> [String] { ["--vault", centre.cli.path(folder), "--identity", centre.keyPath(who)] }

        /// A new database on the throwaway cluster (`CASEVAULT_TEST_POSTGRES`), copied from its template.
        static func newDatabase() throws -> (socketFolder: String, database: String) {
            guard let socketFolder = ProcessInfo.processInfo.environment["CASEVAULT_TEST_POSTGRES"], !socketFolder.isEmpty else {
                throw CLIError("CASEVAULT_TEST_POSTGRES is not set: run scripts/test.sh, which starts a PostgreSQL for the server tests")
            }
            let database = "cv_cli_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            let cli = try CLI()
            defer { cli.cleanUp() }
            let created = try cli.run(["-h", socketFolder, "-U", "postgres", "-d", "postgres", "-q", "-c", "CREATE DATABASE \(database) TEMPLATE casevault_template"],
                                      executable: "/usr/bin/psql")
            XCTAssertEqual(created.status, 0, created.stderr)
            return (socketFolder, database)
        }
    }

    private struct CLIError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// `casevault serve` on a free port, until `stop`.
    private final class Server: @unchecked Sendable {
        private let process = Process()
        private let lock = NSLock()
        private var out = "", err = ""
        private let listening = DispatchSemaphore(value: 0)

        init(binary: URL, database: String) throws {
            process.executableURL = binary
            process.arguments = ["serve", "--database", database, "--listen", "127.0.0.1:0", "--deadline", "300"]
            let o = Pipe(), e = Pipe()
            process.standardOutput = o
            process.standardError = e
            o.fileHandleForReading.readabilityHandler = { [weak self] h in
                guard let self else { return }
                let text = String(decoding: h.availableData, as: UTF8.self)
                self.lock.withLock { self.out += text }
                if text.contains("\n") { self.listening.signal() }
            }
            e.fileHandleForReading.readabilityHandler = { [weak self] h in
                guard let self else { return }
                let text = String(decoding: h.availableData, as: UTF8.self)
                self.lock.withLock { self.err += text }
            }
            try process.run()
        }

        var address: String? {
            guard listening.wait(timeout: .now() + 60) == .success else { return nil }
            return lock.withLock { out }.components(separatedBy: "listening on ").last?.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        var stderr: String { lock.withLock { err } }

        func stop() {
            process.terminate()
            process.waitUntilExit()
        }
    }
}
