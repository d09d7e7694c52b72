import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import CaseVaultSamples
import Foundation
import GRDB
import SodiumKit
import XCTest

/// An assignment takes effect at once through grants: class keys sealed to the new member by
/// whoever holds them, never a rewritten field ciphertext. Forged, moved or changed grants,
/// and grants to members not entitled, open nothing and are reported.
final class GrantTests: XCTestCase {
    private var t: TestVault!
    private var raw: RawDatabase!
    private var caseID: CaseID!

    override func setUpWithError() throws {
        t = try TestVault()
        caseID = try t.sampleCase()
        raw = try t.raw()
    }

    override func tearDown() {
        raw = nil
        t = nil
    }

    // MARK: - Helpers

    private func fields(_ member: String) throws -> [String: FieldValue] { try t.session(member).showCase(caseID).fields }

    private func grantCount(to member: String) throws -> Int {
        try raw.queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM case_grants WHERE recipient = ?", arguments: [member]) ?? 0 }
    }

    private func hints() throws -> [String] {
        try raw.queue.read { db in try String.fetchAll(db, sql: "SELECT member FROM pending_grants ORDER BY member") }
    }

    /// The head's key that holds `path`, its commitment, and the key itself as `kari` opens it.
    private func classKey(of path: String) throws -> (ref: CaseVersion.KeyRef, commitment: [UInt8], key: SymmetricKey) {
        let chain = try raw.decoded(caseID)
        let ref = try XCTUnwrap(chain.last?.fields.first { $0.path == path }).key
        let cls = try XCTUnwrap(chain[Int(ref.generation - 1)].classes.first { $0.index == ref.index })
        let envelope = try XCTUnwrap(cls.envelopes.first { $0.member == "kari" }, "kari holds \(path)'s key by an envelope")
        return (ref, cls.commitment, try SymmetricKey(secret: try SealedBox.open(envelope.sealedKey, with: t.identity("kari").boxKey)))
    }

    /// Writes a grant straight into the store, signed by `signer` (the granter's key unless given).
    private func forge(_ path: String, to recipient: String, by granter: String, signer: String? = nil, key: SymmetricKey? = nil,
                       basis: GrantBasis = .holder) throws {
        let c = try classKey(of: path)
        let roster = try t.vault.roster()
        let g = try CaseGrant.make(vaultID: t.vault.vaultID, caseID: caseID, key: c.ref, commitment: c.commitment, classKey: key ?? c.key,
                                   recipient: try XCTUnwrap(roster.entry(recipient)), granter: granter, basis: basis, created: t.clock.now(),
                                   signer: t.identity(signer ?? granter).signer)
        try t.vault.write { db in try db.saveCaseGrant(g) }
    }

    /// The leader assigns karl: only what the leader holds is granted at once.
    private func leaderAssignsKarl() throws -> Int {
        try t.session("lina").assign(caseID, memberID: "karl", role: .contactPerson).stillSealed
    }

    // MARK: - Assignments take effect at once

    func testSubstituteAssignedByTheContactPersonReadsTheFullRecordAtOnce() throws {
        let r = try t.session("kari").assign(caseID, memberID: "karl", role: .contactPerson)
        XCTAssertEqual(r.stillSealed, 0)
        XCTAssertGreaterThan(try grantCount(to: "karl"), 0, "karl reads through grants, not re-sealed fields")
        let opened = try t.session("karl").showCase(caseID)
        XCTAssertEqual(opened.fields, try fields("kari"))
        XCTAssertEqual(opened.sealedPaths, [])
        XCTAssertEqual(opened.refusedGrants, [])
        XCTAssertEqual(try t.session("lina").listCases().first?.pendingGrants, [])
        XCTAssertEqual(try hints(), [])
    }

    func testSubstituteAssignedByTheLeaderWaitsForTheContactPersonsClient() throws {
        let waiting = try leaderAssignsKarl()
        XCTAssertGreaterThan(waiting, 0)
        let before = try t.session("karl").showCase(caseID)
        XCTAssertFalse(before.sealedPaths.isEmpty, "the leader cannot grant what the leader cannot read")
        XCTAssertNil(before.fields["person.legal_name"])
        let pending = try XCTUnwrap(t.session("lina").listCases().first).pendingGrants
        XCTAssertEqual(pending.map(\.member), ["karl"])
        XCTAssertGreaterThan(pending[0].classes, 0)
        XCTAssertEqual(try hints(), ["karl"])

        // Night shift holds only some of the missing keys (the children's aliases): its client
        // grants those, and the hint stays for the rest.
        XCTAssertEqual(try t.session("nils").completePendingGrants(), 1)
        XCTAssertEqual(try hints(), ["karl"])
        XCTAssertNil(try fields("karl")["person.legal_name"])

        // The case's contact person runs any command: the session's start completes the grants.
        XCTAssertGreaterThan(try t.session("kari").completePendingGrants(), 0)
        XCTAssertEqual(try hints(), [])
        XCTAssertEqual(try fields("karl"), try fields("kari"))
        XCTAssertEqual(try t.session("karl").showCase(caseID).sealedPaths, [])
        XCTAssertEqual(try XCTUnwrap(t.session("lina").listCases().first).pendingGrants, [])
        let grantEntries = try t.session("lina").auditLog(filter: AuditFilter()).filter { $0.action == LogAction.caseGrant.rawValue }
        XCTAssertEqual(grantEntries.map(\.actor), ["lina", "nils", "kari"])
        XCTAssertTrue(grantEntries.allSatisfy { $0.detail.contains { $0 == ("recipient", "karl") } && $0.caseID == caseID })
    }

    func testGrantsLeaveEveryFieldCiphertextUntouched() throws {
        let before = try raw.rows(caseID)
        _ = try leaderAssignsKarl()
        _ = try t.session("kari").completePendingGrants()
        let after = try raw.rows(caseID)
        XCTAssertEqual(Array(after.prefix(before.count)), before, "stored versions are never rewritten")
        XCTAssertEqual(after.count, before.count + 1)
        XCTAssertEqual(try CaseVersion.decode(after.last!.body).fields, try CaseVersion.decode(before.last!.body).fields,
                       "the assignment carries every field byte for byte")
        XCTAssertEqual(try fields("karl"), try fields("kari"))
    }

    /// A member who reads through a grant writes a version every reader accepts: they held the
    /// keys of what they re-seal.
    func testMemberReadingThroughGrantsCanUpdateTheCase() throws {
        try t.session("kari").assign(caseID, memberID: "karl", role: .contactPerson)
        try t.session("karl").updateCase(caseID, patchText: "set:\n  case.phase: 3\n")
        for m in ["kari", "karl", "cecilie", "lina"] { XCTAssertNoThrow(try t.session(m).showCase(caseID), m) }
        XCTAssertEqual(try fields("karl"), try fields("kari"))
    }

    // MARK: - Forged and unusable grants

    func testGrantSignedByANonHolderIsRefused() throws {
        _ = try leaderAssignsKarl()
        // The right key, sealed to karl and signed by the leader, who never held it.
        try forge("person.legal_name", to: "karl", by: "lina")
        let opened = try t.session("karl").showCase(caseID)
        XCTAssertNil(opened.fields["person.legal_name"])
        XCTAssertTrue(opened.refusedGrants.contains { $0.contains("lina did not hold the key") }, "\(opened.refusedGrants)")
        // Every reader sees the forgery, and it costs the others nothing.
        let kari = try t.session("kari").showCase(caseID)
        XCTAssertEqual(kari.fields, try TestVault.sampleFields().merging(kari.fields.filter { $0.key == "case.status" }) { $1 })
        XCTAssertEqual(kari.refusedGrants, opened.refusedGrants)
        let read = try XCTUnwrap(t.session("lina").auditLog(filter: AuditFilter(actor: "karl", action: LogAction.caseRead.rawValue)).last)
        XCTAssertTrue(read.detail.contains { $0 == ("grants-refused", "1") }, "the refusal is in the log: \(read.detail)")
    }

    func testGrantWithAnotherMembersSignatureIsRefused() throws {
        _ = try leaderAssignsKarl()
        try forge("person.legal_name", to: "karl", by: "kari", signer: "lina")
        let opened = try t.session("karl").showCase(caseID)
        XCTAssertNil(opened.fields["person.legal_name"])
        XCTAssertTrue(opened.refusedGrants.contains { $0.contains("signature does not verify") }, "\(opened.refusedGrants)")
    }

    func testGrantToAMemberNotEntitledOpensNothing() throws {
        // Night shift reaches the case but may not read the legal name: a holder's grant changes nothing.
        try forge("person.legal_name", to: "nils", by: "kari")
        let opened = try t.session("nils").showCase(caseID)
        XCTAssertNil(opened.fields["person.legal_name"])
        XCTAssertEqual(opened.refusedGrants, [], "an authentic grant to someone not entitled is ignored, not tampering")
        // A member not assigned at all does not even learn the case exists.
        try forge("person.legal_name", to: "karl", by: "kari")
        TestVault.assertFails([.notFound], "karl, granted but not assigned") { try t.session("karl").showCase(caseID) }
    }

    func testGrantsToAMemberLaterUnassignedGiveNothing() throws {
        let kari = try t.session("kari")
        try kari.assign(caseID, memberID: "karl", role: .contactPerson)
        XCTAssertGreaterThan(try grantCount(to: "karl"), 0)
        try kari.assign(caseID, memberID: "karl", role: .contactPerson, remove: true)
        TestVault.assertFails([.notFound], "karl after unassignment") { try t.session("karl").showCase(caseID) }
        let chain = try raw.decoded(caseID)
        let roster = try t.vault.roster()
        let policy = try t.vault.policy()
        let grants = try t.vault.read { db in try db.caseGrants(caseID).grants }
        let ledger = GrantLedger(vaultID: t.vault.vaultID, caseID: caseID, roster: roster, grants: grants, chain: chain)
        XCTAssertTrue(ledger.authentic.contains { $0.recipient == "karl" }, "the grants themselves are genuine")
        let usable = ledger.usableBoxes(for: try XCTUnwrap(roster.entry("karl")), head: chain.last!,
                                        access: CaseAccess(policy: policy, roster: roster, assignments: chain.last!.assignments))
        XCTAssertTrue(usable.isEmpty, "karl's grants are ignored once he is no longer assigned")
    }

    func testGrantWhoseKeyDoesNotMatchTheCommitmentIsRefused() throws {
        _ = try leaderAssignsKarl()
        try forge("person.legal_name", to: "karl", by: "kari", key: try SymmetricKey.generate())
        let opened = try t.session("karl").showCase(caseID)
        XCTAssertNil(opened.fields["person.legal_name"])
        XCTAssertTrue(opened.refusedGrants.contains { $0.contains("does not match its commitment") }, "\(opened.refusedGrants)")
    }

    func testGrantWithAnUnknownBasisIsRefused() throws {
        _ = try leaderAssignsKarl()
        let c = try classKey(of: "person.legal_name")
        let roster = try t.vault.roster()
        var g = try CaseGrant.make(vaultID: t.vault.vaultID, caseID: caseID, key: c.ref, commitment: c.commitment, classKey: c.key,
                                   recipient: try XCTUnwrap(roster.entry("karl")), granter: "kari", basis: .holder, created: t.clock.now(),
                                   signer: t.identity("kari").signer)
        g.basis = "breakglass:00"
        g.signature = try t.identity("kari").signer.signature(for: CaseGrant.signatureDomain + g.signedText(vaultID: t.vault.vaultID, commitment: c.commitment))
        try t.vault.write { db in try db.saveCaseGrant(g) }
        let opened = try t.session("karl").showCase(caseID)
        XCTAssertNil(opened.fields["person.legal_name"])
        XCTAssertTrue(opened.refusedGrants.contains { $0.contains("unknown basis breakglass:00") }, "\(opened.refusedGrants)")
    }

    func testChangedGrantRowsAreRefusedAndRestoredOnesWork() throws {
        _ = try leaderAssignsKarl()
        _ = try t.session("kari").completePendingGrants()
        let full = try fields("karl")
        let original = try raw.queue.read { db in
            try GRDB.Row.fetchAll(db, sql: "SELECT rowid, sealed, recipient, basis, generation, format FROM case_grants WHERE recipient = 'karl'")
        }
        XCTAssertFalse(original.isEmpty)
        let changes: [(String, String, (GRDB.Row) -> DatabaseValueConvertible)] = [
            ("sealed key", "sealed", { var b = [UInt8]($0["sealed"] as Data); b[b.count / 2] ^= 1; return Data(b) }),
            ("basis", "basis", { _ in "holder " }),
            ("generation", "generation", { ($0["generation"] as Int64) + 100 }),
            ("format", "format", { _ in 2 }),
        ]
        for (what, column, change) in changes {
            for row in original {
                try raw.execute("UPDATE case_grants SET \(column) = ? WHERE rowid = ?", [change(row).databaseValue, row["rowid"] as Int64])
            }
            let opened = try t.session("karl").showCase(caseID)
            XCTAssertLessThan(opened.fields.count, full.count, what)
            XCTAssertFalse(opened.refusedGrants.isEmpty, what)
            for row in original {
                try raw.execute("UPDATE case_grants SET \(column) = ? WHERE rowid = ?", [row[column] as DatabaseValue, row["rowid"] as Int64])
            }
            XCTAssertEqual(try fields("karl"), full, "\(what) restored")
        }
        // Moved to another recipient: that member's key does not open it, nor does the signature hold.
        try raw.execute("UPDATE case_grants SET recipient = 'cecilie' WHERE recipient = 'karl'")
        XCTAssertLessThan(try fields("karl").count, full.count)
    }

    /// Pending is read from the head, not the hint: with the hint deleted, the contact person's
    /// listing still completes the grants.
    func testListingCompletesPendingGrantsWithoutAHint() throws {
        _ = try leaderAssignsKarl()
        try raw.execute("DELETE FROM pending_grants")
        XCTAssertEqual(try XCTUnwrap(t.session("lina").listCases().first).pendingGrants.map(\.member), ["karl"])
        XCTAssertEqual(try XCTUnwrap(t.session("kari").listCases().first).pendingGrants, [])
        XCTAssertEqual(try fields("karl"), try fields("kari"))
    }

    /// A key that also covers paths the new role may not read cannot be granted: the child
    /// contact assigned by the leader waits for the contact person's next write for those.
    func testAKeyAlsoCoveringPathsTheRoleMayNotReadWaitsForAWriter() throws {
        let kari = try t.session("kari")
        let id = try kari.createCase(recordText: SampleCase.yaml)
        try t.session("lina").assign(id, memberID: "cecilie", role: .childContact)
        _ = try kari.completePendingGrants()
        let before = try t.session("cecilie").showCase(id)
        XCTAssertNotNil(before.fields["person.alias"], "a key the leader or kari could grant whole")
        XCTAssertNil(before.fields["children[0].school"], "sealed with the legal name under one key at version 1")
        try kari.updateCase(id, patchText: "set:\n  case.phase: 3\n")
        let after = try t.session("cecilie").showCase(id)
        XCTAssertNotNil(after.fields["children[0].school"])
        XCTAssertNil(after.fields["person.legal_name"])
    }

    /// The hint table is only a hint: a hint for a member who is not assigned grants nothing and is cleared.
    func testAHintAloneGrantsNothing() throws {
        try raw.execute("INSERT INTO pending_grants (case_id, member) VALUES (?, 'karl')", [Data(caseID.bytes)])
        XCTAssertEqual(try t.session("kari").completePendingGrants(), 0)
        XCTAssertEqual(try grantCount(to: "karl"), 0)
        XCTAssertEqual(try hints(), [])
    }
}
