import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import CaseVaultSamples
import Foundation
import GRDB
import SodiumKit
import XCTest

/// Recovery by 2 of 3 trustees of a case whose only contact person's key is gone.
final class RecoveryTests: XCTestCase {
    /// Trustees anne (auditor), nils (night shift) and lina (leader, root holder), 2 of 3; kari
    /// writes a case, then loses her key; lina revokes her and assigns karl in her place.
    private func orphanedCase() throws -> (TestVault, CaseID, expected: [String: FieldValue]) {
        let (t, id, expected, _) = try orphanedCaseWithBefore()
        return (t, id, expected)
    }

    /// Also what karl reads before any recovery (the fields his role reads centre-wide, if any).
    private func orphanedCaseWithBefore() throws -> (TestVault, CaseID, expected: [String: FieldValue], before: [String: FieldValue]) {
        let t = try TestVault()
        let setup = try t.session("lina").setUpRecovery(trustees: ["anne", "nils", "lina"], threshold: 2)
        XCTAssertEqual(setup.epoch, 1)
        XCTAssertEqual(setup.wraps, 3)
        let id = try t.sampleCase()
        let kariSaw = try t.session("kari").showCase(id).fields
        _ = try t.session("lina").revoke(id: "kari", kind: .member)
        try t.session("lina").assign(id, memberID: "karl", role: .contactPerson)
        let before = try t.session("karl").showCase(id).fields
        XCTAssertNil(before["person.legal_name"], "before recovery karl does not read the legal name (the leader, who assigned him, does not either)")
        return (t, id, kariSaw, before)
    }

    func testTwoOfThreeTrusteesRecoverACaseWhoseOnlyReaderKeyIsGone() throws {
        let (t, id, expected, before) = try orphanedCaseWithBefore()
        let request = try t.session("lina").requestRecovery(id, for: "karl", trustees: ["anne", "nils"])
        XCTAssertEqual(request.subset, ["anne", "nils"])
        XCTAssertEqual(try t.session("anne").approveRecovery(request.id), .handedOn(next: "nils"))
        guard case let .recovered(released, stillSealed, rotated) = try t.session("nils").approveRecovery(request.id) else {
            return XCTFail("the second trustee completes the recovery")
        }
        XCTAssertGreaterThan(released, 0)
        XCTAssertEqual(stillSealed, 0)
        XCTAssertNil(rotated, "nils holds no root key: rotation is left to the root holder")
        let karlReads = try t.session("karl").showCase(id).fields
        XCTAssertGreaterThan(karlReads.count, before.count + 5)
        for (path, value) in karlReads { XCTAssertEqual(value, expected[path], path) }
        XCTAssertEqual(karlReads["person.legal_name"], expected["person.legal_name"])
        // A further approval is refused: the request is complete.
        TestVault.assertFails([.refused], "approve after completion") { try t.session("anne").approveRecovery(request.id) }
    }

    func testRecoveryWithTheRootHolderLastRotatesTheEpoch() throws {
        let (t, id, _) = try orphanedCase()
        let request = try t.session("lina").requestRecovery(id, for: "karl", trustees: ["nils", "lina"])
        _ = try t.session("nils").approveRecovery(request.id)
        guard case let .recovered(_, _, rotated) = try t.session("lina").approveRecovery(request.id) else { return XCTFail("not recovered") }
        XCTAssertEqual(rotated, 2)
        // Versions written from now on carry the new epoch's envelope.
        try t.session("karl").updateCase(id, patchText: "set: {case.status: closed}\n")
        let head = try RawDatabase(t).latest(id)
        XCTAssertTrue(head.classes.allSatisfy { $0.envelopes.contains { $0.member == "recovery#2" } })
        XCTAssertFalse(head.classes.contains { $0.envelopes.contains { $0.member == "recovery#1" } })
    }

    func testOneTrusteeAloneCannotRecover() throws {
        let (t, id, _) = try orphanedCase()
        let request = try t.session("lina").requestRecovery(id, for: "karl", trustees: ["anne", "nils"])
        XCTAssertEqual(try t.session("anne").approveRecovery(request.id), .handedOn(next: "nils"))
        TestVault.assertFails([.refused], "a second approval by the same trustee") { try t.session("anne").approveRecovery(request.id) }
        TestVault.assertFails([.accessDenied], "a trustee outside the subset") { try t.session("lina").approveRecovery(request.id) }
        XCTAssertNil(try t.session("karl").showCase(id).fields["person.legal_name"])
        let raw = try RawDatabase(t)
        XCTAssertEqual(try raw.count("released_keys"), 0)
        // With her own key anne opens one layer of each wrap she is in, and never a second one:
        // what is left is sealed to another trustee, so she holds no seed and no class key.
        let anne = t.identity("anne").boxKey
        let wraps = try raw.queue.read { db in try Data.fetchAll(db, sql: "SELECT wrap FROM escrow_wraps").map { [UInt8]($0) } }
        let peels = try raw.queue.read { db in try Data.fetchAll(db, sql: "SELECT blob FROM recovery_peels").map { [UInt8]($0) } }
        XCTAssertEqual(wraps.count, 3)
        for blob in wraps + peels {
            guard let inner = try? SealedBox.open(blob, with: anne) else { continue }
            let bytes = inner.withUnsafeBytes { [UInt8]($0) }
            XCTAssertNotEqual(bytes.count, 32, "a single layer never yields the seed")
            XCTAssertThrowsError(try SealedBox.open(bytes, with: anne))
        }
    }

    func testTheRequestIsInTheLogBeforeTheFirstLayerIsPeeled() throws {
        let (t, id, _) = try orphanedCase()
        let request = try t.session("lina").requestRecovery(id, for: "karl", trustees: ["anne", "nils"])
        let raw = try RawDatabase(t)
        XCTAssertEqual(try raw.count("recovery_peels"), 0)
        XCTAssertEqual(try raw.count("released_keys"), 0)
        _ = try t.session("anne").approveRecovery(request.id)
        _ = try t.session("nils").approveRecovery(request.id)
        let actions = try raw.queue.read { db in
            try Row.fetchAll(db, sql: "SELECT idx, entry FROM log_entries ORDER BY idx").compactMap { row -> (Int64, String)? in
                let text = String(decoding: row["entry"] as Data, as: UTF8.self)
                guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("action recovery.") }) else { return nil }
                return (row["idx"], String(line.dropFirst("action ".count)))
            }
        }
        XCTAssertEqual(actions.map(\.1), ["recovery.setup", "recovery.request", "recovery.approve", "recovery.peel", "recovery.approve", "recovery.complete"])
        let requestIndex = try XCTUnwrap(actions.first { $0.1 == "recovery.request" }?.0)
        let stored = try XCTUnwrap(raw.queue.read { db in try Int64.fetchOne(db, sql: "SELECT log_idx FROM escrow_requests") })
        XCTAssertEqual(stored, requestIndex)
        XCTAssertLessThan(requestIndex, try XCTUnwrap(actions.first { $0.1 == "recovery.peel" }?.0))
    }

    func testARequestWhoseLogEntryIsMissingIsNotPeeled() throws {
        let (t, id, _) = try orphanedCase()
        let request = try t.session("lina").requestRecovery(id, for: "karl", trustees: ["anne", "nils"])
        let raw = try RawDatabase(t)
        // Point the request at another entry, as if its own had never been logged.
        try raw.execute("UPDATE escrow_requests SET log_idx = 0")
        TestVault.assertFails([.refused], "approve an unlogged request") { try t.session("anne").approveRecovery(request.id) }
        XCTAssertEqual(try raw.count("recovery_peels"), 0)
        XCTAssertEqual(try raw.count("escrow_statements"), 0)
    }

    func testOnlyALeaderRequestsAndTheNewReaderMustReachTheCase() throws {
        let (t, id, _) = try orphanedCase()
        TestVault.assertFails([.accessDenied], "request by a non-leader") { try t.session("karl").requestRecovery(id, for: "karl") }
        TestVault.assertFails([.refused], "request for someone not assigned") { try t.session("lina").requestRecovery(id, for: "anne") }
    }

    func testVersionsWrittenBeforeSetupHaveNoRecoveryEnvelope() throws {
        let t = try TestVault()
        let id = try t.sampleCase()
        XCTAssertFalse(try RawDatabase(t).latest(id).classes.isEmpty)
        XCTAssertFalse(try RawDatabase(t).decoded(id).flatMap(\.classes).contains { $0.envelopes.contains { $0.member.hasPrefix("recovery#") } })
        _ = try t.session("lina").setUpRecovery(trustees: ["anne", "nils"], threshold: 2)
        TestVault.assertFails([.refused], "recovery of a case written before setup") { try t.session("lina").requestRecovery(id, for: "kari") }
        try t.session("kari").updateCase(id, patchText: "set: {case.status: closed}\n")
        let head = try RawDatabase(t).latest(id)
        XCTAssertTrue(head.classes.allSatisfy { $0.envelopes.contains { $0.member == "recovery#1" } })
    }

    func testSetupNeedsTheRootKeyAndSensibleNumbers() throws {
        let t = try TestVault()
        TestVault.assertFails([.accessDenied], "setup without the root key") { try t.session("kari").setUpRecovery(trustees: ["anne", "nils"], threshold: 2) }
        TestVault.assertFails([.invalidInput], "threshold 1") { try t.session("lina").setUpRecovery(trustees: ["anne", "nils"], threshold: 1) }
        TestVault.assertFails([.invalidInput], "threshold above n") { try t.session("lina").setUpRecovery(trustees: ["anne", "nils"], threshold: 3) }
        TestVault.assertFails([.notFound], "unknown trustee") { try t.session("lina").setUpRecovery(trustees: ["anne", "zed"], threshold: 2) }
        XCTAssertEqual(try RawDatabase(t).count("escrow_keys"), 0)
    }

    func testATamperedKeyRecordIsRefused() throws {
        let t = try TestVault()
        _ = try t.session("lina").setUpRecovery(trustees: ["anne", "nils"], threshold: 2)
        let raw = try RawDatabase(t)
        // A different public key, as someone with write access to the file would put there.
        let other = Hex.encode(try BoxSecretKey.generate().publicKey.bytes)
        let text = try XCTUnwrap(raw.text("SELECT record FROM escrow_keys"))
        let forged = text.split(separator: "\n").map { $0.hasPrefix("public-key ") ? "public-key \(other)" : String($0) }.joined(separator: "\n") + "\n"
        try raw.execute("UPDATE escrow_keys SET record = ?", [forged])
        TestVault.assertFails([.authenticationFailed], "a forged recovery key") { try t.session("kari").createCase(recordText: SampleCase.yaml) }
    }
}
