@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import Foundation
import GRDB
import SodiumKit
import TransparencyLog
import XCTest

/// The auditor's witness: cosigns only checkpoints that extend the last one it cosigned, and with
/// its state the auditor catches a cut log, a rollback and two validly signed forks.
final class AuditWitnessTests: XCTestCase {
    var f: AuditFixture!
    var statePath: String!

    override func setUpWithError() throws {
        f = try AuditFixture()
        statePath = f.newFolder() + ".state"
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: statePath)
        f = nil
    }

    private func witness(_ vault: Vault? = nil) throws -> WitnessResult {
        try Session(vault: vault ?? f.vault, identity: f.t.identity("anne")).witness(statePath: statePath)
    }

    private func stateBytes() throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: statePath))) }

    /// A byte-for-byte copy of the vault as it stands now: the starting point of a fork.
    private func copyVault() throws -> Vault {
        // Everything in the main file first, so the copy needs neither the WAL nor the shared-memory file.
        try f.vault.store.checkpointWriteAheadLog()
        let dir = f.newFolder()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
        try FileManager.default.copyItem(atPath: f.t.databasePath, toPath: dir + "/vault.sqlite")
        try FileManager.default.copyItem(atPath: f.t.directory + "/Keys", toPath: dir + "/Keys")
        return try Vault.open(at: dir)
    }

    func testFirstRunPinsAndLaterRunsExtend() throws {
        let first = try witness()
        XCTAssertNil(first.previousSize)
        let size0 = try f.vault.logEntryCount()
        XCTAssertEqual(first.checkpoint.size, UInt64(size0 - 1), "the cosigned checkpoint precedes the witness's own log entry")
        let state = try WitnessState.parse(try stateBytes())
        XCTAssertEqual(state.checkpoint, first.checkpoint)
        XCTAssertEqual(state.witnessName, "casevault.invalid/witness/anne")
        XCTAssertEqual(try first.witness.verify(state.note) > 0, true)

        _ = try f.t.session("kari").showCase(f.caseID)
        let second = try witness()
        XCTAssertEqual(second.previousSize, first.checkpoint.size)
        XCTAssertGreaterThan(second.checkpoint.size, first.checkpoint.size)
        XCTAssertEqual(try f.t.raw().count("log_cosignatures"), 2)
        let cosigns = try storedEntries(f.t).filter { $0.action == LogAction.auditCosign.rawValue }
        XCTAssertEqual(cosigns.map { $0.detailValue("size") }, [String(first.checkpoint.size), String(second.checkpoint.size)])

        // The export carries both cosigned checkpoints; the auditor names the witness and both verify.
        let dir = try f.export()
        let byKey = try f.verify(dir, .init(witnesses: [second.witness])).report()
        XCTAssertEqual(byKey.cosignatures.map(\.size), [second.checkpoint.size, first.checkpoint.size])
        let byIdentity = try f.verify(dir, .init(witnessMemberKeys: [f.t.identity("anne").signingKey.publicKey])).report()
        XCTAssertEqual(byIdentity.cosignatures.count, 2)
        // Consistent with the witness's saved state, given as --since.
        XCTAssertEqual(try f.verify(dir, .init(since: try stateBytes())).report().consistentSince, second.checkpoint.size)
        // A witness the vault never heard from is missing, and said so.
        let stranger = try CosignatureSigner(name: "casevault.invalid/witness/other", secretKey: try SigningSecretKey.generate()).verifier
        f.verify(dir, .init(witnesses: [stranger])).assertFails(index: nil, mentioning: "no cosignature by witness")
    }

    func testTheLatestCheckpointInTheExportCarriesCosignaturesWhenTheyMatchIt() throws {
        let r = try witness()
        // Put the cosigned note where the latest checkpoint is: export merges the cosignature line into it.
        let raw = try f.t.raw()
        try raw.execute("DELETE FROM log_cosignatures")
        try raw.execute("INSERT INTO log_cosignatures (size, witness, note) VALUES (?, ?, ?)",
                        [Int64(f.vault.logEntryCount()), r.witness.name, Data(r.note.bytes)])
        let latest = try f.vault.read { db in try f.vault.latestCheckpointNote(db) }
        XCTAssertEqual(latest?.signatures.count, 1, "a cosignature on another text is not merged")

        let note = try f.vault.read { db in try XCTUnwrap(try f.vault.storedCheckpoint(db)) }
        let cp = try Checkpoint.parse(note.text)
        let signer = try CosignatureSigner(name: r.witness.name, secretKey: f.t.identity("anne").signingKey)
        let cosigned = try note.adding(try signer.cosign(cp, timestamp: 1_800_000_000))
        try raw.execute("DELETE FROM log_cosignatures")
        try raw.execute("INSERT INTO log_cosignatures (size, witness, note) VALUES (?, ?, ?)", [Int64(cp.size), signer.name, Data(cosigned.bytes)])
        let merged = try f.vault.read { db in try f.vault.latestCheckpointNote(db) }
        XCTAssertEqual(merged?.signatures.count, 2)
    }

    func testAForgedCosignatureLineIsRejected() throws {
        let r = try witness()
        let dir = try f.export()
        let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/cosigned")
        let path = dir + "/cosigned/" + files[0]
        let note = try SignedNote.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
        var lines = note.signatures
        var payload = lines[1].signature
        payload[payload.count - 1] ^= 1
        lines[1] = try NoteSignature(keyName: lines[1].keyName, keyID: lines[1].keyID, signature: payload)
        try Data(try SignedNote(text: note.text, signatures: lines).bytes).write(to: URL(fileURLWithPath: path))
        f.verify(dir, .init(witnesses: [r.witness])).assertFails(index: nil, mentioning: "cosignature")
    }

    func testAForkSharingAPrefixIsRefusedByTheWitnessAndByVerify() throws {
        _ = try witness()
        let fork = try copyVault()

        // The vault goes on; the witness follows it.
        _ = try f.t.session("kari").showCase(f.caseID)
        let honest = try witness()
        let saved = try stateBytes()

        // The copy diverges with validly signed entries of its own: same size first, then larger.
        _ = try Session(vault: fork, identity: f.t.identity("rita")).showCase(f.caseID)
        XCTAssertEqual(try fork.logEntryCount(), Int(honest.checkpoint.size))
        TestVault.assertFails([.authenticationFailed], "fork at the same size") { try self.witness(fork) }
        XCTAssertTrue(try fork.logEntryCount() > Int(honest.checkpoint.size))
        _ = try Session(vault: fork, identity: f.t.identity("cecilie")).showCase(f.caseID)
        _ = try Session(vault: fork, identity: f.t.identity("cecilie")).showCase(f.caseID)
        let e = TestVault.assertFails([.authenticationFailed], "fork, larger") { try self.witness(fork) }
        XCTAssertTrue(e?.message.contains("not consistent") ?? false, e?.message ?? "")
        XCTAssertEqual(try stateBytes(), saved, "a refusal leaves the witness state as it was")
        // Each refusal is itself in the fork's log.
        let refusals = try fork.read { db in
            var entries: [LogEntry] = []
            try db.forEachLogEntry { entries.append(try LogEntry.parse($0.bytes)) }
            return entries
        }.filter { $0.action == LogAction.accessDenied.rawValue && $0.detailValue("command") == "audit.witness" }
        XCTAssertEqual(refusals.count, 2)

        // Offline: the fork's export is valid on its own, and inconsistent with the auditor's state.
        let dir = f.newFolder()
        _ = try Session(vault: fork, identity: f.t.identity("anne")).exportAudit(to: dir)
        XCTAssertNoThrow(try f.verify(dir).report())
        f.verify(dir, .init(since: saved)).assertFails(index: nil, mentioning: "not consistent with the earlier checkpoint")
        // The honest vault's export passes the same check.
        XCTAssertNoThrow(try f.verify(try f.export(), .init(since: saved)).report())
    }

    func testASmallerTreeIsRefused() throws {
        let earlier = try copyVault()
        _ = try f.t.session("kari").showCase(f.caseID)
        _ = try witness()
        let e = TestVault.assertFails([.authenticationFailed], "cut log") { try self.witness(earlier) }
        XCTAssertTrue(e?.message.contains("smaller") ?? false, e?.message ?? "")
    }

    func testACheckpointNotSignedByAMemberIsRefused() throws {
        _ = try witness()
        _ = try f.t.session("kari").showCase(f.caseID)
        let raw = try f.t.raw()
        let note = try SignedNote.parse(try XCTUnwrap(try raw.blob("SELECT note FROM log_checkpoints ORDER BY size DESC LIMIT 1")))
        let forged = try SignedNote.sign(text: note.text, signers: [NoteSigner(name: "casevault.invalid/member/x", secretKey: try SigningSecretKey.generate())])
        try raw.execute("UPDATE log_checkpoints SET note = ? WHERE size = (SELECT MAX(size) FROM log_checkpoints)", [Data(forged)])
        TestVault.assertFails([.authenticationFailed], "unsigned checkpoint") { try self.witness() }
    }

    func testAnEditedStateFileIsRefused() throws {
        _ = try witness()
        _ = try f.t.session("kari").showCase(f.caseID)
        var bytes = try stateBytes()
        bytes[bytes.count - 10] ^= 1  // inside the cosignature's base64
        try Data(bytes).write(to: URL(fileURLWithPath: statePath))
        TestVault.assertFails([.authenticationFailed, .unsupportedFormat], "edited state") { try self.witness() }
    }

    func testOnlyTheAuditorRunsTheWitness() throws {
        let before = try f.vault.logEntryCount()
        TestVault.assertFails([.accessDenied], "leader as witness") { try f.t.session("lina").witness(statePath: self.statePath) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: statePath))
        XCTAssertEqual(try f.vault.logEntryCount(), before + 1, "the refusal is logged")
    }
}
