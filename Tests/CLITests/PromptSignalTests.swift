import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C at the passphrase prompt must leave the terminal as it was: echo back on.
final class PromptSignalTests: XCTestCase {
    func testInterruptAtThePassphrasePromptRestoresEcho() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        var master: Int32 = -1, slave: Int32 = -1
        var name = [CChar](repeating: 0, count: 128)
        XCTAssertEqual(openpty(&master, &slave, &name, nil, nil), 0)
        defer { close(master); close(slave) }
        let slaveName = String(cString: name)

        // A new session whose first terminal (the pty, opened as stdin) becomes its controlling terminal.
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        posix_spawnattr_setflags(&attr, 0x80)   // POSIX_SPAWN_SETSID, which Glibc's module does not export
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, slaveName, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        let args = [CLI.binary.path, "identity", "new", "--out", cli.path("k.cvkey")]
        let env = cli.environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let status = withCStrings(args) { argv in withCStrings(env) { envp in posix_spawn(&pid, args[0], &actions, &attr, argv, envp) } }
        XCTAssertEqual(status, 0)

        // Wait for the prompt (reading the pty, not the clock), then check echo is off.
        var seen = ""
        var buffer = [UInt8](repeating: 0, count: 256)
        while !seen.contains("New passphrase") {
            let n = read(master, &buffer, buffer.count)
            guard n > 0 else { break }
            seen += String(decoding: buffer[0..<n], as: UTF8.self)
        }
        XCTAssertTrue(seen.contains("New passphrase"), seen)
        var t = termios()
        tcgetattr(slave, &t)
        XCTAssertEqual(t.c_lflag & tcflag_t(ECHO), 0, "echo is off while the passphrase is typed")

        kill(pid, SIGINT)
        var exit: Int32 = 0
        waitpid(pid, &exit, 0)
        XCTAssertEqual(exit & 0x7F, SIGINT, "the interrupt still ends the process")
        tcgetattr(slave, &t)
        XCTAssertNotEqual(t.c_lflag & tcflag_t(ECHO), 0, "echo is back on after Ctrl-C")
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.path("k.cvkey")))
    }

    private func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        var pointers = strings.map { strdup($0) }
        pointers.append(nil)
        defer { pointers.forEach { free($0) } }
        return body(pointers)
    }
}
