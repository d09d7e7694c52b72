@testable import CaseVaultAgent
import CaseVaultCore
import CaseVaultSamples
import CProcessGuard
import Foundation
import XCTest

/// `casevault unlock / lock / status` through the built binary, with commands run in a new
/// session (`setsid`) so that no terminal could be asked for a passphrase.
final class AgentCLITests: XCTestCase {
    var v: CLIVault!
    var runtime: String!

    override func setUpWithError() throws {
        v = try CLIVault()
        runtime = v.cli.path("run")
        try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        v.cli.environment["XDG_RUNTIME_DIR"] = runtime
    }

    override func tearDownWithError() throws {
        _ = try? v.cli.run(["lock"])
        v = nil
    }

    /// Acting as `member` with only the key file named: no passphrase file, no variable, no terminal.
    func run(as member: String, _ args: [String], stdin: String? = nil) throws -> CLI.Result {
        try v.cli.run(["-w", CLI.binary.path] + args + ["--vault", v.vault, "--identity", v.keyPath(member)], stdin: stdin, executable: "/usr/bin/setsid")
    }

    func unlock(_ member: String) throws {
        let r = try v.cli.run(["unlock", "--identity", v.keyPath(member), "--passphrase-file", v.passFile])
        r.assertSuccess("unlock")
        XCTAssertTrue(r.stdout.hasPrefix("Unlocked: \(v.fingerprints[member] ?? "?")"), r.stdout)
    }

    func testUnlockThenTwentyCommandsWithoutPassphraseThenLock() throws {
        try unlock("kari")
        let status = try v.cli.run(["status", "--json"])
        let json = try XCTUnwrap(status.json as? [String: Any])
        XCTAssertEqual(json["unlocked"] as? Bool, true)
        XCTAssertEqual(json["fingerprint"] as? String, v.fingerprints["kari"])
        XCTAssertEqual(json["idle_minutes"] as? Int, 15)

        let logBefore = try v.count("log_entries")
        let new = try run(as: "kari", ["case", "new", "-", "--json"], stdin: SampleCase.yaml)
        new.assertSuccess("case new through the agent")
        let caseID = try XCTUnwrap((new.json as? [String: Any])?["case"] as? String)
        var commands: [[String]] = [["case", "assign", caseID, "--member", "karl", "--as", "contact-person"]]
        for i in 0..<6 {
            commands += [["case", "show", caseID], ["case", "list"], ["case", "history", caseID]]
            if i == 0 { commands.append(["case", "update", caseID, "-"]) }
        }
        commands = Array(commands.prefix(19))
        for c in commands {
            let stdin = c[1] == "update" ? "set:\n  case.status: closed\n" : nil
            try run(as: "kari", c, stdin: stdin).assertSuccess(c.joined(separator: " "))
        }
        // Every operation still logged under kari, at least one entry per command.
        XCTAssertGreaterThanOrEqual(try v.count("log_entries") - logBefore, 20)
        let log = try v.cli.run(["audit", "log", "--json"] + v.as("anne"))
        log.assertSuccess("audit log")
        let entries = try XCTUnwrap(log.json as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(entries.filter { $0["actor"] as? String == "kari" }.count, 20)
        XCTAssertNil(v.cli.environment["CASEVAULT_PASSPHRASE"])

        let lock = try v.cli.run(["lock"])
        lock.assertSuccess("lock")
        XCTAssertTrue(lock.stdout.hasPrefix("Locked"), lock.stdout)
        let locked = try run(as: "kari", ["case", "show", caseID])
        locked.assertError(77, "command after lock", mentioning: "locked")
        XCTAssertTrue(locked.stderr.contains("casevault unlock"), locked.stderr)
        XCTAssertEqual(try v.cli.run(["status"]).stdout, "Locked: no key agent is running.\n")
    }

    func testAnotherMembersKeyFileIsNotServedByTheAgent() throws {
        try unlock("kari")
        try run(as: "nils", ["case", "list"]).assertError(77, "nils's key with kari's agent", mentioning: "locked")
    }

    func testLooseKeyFileLocksTheAgent() throws {
        try unlock("kari")
        try run(as: "kari", ["case", "list"]).assertSuccess("list")
        XCTAssertEqual(chmod(v.keyPath("kari"), 0o644), 0)
        try run(as: "kari", ["case", "list"]).assertError(77, "loose key file", mentioning: "accessible by group or others")
        XCTAssertEqual(try v.cli.run(["status"]).stdout, "Locked: no key agent is running.\n")
    }

    func testKilledAgentLeavesNoSecretAndDoesNotTripTheNextUnlock() throws {
        try unlock("kari")
        let pid = try XCTUnwrap(agentPID(), "agent process not found")
        XCTAssertEqual(kill(pid, SIGKILL), 0)
        // Not our child: wait on a pidfd, which becomes readable when it has exited.
        XCTAssertNotEqual(casevault_wait_for_exit(pid, 10_000), 0, "the agent did not exit after SIGKILL")
        var status: Int32 = 0
        _ = waitpid(pid, &status, WNOHANG)
        // What remains on disk: the stale socket (an empty inode), nothing else, no core file.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: runtime), ["casevault-agent.sock"])
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: v.cli.workdir.path).contains { $0.hasPrefix("core") })
        XCTAssertEqual(try v.cli.run(["status"]).stdout, "Locked: no key agent is running.\n")
        try run(as: "kari", ["case", "list"]).assertError(77, "after SIGKILL", mentioning: "locked")
        try unlock("kari")
        try run(as: "kari", ["case", "list"]).assertSuccess("list after a new unlock")
    }

    func testWrongPassphraseStartsNoAgent() throws {
        let wrong = try v.cli.write("wrong", "feil\n")
        try v.cli.run(["unlock", "--identity", v.keyPath("kari"), "--passphrase-file", wrong]).assertError(77, "wrong passphrase")
        XCTAssertEqual(try v.cli.run(["status"]).stdout, "Locked: no key agent is running.\n")
    }

    /// A real second user, when the tests run as root (as in CI): the agent's socket made
    /// reachable on purpose, and still their client is refused. Without root no second user can
    /// be made, so the same decision is checked on the running agent's real socket instead.
    func testSecondUserRefused() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/sbin/useradd") else {
            try unlock("kari")
            let socket = try XCTUnwrap(try UnixSocket.connect(runtime + "/casevault-agent.sock"), "the agent answers")
            let uid = try XCTUnwrap(socket.peerUID(), "SO_PEERCRED names the agent's user")
            XCTAssertEqual(uid, getuid())
            XCTAssertFalse(AgentPeer.admits(peerUID: uid &+ 1, ownUID: uid), "another uid is refused")
            return
        }
        let user = "cvagent\(UInt16.random(in: 1000...9999))"
        XCTAssertEqual(try shell("/usr/sbin/useradd", ["--no-create-home", "--shell", "/usr/sbin/nologin", user]), 0)
        defer { _ = try? shell("/usr/sbin/userdel", [user]) }
        try unlock("kari")
        XCTAssertEqual(chmod(runtime, 0o755), 0)
        XCTAssertEqual(chmod(runtime + "/casevault-agent.sock", 0o666), 0)
        XCTAssertEqual(chmod(v.cli.workdir.path, 0o755), 0)
        // The checkout may sit in a folder the other user cannot enter: they run a copy of the binary.
        let binary = v.cli.path("casevault-copy")
        try FileManager.default.copyItem(atPath: CLI.binary.path, toPath: binary)
        XCTAssertEqual(chmod(binary, 0o755), 0)
        let r = try v.cli.run(["-u", user, "--", "env", "XDG_RUNTIME_DIR=\(runtime!)", binary, "status"], executable: "/usr/sbin/runuser")
        XCTAssertNotEqual(r.status, 0, r.stdout)
        XCTAssertTrue(r.stderr.contains("another user"), r.stderr)
        try run(as: "kari", ["case", "list"]).assertSuccess("the owner still served")
    }

    // MARK: Helpers

    func agentPID() throws -> pid_t? {
        for entry in try FileManager.default.contentsOfDirectory(atPath: "/proc") {
            guard let pid = pid_t(entry), let cmd = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
            let args = cmd.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if args.count > 3, args[1] == "agent", args.contains(v.keyPath("kari")) { return pid }
        }
        return nil
    }

    func shell(_ exe: String, _ args: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }
}
