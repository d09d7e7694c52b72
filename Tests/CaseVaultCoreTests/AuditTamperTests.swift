@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import Foundation
import SodiumKit
import TransparencyLog
import XCTest

/// Every kind of tampering with an exported log: each change is caught and the first bad entry named.
final class AuditTamperTests: XCTestCase {
    var f: AuditFixture!
    var clean: String!
    var n: Int!

    override func setUpWithError() throws {
        f = try AuditFixture()
        clean = try f.export()
        n = try ExportedEntries(clean).entries.count
    }

    override func tearDown() { f = nil }

    func testCleanExportVerifiesAndReportsWhatItSaw() throws {
        let r = try f.verify(clean).report()
        XCTAssertEqual(r.entryCount, UInt64(n))
        XCTAssertEqual(r.checkpointSize, UInt64(n), "the export's own entry is checkpointed")
        XCTAssertTrue(r.tail.isEmpty)
        XCTAssertEqual(r.checkpointSigners, ["anne"])
        XCTAssertEqual(r.unauthenticatedAttempts.count, 1)
        XCTAssertEqual(r.rosterCount, 1 + TestVault.staff.count)
        XCTAssertEqual(r.contentReads, 3, "kari, rita and cecilie read the case")
        XCTAssertFalse(r.rootPinned)
        XCTAssertEqual(r.rootFingerprint, f.vault.rootFingerprint)
    }

    func testAFlippedBitAnywhereInAnEntryNamesThatEntry() throws {
        let original = try ExportedEntries(clean)
        for target in [0, n / 2, n - 1] {
            let size = original.entries[target].count
            // Every byte of the middle entry (every third of the first and last), one bit each; the
            // bit rotates with the offset so all eight positions are exercised.
            for offset in stride(from: 0, to: size, by: target == n / 2 ? 1 : 3) {
                let dir = try f.copy(clean)
                var edited = original
                edited.entries[target][offset] ^= UInt8(1 << (offset % 8))
                try edited.write(dir)
                guard case let .failure(failure) = f.verify(dir) else { return XCTFail("entry \(target) byte \(offset): not caught") }
                XCTAssertEqual(failure.index, UInt64(target), "entry \(target) byte \(offset): \(failure)")
                try FileManager.default.removeItem(atPath: dir)
            }
        }
    }

    func testDeletingTheFirstAMiddleOrTheLastEntry() throws {
        for (victim, named, words) in [(0, 0, "has index 1"), (n / 2, n / 2, "has index \(n / 2 + 1)"), (n - 1, n - 1, "is missing")] {
            let dir = try f.copy(clean)
            var e = try ExportedEntries(dir)
            e.entries.remove(at: victim)
            try e.write(dir)
            f.verify(dir).assertFails(index: UInt64(named), mentioning: words)
        }
    }

    func testTwoSwappedEntries() throws {
        let dir = try f.copy(clean)
        var e = try ExportedEntries(dir)
        e.entries.swapAt(4, 5)
        try e.write(dir)
        f.verify(dir).assertFails(index: 4, mentioning: "has index 5")
    }

    func testADuplicatedEntry() throws {
        let dir = try f.copy(clean)
        var e = try ExportedEntries(dir)
        e.entries.insert(e.entries[6], at: 7)
        try e.write(dir)
        f.verify(dir).assertFails(index: 7, mentioning: "has index 6")
    }

    func testAForgedEntrySignedByAKeyNotOnTheRoster() throws {
        let dir = try f.copy(clean)
        var e = try ExportedEntries(dir)
        let model = try e.parsed(5)
        let outsider = try SigningSecretKey.generate()
        let forged = try LogEntry.sign(vaultID: model.vaultID, index: 5, time: model.time, actor: "kari", key: outsider, action: "case.read",
                                       caseID: f.caseID, fields: ["person.alias"], detail: [:], reasonCommitment: nil)
        e.entries.insert(forged.bytes, at: 5)
        try e.write(dir)
        f.verify(dir).assertFails(index: 5, mentioning: "not kari's key")
    }

    func testAForgedEntrySignedByAMemberAtAWrongIndex() throws {
        let dir = try f.copy(clean)
        var e = try ExportedEntries(dir)
        let model = try e.parsed(8)
        let forged = try LogEntry.sign(vaultID: model.vaultID, index: 3, time: model.time, actor: "kari", key: f.t.identity("kari").signingKey,
                                       action: "case.read", caseID: f.caseID, fields: [], detail: [:], reasonCommitment: nil)
        e.entries.insert(forged.bytes, at: 8)
        try e.write(dir)
        f.verify(dir).assertFails(index: 8, mentioning: "has index 3")
    }

    func testAMemberSignedEntryAppendedAfterTheCheckpoint() throws {
        // Right index, right key, but no checkpoint covers it: only refused attempts may trail the checkpoint.
        let dir = try f.copy(clean)
        var e = try ExportedEntries(dir)
        let last = try e.parsed(n - 1)
        let forged = try LogEntry.sign(vaultID: last.vaultID, index: UInt64(n), time: last.time, actor: "kari", key: f.t.identity("kari").signingKey,
                                       action: "case.read", caseID: f.caseID, fields: [], detail: [:], reasonCommitment: nil)
        e.entries.append(forged.bytes)
        try e.write(dir)
        f.verify(dir).assertFails(index: UInt64(n), mentioning: "not covered by the checkpoint")
    }

    func testARevokedMemberIsNotAcceptedAfterTheRevocation() throws {
        let lina = try f.t.session("lina")
        _ = try lina.revoke(id: "nils", kind: .member)
        // An insider appends with nils's real key after the revocation, through the vault's own path.
        let state = try f.vault.state()
        try f.vault.write { db in
            try f.vault.appendLog(db, state: state, actor: "nils", key: f.t.identity("nils").signingKey, checkpoint: true,
                                  action: "case.list", caseID: nil, fields: [], detail: [:], reason: nil)
        }
        let forgedIndex = try f.vault.logEntryCount() - 1
        let dir = try f.export()
        f.verify(dir).assertFails(index: UInt64(forgedIndex), mentioning: "nils")
    }

    func testTimeGoingBackwards() throws {
        let dir = try f.copy(clean)
        var e = try ExportedEntries(dir)
        let model = try e.parsed(6)
        // kari re-signs her own entry 6 with a time before entry 5: a valid signature, a wrong order.
        let earlier = Timestamp(seconds: try e.parsed(5).time.seconds - 3600)
        let forged = try LogEntry.sign(vaultID: model.vaultID, index: 6, time: earlier, actor: model.actor, key: f.t.identity(model.actor).signingKey,
                                       action: model.action, caseID: model.caseID, fields: model.fields,
                                       detail: Dictionary(uniqueKeysWithValues: model.detail.map { ($0.key, $0.value) }), reasonCommitment: model.reasonCommitment)
        e.entries[6] = forged.bytes
        try e.write(dir)
        f.verify(dir).assertFails(index: 6, mentioning: "earlier than entry 5")
    }

    func testCuttingTheLastEntriesWithoutAnAnchor() throws {
        // Cut, checkpoint kept: the checkpoint names entries the export no longer holds.
        let k = 2
        let dir = try f.copy(clean)
        var e = try ExportedEntries(dir)
        e.entries.removeLast(k)
        try e.write(dir)
        f.verify(dir).assertFails(index: UInt64(n - k), mentioning: "is missing")

        // Cut and the matching older checkpoint put back: consistent in itself, so undetectable
        // without an outside anchor (SECURITY.md says so) — and caught as soon as one is given.
        try Data(try f.storedCheckpoint(size: UInt64(n - k))).write(to: URL(fileURLWithPath: dir + "/checkpoint"))
        XCTAssertNoThrow(try f.verify(dir).report())
        let anchor = try Data(contentsOf: URL(fileURLWithPath: clean + "/checkpoint"))
        f.verify(dir, .init(since: [UInt8](anchor))).assertFails(index: UInt64(n - k), mentioning: "the log was cut")
    }

    func testACheckpointRolledBack() throws {
        let dir = try f.copy(clean)
        let older = 9  // kari's read: a member entry (the resident's read after it needs no checkpoint of its own)
        XCTAssertNotEqual(try ExportedEntries(dir).parsed(older).actor, LogEntry.unknownActor)
        try Data(try f.storedCheckpoint(size: UInt64(older))).write(to: URL(fileURLWithPath: dir + "/checkpoint"))
        // The entries after it include member entries, which always come with their own checkpoint.
        f.verify(dir).assertFails(index: UInt64(older), mentioning: "rolled back")
        // With the auditor's saved checkpoint the rollback is named as such.
        let saved = [UInt8](try Data(contentsOf: URL(fileURLWithPath: clean + "/checkpoint")))
        var e = try ExportedEntries(dir)
        e.entries.removeLast(n - older)
        try e.write(dir)
        f.verify(dir, .init(since: saved)).assertFails(index: UInt64(older), mentioning: "the log was cut")
    }

    func testACheckpointOlderThanTheAuditorsSavedOne() throws {
        let newer = try f.export()
        let saved = [UInt8](try Data(contentsOf: URL(fileURLWithPath: newer + "/checkpoint")))
        // The first export's checkpoint is a valid one, just older than the anchor.
        f.verify(clean, .init(since: saved)).assertFails(index: UInt64(n), mentioning: "is missing")
        XCTAssertNoThrow(try f.verify(newer, .init(since: [UInt8](try Data(contentsOf: URL(fileURLWithPath: clean + "/checkpoint"))))).report())
    }

    func testSizeOrRootAlteredUnderAKeptSignature() throws {
        let note = try SignedNote.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: clean + "/checkpoint"))))
        let cp = try Checkpoint.parse(note.text)
        var otherRoot = cp.rootHash
        otherRoot[0] ^= 1
        for body in [try Checkpoint(origin: cp.origin, size: cp.size - 1, rootHash: cp.rootHash).body,
                     try Checkpoint(origin: cp.origin, size: cp.size, rootHash: otherRoot).body] {
            let dir = try f.copy(clean)
            let altered = try SignedNote(text: body, signatures: note.signatures)
            try Data(altered.bytes).write(to: URL(fileURLWithPath: dir + "/checkpoint"))
            f.verify(dir).assertFails(index: nil, mentioning: "does not verify")
        }
    }

    func testACheckpointSignedOnlyByAnUnknownKey() throws {
        let note = try SignedNote.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: clean + "/checkpoint"))))
        let stranger = try SigningSecretKey.generate()
        // Under a name of its own, and under a member's name (a different key gives a different key ID).
        for name in ["casevault.invalid/member/someone", LogNames.memberKeyName(vault: f.vault.vaultID, member: "anne")] {
            let dir = try f.copy(clean)
            try Data(try SignedNote.sign(text: note.text, signers: [NoteSigner(name: name, secretKey: stranger)])).write(to: URL(fileURLWithPath: dir + "/checkpoint"))
            f.verify(dir).assertFails(index: nil, mentioning: "no signature by a member")
        }
    }

    func testACheckpointSignedByAMemberWhoseEntryItDoesNotEnd() throws {
        // kari signs a correct checkpoint body: she is a member, but the last entry is anne's export.
        let note = try SignedNote.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: clean + "/checkpoint"))))
        let dir = try f.copy(clean)
        try Data(try f.signCheckpoint(note.text, as: "kari")).write(to: URL(fileURLWithPath: dir + "/checkpoint"))
        XCTAssertNoThrow(try f.verify(dir).report(), "any active member may sign; the root is what binds the entries")
        // A revoked or recipient key may not.
        let stranger = try SigningSecretKey.generate()
        try Data(try SignedNote.sign(text: note.text, signers: [NoteSigner(name: LogNames.memberKeyName(vault: f.vault.vaultID, member: "ghost"), secretKey: stranger)]))
            .write(to: URL(fileURLWithPath: dir + "/checkpoint"))
        f.verify(dir).assertFails(index: nil)
    }

    func testARosterEditedOrMissing() throws {
        let dir = try f.copy(clean)
        let path = dir + "/rosters/0002.txt"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "roles contact-person", with: "roles leader")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        f.verify(dir).assertFails(index: nil, mentioning: "roster 2")

        let gone = try f.copy(clean)
        let rosters = try FileManager.default.contentsOfDirectory(atPath: gone + "/rosters").sorted()
        try FileManager.default.removeItem(atPath: gone + "/rosters/" + rosters.last!)
        // The entry that announced the last roster now names one the export does not hold.
        guard case let .failure(failure) = f.verify(gone) else { return XCTFail("a missing roster passed") }
        XCTAssertNotNil(failure.index, "\(failure)")
        XCTAssertTrue(failure.description.contains("roster \(rosters.count)"), "\(failure)")
    }

    func testAWrongRootFingerprintIsRefusedAndTheRightOneIsReported() throws {
        f.verify(clean, .init(rootFingerprint: "0000 0000 0000 0000 0000 0000 0000 0000")).assertFails(index: nil, mentioning: "fingerprint")
        let r = try f.verify(clean, .init(rootFingerprint: f.vault.rootFingerprint.replacingOccurrences(of: " ", with: "").uppercased())).report()
        XCTAssertTrue(r.rootPinned)
    }

    func testAnExportFromAnotherVaultsRootIsRefused() throws {
        // Re-root the manifest: the rosters no longer verify under it.
        let dir = try f.copy(clean)
        let other = try SigningSecretKey.generate()
        var manifest = try AuditManifest.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/vault"))))
        manifest.rootKey = other.publicKey
        try Data(manifest.text.utf8).write(to: URL(fileURLWithPath: dir + "/vault"))
        f.verify(dir).assertFails(index: nil, mentioning: "roster 1")
    }

    func testMalformedExportFiles() throws {
        let dir = try f.copy(clean)
        try Data("casevault-audit-entries v2\n".utf8).write(to: URL(fileURLWithPath: dir + "/entries"))
        f.verify(dir).assertFails(index: nil, .malformed, mentioning: "version")
        try FileManager.default.removeItem(atPath: dir + "/entries")
        f.verify(dir).assertFails(index: nil, .malformed, mentioning: "missing")
        let v = try f.copy(clean)
        try Data("casevault-audit-export v9\n".utf8).write(to: URL(fileURLWithPath: v + "/vault"))
        f.verify(v).assertFails(index: nil, .malformed, mentioning: "not supported")
    }
}
