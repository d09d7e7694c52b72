import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import Foundation
import SodiumKit
import XCTest

/// A format-1 vault has residents on its roster: the migration step binds each to her case
/// under a fresh pseudonym and signs a roster without her.
final class ResidentMigrationTests: XCTestCase {
    func testRosterResidentsMoveToCaseBindings() throws {
        let f = try AuditFixture()
        let t = f.t
        // A format-1 roster resident, written the way the old `member add --role resident` did.
        let rut = try SecretIdentity.generate()
        let root = try XCTUnwrap(t.leader.centreRootKey)
        try t.vault.write { db in
            let state = try t.vault.loadState(db)
            var roster = state.roster
            roster.serial += 1
            roster.entries.append(RosterEntry(kind: .member, id: "rut", name: "Canary Nordmann-7f3a", roles: [.resident], identity: rut.publicIdentity,
                                              added: t.clock.now()))
            try db.insertRoster(serial: roster.serial, text: try SignedRoster(roster: roster, signedBy: root).fileText)
            try t.vault.appendLog(db, state: state, session: try t.session("lina"), action: .memberAdd, caseID: nil, fields: [],
                                  detail: ["member": "rut", "roster-serial": String(roster.serial)], reason: nil)
        }
        let kari = try t.session("kari")
        let id = try kari.createCase(recordText: "case: {type: resident, phase: 1, opened: 2026-11-20}\nperson: {alias: Lyng}\n")
        try kari.assign(id, memberID: "rut", role: .resident)
        XCTAssertEqual(try Session(vault: t.vault, identity: rut).showCase(id).fields["person.alias"], .text("Lyng"))

        let summary = try ResidentMigration.apply(try t.session("lina"))
        XCTAssertEqual(summary.bound, 1)
        XCTAssertEqual(summary.removed, 1)
        let roster = try t.vault.roster()
        XCTAssertEqual(roster.serial, summary.rosterSerial)
        XCTAssertNil(roster.entry("rut"))
        XCTAssertFalse(try String(contentsOfFile: t.directory + "/Keys/keyring.txt", encoding: .utf8).contains("Canary"))

        // Her same key now opens a session as a pseudonym bound to that case only.
        let session = try Session(vault: t.vault, identity: rut)
        XCTAssertTrue(ResidentBinding.isPseudonym(session.member.id))
        XCTAssertEqual(session.residentCase, id)
        let latest = try kari.showCase(id).latest
        XCTAssertTrue(latest.assignments.contains(CaseVersion.Assignment(member: session.member.id, role: Role.resident.rawValue)))
        XCTAssertFalse(latest.assignments.contains { $0.member == "rut" })
        _ = try session.showCase(id)
        _ = try session.accessReport(caseID: id)
        // Once the contact person writes, what she may read is sealed to the pseudonym again.
        try kari.updateCase(id, patchText: "set:\n  case.phase: 2\n")
        XCTAssertEqual(try session.showCase(id).fields["person.alias"], .text("Lyng"))
        XCTAssertNoThrow(try f.verify(try f.export()).report())
        // Running it again finds nobody to move.
        XCTAssertEqual(try ResidentMigration.apply(try t.session("lina")), ResidentMigration.Summary())
    }
}
