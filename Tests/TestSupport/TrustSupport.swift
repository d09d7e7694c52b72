import AccessPolicy
@testable import CaseVaultCore
import Foundation
import GRDB
import SodiumKit
import XCTest

/// One person's client on one machine: a key file path (the anchor files sit beside it), the
/// pinned root and remembered state, and a clock. `run` does what the CLI does for a command:
/// open the anchor, act, remember what was seen.
final class TrustClient {
    let t: TestVault
    let id: String
    let keyFile: String
    let identity: SecretIdentity
    var clock: any VaultClock = SystemClock()

    init(_ t: TestVault, _ id: String, identity: SecretIdentity? = nil, machine: String = "a", pin: Bool = true) throws {
        self.t = t
        self.id = id
        self.identity = identity ?? t.identity(id)
        let dir = t.directory + "/clients/" + machine
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        keyFile = dir + "/\(id).key"
        _ = FileManager.default.createFile(atPath: keyFile, contents: Data("placeholder\n".utf8), attributes: [.posixPermissions: 0o600])
        if pin { try ClientAnchor.pin(vault: t.vault, keyFile: keyFile, fingerprint: t.vault.rootFingerprint) }
    }

    @discardableResult
    func run<T>(_ vault: Vault? = nil, reanchoring: Bool = false, _ body: (Session) throws -> T) throws -> T {
        let v = vault ?? t.vault
        let anchor = try ClientAnchor.open(keyFile: keyFile, identity: identity, vault: v, reanchoring: reanchoring)
        let session = try Session(vault: v, identity: identity, clock: clock, anchor: anchor)
        let result = try body(session)
        try anchor.save(vault: v)
        return result
    }

    var statePath: String { ClientState.path(forKeyFile: keyFile, vault: t.vault.vaultID) }
}

extension TestVault {
    /// Adds a member outside the fixed staff, returning their secret identity.
    @discardableResult
    func addMember(_ id: String, roles: [Role]) throws -> SecretIdentity {
        let identity = try SecretIdentity.generate()
        _ = try session("lina").addMember(id: id, name: id.capitalized, roles: roles, identity: identity.publicIdentity)
        return identity
    }

    /// A byte-for-byte copy of the vault database now (SQLite's online backup): a backup tape.
    func backup() throws -> DatabaseQueue {
        let copy = try DatabaseQueue(path: directory + "/backup-\(UUID().uuidString).sqlite")
        try raw().queue.backup(to: copy)
        return copy
    }

    /// Puts a backup back over the live database, as a restore from the tape would.
    func restore(_ copy: DatabaseQueue) throws { try copy.backup(to: try raw().queue) }

    /// The policy text with another serial, for installing a newer policy.
    static func policy(serial: Int) -> [UInt8] {
        Array(String(decoding: Policy.makeDefault().sourceBytes, as: UTF8.self)
            .replacingOccurrences(of: "serial: 1\n", with: "serial: \(serial)\n").utf8)
    }
}

/// Asserts a refusal of one of `kinds` whose one-line message mentions every string in `mentioning`.
@discardableResult
func assertRefused<T>(_ kinds: Set<VaultError.Kind>, _ what: String, mentioning: [String], file: StaticString = #filePath, line: UInt = #line,
                      _ body: () throws -> T) -> VaultError? {
    let e = TestVault.assertFails(kinds, what, file: file, line: line, body)
    if let e {
        XCTAssertFalse(e.message.contains("\n"), "\(what): one line: \(e.message)", file: file, line: line)
        for m in mentioning { XCTAssertTrue(e.message.contains(m), "\(what): \"\(e.message)\" should mention \(m)", file: file, line: line) }
    }
    return e
}

/// Writes a file with mode 0600, as the client's own files are.
func writePrivate(_ text: String, to path: String) throws {
    try? FileManager.default.removeItem(atPath: path)
    XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]))
}

/// A member's clock that runs `seconds` ahead of the system's (behind when negative).
struct OffsetClock: VaultClock {
    let seconds: Int64
    init(_ seconds: Int64) { self.seconds = seconds }
    func now() -> Timestamp { Timestamp(seconds: Timestamp.now().seconds + seconds) }
}
