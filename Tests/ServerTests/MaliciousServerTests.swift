import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import CaseVaultSamples
import CaseVaultSync
import Foundation
import SodiumKit
import XCTest

/// The server is not trusted: its operator edits the database under it, and the clients notice
/// when they pull (the replica's append-only history, its remembered log size) or when they open
/// the replica (the log follower and the client anchor, as for any vault).
final class MaliciousServerTests: XCTestCase {
    private func world() throws -> (SharedWorld, Vault, CaseID) {
        let s = try SharedWorld()
        let a = try s.join("kari")
        var id: CaseID?
        try s.command(on: a, as: "kari") { id = try $0.createCase(recordText: SharedWorld.smallCase) }
        try s.command(on: a, as: "kari") { _ = try $0.updateCase(id!, patchText: "set:\n  case.phase: 2\n") }
        return (s, a, try XCTUnwrap(id))
    }

    /// Opens the replica as the CLI does: the anchor checks the log against what this client saw.
    private func open(_ replica: Vault, _ client: TrustClient, _ id: CaseID) throws {
        try client.run(replica) { _ = try $0.showCase(id) }
    }

    /// The operator copies the database and serves each workstation its own history from then
    /// on. Each replica is consistent on its own and reads without complaint; the auditor's
    /// witness, run against both, refuses the second as a fork of what it cosigned.
    func testAServerForkingTwoWorkstationsIsCaughtByAWitnessThatSeesBoth() throws {
        let s = try SharedWorld()
        let a = try s.join("kari")
        let forkedDB = try TestPostgres(copyOf: s.db)
        let forked = try TestServer(forkedDB)
        defer { forked.stop() }
        let folders = (0..<2).map { _ in NSTemporaryDirectory() + "casevault-replica-" + UUID().uuidString }
        defer { for f in folders { try? FileManager.default.removeItem(atPath: f) } }
        func joinFork(_ member: String, _ folder: String) throws -> Vault {
            try Workstation.join(server: forked.url, vaultID: s.vaultID, rootFingerprint: s.t.vault.rootFingerprint, into: folder,
                                 member: member, keyFile: folder + "/\(member).key", signer: s.t.identity(member).signer)
        }
        let b = try joinFork("karl", folders[0])
        try s.command(on: a, as: "kari") { _ = try $0.createCase(recordText: SharedWorld.smallCase) }
        try s.command(on: b, as: "karl") { _ = try $0.createCase(recordText: SharedWorld.smallCase) }
        XCTAssertEqual(try Session(vault: a, identity: s.t.identity("kari")).listCases().count, 1, "each branch reads on its own")
        XCTAssertEqual(try Session(vault: b, identity: s.t.identity("karl")).listCases().count, 1)

        let state = NSTemporaryDirectory() + "casevault-witness-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: state) }
        let honest = try s.join("anne")
        try s.command(on: honest, as: "anne") { _ = try $0.witness(statePath: state) }
        let other = try joinFork("anne", folders[1])
        XCTAssertThrowsError(try Session(vault: other, identity: s.t.identity("anne")).witness(statePath: state)) {
            XCTAssertEqual(($0 as? VaultError)?.kind, .authenticationFailed, "\($0)")
            XCTAssertTrue("\($0)".contains("refusing to cosign"), "\($0)")
        }
    }

    func testADroppedVersionIsDetectedByAWorkstationThatJoinsLater() throws {
        let (s, _, id) = try world()
        try s.db.sql("DELETE FROM vault_rows WHERE tbl = 'case_versions' AND key LIKE '%' || chr(10) || 'i:2'")
        let late = try s.join("kari")
        let client = try TrustClient(s.t, "kari", machine: "late")
        XCTAssertThrowsError(try open(late, client, id)) { XCTAssertTrue("\($0)".contains("version"), "\($0)") }
    }

    func testARolledBackServerIsDetectedOnPull() throws {
        let (s, a, _) = try world()
        let size = try a.logEntryCount()
        // The operator restores an older copy: the last entries and their rows are gone.
        try s.db.sql("DELETE FROM vault_rows WHERE tbl = 'log_entries' AND key = 'i:\(size - 1)'")
        try s.db.sql("UPDATE vaults SET log_size = \(size - 1)")
        XCTAssertThrowsError(try s.sync(a, as: "kari")) {
            XCTAssertEqual(($0 as? VaultError)?.kind, .authenticationFailed, "\($0)")
        }
    }

    func testARewrittenEntryIsRefused() throws {
        let (s, a, _) = try world()
        // The server serves entry 3's signed bytes as entry 2, renumbered (and re-sequenced so it is pulled again).
        try s.db.sql("""
            UPDATE vault_rows SET vals = replace((SELECT vals FROM vault_rows WHERE tbl = 'log_entries' AND key = 'i:3'), '"i:3"', '"i:2"'),
            seq = 100000 WHERE tbl = 'log_entries' AND key = 'i:2'
            """)
        XCTAssertThrowsError(try s.sync(a, as: "kari")) { XCTAssertEqual(($0 as? VaultError)?.kind, .authenticationFailed, "\($0)") }
    }

    func testADeletedEntryIsRefusedAsARollback() throws {
        let (s, a, _) = try world()
        try s.db.sql("UPDATE vault_rows SET vals = NULL, seq = 100000 WHERE tbl = 'log_entries' AND key = 'i:2'")
        XCTAssertThrowsError(try s.sync(a, as: "kari")) { XCTAssertEqual(($0 as? VaultError)?.kind, .authenticationFailed, "\($0)") }
    }

    func testAnOldRosterServedToANewWorkstationIsDetected() throws {
        let s = try SharedWorld()
        let leader = try s.join("lina")
        let newcomer = try SecretIdentity.generate()
        try s.command(on: leader, as: "lina") {
            _ = try $0.addMember(id: "olga", name: "Olga", roles: [.nightShift], identity: newcomer.publicIdentity)
        }
        let newest = try s.db.sql("SELECT max(substr(key, 3)::int) FROM vault_rows WHERE tbl = 'rosters'").trimmingCharacters(in: .whitespacesAndNewlines)
        try s.db.sql("DELETE FROM vault_rows WHERE tbl = 'rosters' AND key = 'i:\(newest)'")
        s.t.remember("olga", newcomer)
        let replica = try s.join("karl")
        let client = try TrustClient(s.t, "karl", machine: "new")
        XCTAssertThrowsError(try client.run(replica) { _ = try $0.listCases() }) { XCTAssertTrue("\($0)".contains("roster"), "\($0)") }
    }

    /// Karl covered for Kari on a case (granted its keys), was taken off it (the case re-sealed
    /// without him) and now covers again (granted the new keys). The server serves his first,
    /// superseded grant in place of the newer one, re-sequenced so that it is pulled again.
    /// Karl's workstation refuses the pull as a rewrite and keeps its rows; a workstation he
    /// joins afterwards has nothing to compare the row with and takes it, but refuses the grant
    /// as tampered (its signature names the old key), so it opens nothing.
    func testASupersededGrantServedInPlaceOfTheNewerOneIsRefused() throws {
        let (s, a, id) = try world()
        func grantsToKarl() throws -> [SyncRow] { try a.replicaRows().filter { $0.table == "case_grants" && $0.key.last == .text("karl") } }
        try s.command(on: a, as: "kari") { _ = try $0.assign(id, memberID: "karl", role: .contactPerson) }
        let first = try grantsToKarl()
        try s.command(on: a, as: "kari") { _ = try $0.assign(id, memberID: "karl", role: .contactPerson, remove: true) }
        try s.command(on: a, as: "kari") { _ = try $0.assign(id, memberID: "karl", role: .contactPerson) }
        let old = try XCTUnwrap(first.first, "the first assignment granted karl keys")
        let newer = try XCTUnwrap(try grantsToKarl().first { !first.contains($0) }, "the second granted him the re-sealed keys")
        let karl = s.t.identity("karl")
        let b = try s.join("karl")
        let full = try Session(vault: b, identity: karl).showCase(id).fields
        _ = try s.sync(b, as: "karl")  // the read is logged, and pushed like any write
        let before = try b.replicaRows()

        // The old row under the newer one's key: generation and class change with it, as a row's key must match its values.
        var values = try XCTUnwrap(old.values)
        values[1] = newer.key[1]
        values[2] = newer.key[2]
        let served = String(decoding: try JSONEncoder().encode(values.map(\.wire)), as: UTF8.self)
        try s.db.sql("UPDATE vault_rows SET vals = '\(served)', seq = 100000 WHERE tbl = 'case_grants' AND key = '\(newer.keyText)'")

        XCTAssertThrowsError(try Workstation.sync(b, signer: karl.signer, pushing: false)) {
            XCTAssertEqual(($0 as? VaultError)?.kind, .authenticationFailed, "\($0)")
            XCTAssertTrue("\($0)".contains("case_grants row") && "\($0)".contains("a fork or a rewrite"), "\($0)")
        }
        XCTAssertEqual(try b.replicaRows(), before, "nothing of the refused pull is applied")
        XCTAssertEqual(try Session(vault: b, identity: karl).showCase(id).fields, full, "karl still reads through the newer grant")

        let late = try s.join("karl")
        let opened = try Session(vault: late, identity: karl).showCase(id)
        XCTAssertTrue(opened.refusedGrants.contains { $0.hasSuffix("to karl by kari: signature does not verify") }, "\(opened.refusedGrants)")
        XCTAssertLessThan(opened.fields.count, full.count, "the served grant opens nothing")
    }

    /// A break-glass release is a grant with an end: after it expired, the leader's client
    /// deleted the released keys and pushed the deletion. The server serves the deleted rows
    /// again (the table is not append-only, so the pull takes them); the expired release still
    /// opens nothing, and the next look deletes it again.
    func testAnExpiredBreakGlassReleaseServedAgainOpensNothing() throws {
        let t = try TestVault()
        let s = try SharedWorld(world: t, serverClock: t.clock)
        let leader = t.vault  // the leader's published folder: a replica like any other
        var id: CaseID?, request = ""
        let fields = ["person.legal_name", "safety.do_not_admit"]
        try s.command(on: leader, as: "lina") { _ = try $0.setUpBreakGlass() }
        try s.command(on: try s.join("kari"), as: "kari") { id = try $0.createCase(recordText: SampleCase.yaml) }
        let caseID = try XCTUnwrap(id)
        try s.command(on: leader, as: "lina") {
            request = try $0.requestBreakGlass(caseID, fields: fields, minutes: 30, reasonCode: "life-danger", reason: "Politiet melder trussel", mode: .alone)
            XCTAssertEqual(Set(try $0.showBreakGlass(request).opened.fields.keys), Set(fields))
        }
        // The operator keeps a copy of the released keys' rows.
        try s.db.sql("CREATE TABLE kept AS SELECT key, vals FROM vault_rows WHERE tbl = 'released_keys' AND vals IS NOT NULL")
        let released = try XCTUnwrap(Int(try s.db.sql("SELECT count(*) FROM kept").trimmingCharacters(in: .whitespacesAndNewlines)))
        XCTAssertGreaterThan(released, 0, "the release travelled through the server")

        t.clock.advance(seconds: 31 * 60)
        try s.command(on: leader, as: "lina") { session in
            XCTAssertThrowsError(try session.showBreakGlass(request)) { XCTAssertTrue("\($0)".contains("expired"), "\($0)") }
        }
        XCTAssertEqual(try s.db.sql("SELECT count(*) FROM vault_rows WHERE tbl = 'released_keys' AND vals IS NOT NULL")
            .trimmingCharacters(in: .whitespacesAndNewlines), "0", "the deletion was pushed")

        try s.db.sql("UPDATE vault_rows v SET vals = k.vals, seq = 100000 FROM kept k WHERE v.tbl = 'released_keys' AND v.key = k.key")
        XCTAssertEqual(try s.sync(leader, as: "lina").pulled, released, "the pull takes the served rows")
        let lina = try Session(vault: leader, identity: t.identity("lina"))
        XCTAssertThrowsError(try lina.showBreakGlass(request)) { XCTAssertTrue("\($0)".contains("expired"), "\($0)") }
        XCTAssertEqual(try leader.replicaRows().filter { $0.table == "released_keys" }, [], "and deleted again")
        XCTAssertTrue(try lina.showCase(caseID).fields.keys.filter(fields.contains).isEmpty, "nor does the case open them to the leader")
    }
}
