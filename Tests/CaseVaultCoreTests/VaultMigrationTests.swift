@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import Foundation
import GRDB
import SodiumKit
import XCTest

/// The committed format-1 vault (`Fixtures/v1-vault`, written by `scripts/make-v1-fixture.sh`
/// with the program before format 2): refused by every command but `vault info` and `vault
/// migrate`; migrated under the centre root after verifying all of it; never when tampered.
final class VaultMigrationTests: XCTestCase {
    static var fixture: String { URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/v1-vault").path }

    /// A private copy of the fixture, with the leader and kari pinned to its root.
    private struct Copy {
        let dir: String
        var vault: String { dir + "/vault" }
        func key(_ id: String) -> String { dir + "/\(id).key" }

        /// A format-1 key file: the leader's still holds the centre root beside her own keys.
        func keys(_ id: String) throws -> (member: SecretIdentity, root: SigningSecretKey?) {
            let text = try String(contentsOfFile: dir + "/passphrase", encoding: .utf8).trimmingCharacters(in: .newlines)
            let pass = try Array(text.utf8).withUnsafeBytes { try SecureBytes(copying: $0) }
            return try KeyFile.decodeCombined(try SecureFile.readPrivate(key(id), what: "key file"), passphrase: pass)
        }

        func identity(_ id: String) throws -> SecretIdentity { try keys(id).member }

        /// A session holding the centre root when the key file carries it.
        func session(_ id: String, _ v: Vault) throws -> Session {
            let (member, root) = try keys(id)
            let session = try v.openSession(keyFile: key(id), keys: member, command: "test")
            return try root.map { r throws(VaultError) in try session.holdingCentreRoot(r) } ?? session
        }
    }

    private func copy() throws -> Copy {
        setenv("CASEVAULT_TEST_INSECURE_KDF", "1", 1)
        let dir = NSTemporaryDirectory() + "casevault-v1-" + UUID().uuidString
        try FileManager.default.copyItem(atPath: Self.fixture, toPath: dir)
        for f in ["lina.key", "kari.key", "passphrase"] { try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dir + "/" + f) }
        let c = Copy(dir: dir)
        let v = try Vault.open(at: c.vault, allowingFormat1: true)
        for id in ["lina", "kari"] { try ClientAnchor.pin(vault: v, keyFile: c.key(id), fingerprint: v.rootFingerprint) }
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return c
    }

    private var caseID: CaseID {
        get throws { try CaseID(try String(contentsOfFile: Self.fixture + "/case-id", encoding: .utf8).trimmingCharacters(in: .newlines)) }
    }

    func testAFormatOneVaultIsRefusedNamingTheMigrateCommand() throws {
        let c = try copy()
        let e = TestVault.assertFails([.unsupportedFormat], "format 1") { try Vault.open(at: c.vault) }
        XCTAssertEqual(e?.message, "vault format 1 must be migrated: run `casevault vault migrate` (needs the centre root key)")
        let v = try Vault.open(at: c.vault, allowingFormat1: true)
        XCTAssertEqual(v.format, "1")
        XCTAssertEqual(try v.roster().entry("kari")?.roles, [.contactPerson], "vault info still reads it")
    }

    func testMigrateThenReadAndWriteWork() throws {
        let c = try copy()
        let before = try Vault.open(at: c.vault, allowingFormat1: true)
        let summary = try c.session("lina", before).migrateVault()
        XCTAssertEqual(summary.fromFormat, "1")
        XCTAssertEqual(summary.toFormat, "2")
        XCTAssertEqual(summary.cases, 2)
        let v = try Vault.open(at: c.vault)
        XCTAssertEqual(v.format, "2")
        let id = try caseID
        func run<T>(_ who: String, _ body: (Session) throws -> T) throws -> T {
            let keys = try c.identity(who)
            let anchor = try ClientAnchor.open(keyFile: c.key(who), identity: keys, vault: v)
            let result = try body(try Session(vault: v, identity: keys, anchor: anchor))
            try anchor.save(vault: v)
            return result
        }
        // Reading may re-seal the format-1 head to the role keys the migration made (a new version).
        let shown = try run("kari") { try $0.showCase(id) }.latest.version
        XCTAssertGreaterThanOrEqual(shown, 2)
        XCTAssertEqual(try run("kari") { try $0.updateCase(id, patchText: "set:\n  case.phase: 3\n") }, shown + 1)
        XCTAssertEqual(try run("kari") { try $0.listCases() }.count, 2)
        // The migrated baseline is checked like any logged head: deleting the new version is caught by a fresh follow.
        let dir = NSTemporaryDirectory() + "casevault-v1-export-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try Session(vault: v, identity: try c.identity("lina")).exportAudit(to: dir)
        XCTAssertNoThrow(try AuditVerifier(folder: dir, options: .init(rootFingerprint: v.rootFingerprint)).verify())
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/migration"))
        let raw = try RawDatabase(path: c.vault + "/vault.sqlite")
        let newest = UInt64(try XCTUnwrap(try raw.rows(id).last).version)
        try raw.delete(id, version: Int64(newest))
        try? FileManager.default.removeItem(atPath: ClientState.path(forKeyFile: c.key("kari"), vault: v.vaultID))
        assertRefused([.authenticationFailed], "rolled back after migration", mentioning: ["rolled back to version \(newest - 1)"]) {
            try run("kari") { try $0.showCase(id) }
        }
        assertRefused([.refused], "migrate twice", mentioning: ["already format 2"]) { try c.session("lina", v).migrateVault() }
    }

    func testMigrateRefusesATamperedFormatOneVault() throws {
        for tamper in ["DELETE FROM case_versions WHERE version = 2",
                       "UPDATE log_entries SET entry = CAST(replace(CAST(entry AS TEXT), 'case.list', 'case.lisu') AS BLOB) WHERE idx = (SELECT MAX(idx) FROM log_entries WHERE instr(entry, 'case.list') > 0)",
                       "DELETE FROM rosters WHERE serial = (SELECT MAX(serial) FROM rosters)"] {
            let c = try copy()
            try RawDatabase(path: c.vault + "/vault.sqlite").execute(tamper)
            let v = try Vault.open(at: c.vault, allowingFormat1: true)
            assertRefused([.authenticationFailed], tamper, mentioning: ["the format-1 vault does not verify"]) { try c.session("lina", v).migrateVault() }
            XCTAssertEqual(try Vault.open(at: c.vault, allowingFormat1: true).format, "1", "nothing changed: \(tamper)")
        }
    }

    func testOnlyTheCentreRootMayMigrate() throws {
        let c = try copy()
        let v = try Vault.open(at: c.vault, allowingFormat1: true)
        assertRefused([.accessDenied], "no root", mentioning: ["vault migrate needs the centre root key"]) { try c.session("kari", v).migrateVault() }
    }
}
