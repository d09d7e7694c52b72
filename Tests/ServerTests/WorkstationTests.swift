@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import CaseVaultSync
import Foundation
import SodiumKit
import XCTest

/// Workstations writing through one server: every push continues the log at the server's head;
/// one that was overtaken is refused whole, undone on its replica and run again.
final class WorkstationTests: XCTestCase {
    func testTwoWorkstationsWritingDifferentCasesBothLand() throws {
        let s = try SharedWorld()
        let a = try s.join("kari"), b = try s.join("karl")
        var ids: [CaseID] = []
        // b writes without having seen a's case: its first push is refused, the retry lands.
        _ = try Workstation.sync(b, signer: s.t.identity("karl").signer, pushing: false)
        let snapshotB = try ReplicaSnapshot(vault: b, keyFile: nil)
        try s.command(on: a, as: "kari") { ids.append(try $0.createCase(recordText: SharedWorld.smallCase)) }
        _ = try Session(vault: b, identity: s.t.identity("karl")).createCase(recordText: SharedWorld.smallCase)
        XCTAssertThrowsError(try s.sync(b, as: "karl")) { XCTAssertEqual(($0 as? SyncFailure)?.kind, .headMoved) }
        try snapshotB.restore()
        try s.command(on: b, as: "karl") { ids.append(try $0.createCase(recordText: SharedWorld.smallCase)) }

        _ = try s.sync(a, as: "kari")
        _ = try s.sync(b, as: "karl")
        XCTAssertEqual(try a.replicaRows(), try b.replicaRows(), "both replicas hold the same vault")
        XCTAssertEqual(try a.logEntryCount(), try b.logEntryCount())
        XCTAssertEqual(Set(try Session(vault: a, identity: s.t.identity("kari")).listCases().map(\.caseID)), [ids[0]])
        XCTAssertEqual(Set(try Session(vault: b, identity: s.t.identity("karl")).listCases().map(\.caseID)), [ids[1]])
    }

    /// Case documents do not travel to a server yet: a vault holding one is not published (and
    /// the server is never contacted), so no document stays behind on one computer unseen.
    func testAVaultHoldingADocumentIsNotPublished() throws {
        let t = try TestVault()
        let caseID = try t.session("kari").createCase(recordText: SharedWorld.smallCase)
        var pdf = Array("%PDF-1.7\nsamtykke".utf8)
        _ = try t.session("kari").addDocument(caseID, content: try SecureBytes(consuming: &pdf), title: "Samtykke")
        XCTAssertThrowsError(try Workstation.publish(t.vault, server: "http://127.0.0.1:9", member: "lina", keyFile: t.directory + "/lina.key",
                                                     signer: t.identity("lina").signer)) { error in
            XCTAssertTrue("\(error)".contains("1 case document(s)"), "\(error)")
        }
        XCTAssertNil(try ReplicaLink.load(in: t.vault.directory), "the vault stays a single-file vault")
    }

    func testTwoWorkstationsWritingTheSameCaseKeepBothChanges() throws {
        let s = try SharedWorld()
        let a = try s.join("kari"), c = try s.join("kari")
        var id: CaseID?
        try s.command(on: a, as: "kari") { id = try $0.createCase(recordText: SharedWorld.smallCase) }
        let caseID = try XCTUnwrap(id)
        _ = try s.sync(c, as: "kari")

        // Both start from the same head; c's push comes second and is refused, then retried on top of a's.
        let snapshotC = try ReplicaSnapshot(vault: c, keyFile: nil)
        try s.command(on: a, as: "kari") { _ = try $0.updateCase(caseID, patchText: "set:\n  case.phase: 2\n") }
        _ = try Session(vault: c, identity: s.t.identity("kari")).addNote(caseID, text: "Ringte kl. 02:10")
        XCTAssertThrowsError(try s.sync(c, as: "kari")) { XCTAssertEqual(($0 as? SyncFailure)?.kind, .headMoved) }
        try snapshotC.restore()
        try s.command(on: c, as: "kari") { _ = try $0.addNote(caseID, text: "Ringte kl. 02:10") }

        _ = try s.sync(a, as: "kari")
        let opened = try Session(vault: a, identity: s.t.identity("kari")).showCase(caseID)
        XCTAssertEqual(opened.fields["case.phase"], .integer(2))
        XCTAssertTrue(opened.fields.values.contains(.text("Ringte kl. 02:10")), "the note written second is there too")
        _ = try s.sync(a, as: "kari")  // the read above is logged, and pushed like any write
        _ = try s.sync(c, as: "kari")
        let ra = Set(try a.replicaRows()), rc = Set(try c.replicaRows())
        XCTAssertTrue(ra == rc, "only on a: \(ra.subtracting(rc).map { "\($0.table) \($0.keyText)" }); only on c: \(rc.subtracting(ra).map { "\($0.table) \($0.keyText)" })")
    }

    /// Three workstations at once: two add notes to the same case, the third opens cases of its
    /// own. Every write lands once (each overtaken push is undone and run again on top), and
    /// the three replicas end up holding the same vault.
    func testThreeWorkstationsWritingTheSameAndOtherCasesAtOnceAllLand() throws {
        let s = try SharedWorld()
        let a = try s.join("kari"), b = try s.join("kari"), c = try s.join("karl")
        var created: CaseID?
        try s.command(on: a, as: "kari") { created = try $0.createCase(recordText: SharedWorld.smallCase) }
        let caseID = try XCTUnwrap(created)
        let errors = Box<[String]>()
        errors.value = []
        DispatchQueue.concurrentPerform(iterations: 3) { i in
            do {
                for n in 0..<3 {
                    switch i {
                    case 0: try s.command(on: a, as: "kari") { _ = try $0.addNote(caseID, text: "fra a \(n)") }
                    case 1: try s.command(on: b, as: "kari") { _ = try $0.addNote(caseID, text: "fra b \(n)") }
                    default: try s.command(on: c, as: "karl") { _ = try $0.createCase(recordText: SharedWorld.smallCase) }
                    }
                }
            } catch { errors.value = (errors.value ?? []) + ["workstation \(i): \(error)"] }
        }
        XCTAssertEqual(errors.value ?? [], [])
        // Reads are logged and pushed like writes, so each is a command of its own.
        var notes: [FieldValue] = []
        try s.command(on: a, as: "kari") { notes = Array(try $0.showCase(caseID).fields.values) }
        for text in ["fra a 0", "fra a 1", "fra a 2", "fra b 0", "fra b 1", "fra b 2"] {
            XCTAssertEqual(notes.filter { $0 == .text(text) }.count, 1, "\(text) is in the case once")
        }
        var karls = 0
        try s.command(on: c, as: "karl") { karls = try $0.listCases().count }
        XCTAssertEqual(karls, 3)
        for (replica, member) in [(a, "kari"), (b, "kari"), (c, "karl")] { _ = try s.sync(replica, as: member) }
        XCTAssertEqual(try a.replicaRows(), try b.replicaRows())
        XCTAssertEqual(try a.replicaRows(), try c.replicaRows())
    }

    func testAJoinIsRefusedUnlessTheRootFingerprintIsTheOneReadOut() throws {
        let s = try SharedWorld()
        let other = try SecretIdentity.generate(withCentreRoot: true)
        let wrong = Fingerprint.root(try XCTUnwrap(other.centreRootKey).publicKey)
        XCTAssertThrowsError(try Workstation.join(server: s.server.url, vaultID: s.vaultID, rootFingerprint: wrong,
                                                  into: NSTemporaryDirectory() + "casevault-replica-" + UUID().uuidString, member: "kari",
                                                  keyFile: "/nonexistent", signer: s.t.identity("kari").signer)) {
            XCTAssertEqual(($0 as? VaultError)?.kind, .authenticationFailed)
        }
    }

    func testTwoServeProcessesOnOneDatabaseSequenceOneLog() throws {
        let s = try SharedWorld()
        let second = try TestServer(s.db)
        defer { second.stop() }
        let a = try s.join("kari")
        let dir = NSTemporaryDirectory() + "casevault-replica-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let b = try Workstation.join(server: second.url, vaultID: s.vaultID, rootFingerprint: s.t.vault.rootFingerprint, into: dir,
                                     member: "karl", keyFile: dir + "/karl.key", signer: s.t.identity("karl").signer)
        // Writers on both servers at once: each push is sequenced under the vault's row lock.
        let errors = Box<[String]>()
        errors.value = []
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            do {
                for _ in 0..<3 {
                    if i == 0 { try s.command(on: a, as: "kari") { _ = try $0.createCase(recordText: SharedWorld.smallCase) } }
                    else { try s.command(on: b, as: "karl") { _ = try $0.createCase(recordText: SharedWorld.smallCase) } }
                }
            } catch { errors.value = (errors.value ?? []) + ["\(error)"] }
        }
        XCTAssertEqual(errors.value ?? [], [])
        _ = try s.sync(a, as: "kari")
        _ = try Workstation.sync(b, signer: s.t.identity("karl").signer)
        XCTAssertEqual(try a.replicaRows(), try b.replicaRows())
        XCTAssertEqual(try s.db.sql("SELECT log_size FROM vaults").trimmingCharacters(in: .whitespacesAndNewlines), String(try a.logEntryCount()))
    }
}
