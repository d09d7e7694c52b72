import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import CaseVaultSamples
import Foundation
import SodiumKit
import XCTest

/// The member's sealed index of listed cases: a second listing takes unchanged cases from it,
/// a changed case is opened again, and an index that is altered, forged or out of date is
/// never believed. The shown fields never lie on disk in clear.
final class ListIndexTests: XCTestCase {
    private func indexPath(_ c: TrustClient, _ listing: String = "list") -> String {
        ListIndex.path(forKeyFile: c.keyFile, vault: c.t.vault.vaultID, listing: listing)
    }

    private func aliases(_ summaries: [CaseSummary]) -> [CaseID: String] {
        summaries.reduce(into: [:]) { out, s in
            if case let .text(alias) = s.glance["person.alias"] { out[s.caseID] = alias } else { out[s.caseID] = "-" }
        }
    }

    func testASecondListingServesAnUnchangedCaseFromTheIndexAndShowStillCatchesAReplacedVersion() throws {
        let t = try TestVault()
        let id = try t.sampleCase()
        let nils = try TrustClient(t, "nils")
        let first = try nils.run { try $0.listCases() }
        let bytes = try XCTUnwrap(FileManager.default.contents(atPath: indexPath(nils)))
        XCTAssertNil(bytes.range(of: Data("Blåklokke".utf8)), "the alias lies on disk in clear")
        XCTAssertEqual(try XCTUnwrap(FileManager.default.attributesOfItem(atPath: indexPath(nils))[.posixPermissions] as? Int), 0o600)
        // The head's bytes replaced in the database: the listing shows what it verified at the
        // logged head without reading them again; opening the case finds the replacement.
        let raw = try t.raw()
        let head = try XCTUnwrap(raw.rows(id).last)
        var signature = head.signature
        signature[0] ^= 1
        try raw.replace(id, version: head.version, signature: signature)
        let second = try nils.run { try $0.listCases() }
        XCTAssertEqual(aliases(second), aliases(first))
        XCTAssertNil(second.first?.problem)
        assertRefused(.tampered, "show of the replaced head", mentioning: []) { try nils.run { try $0.showCase(id) } }
        // Without the index the listing opens the case and reports it.
        try FileManager.default.removeItem(atPath: indexPath(nils))
        XCTAssertNotNil(try nils.run { try $0.listCases() }.first { $0.caseID == id }?.problem)
    }

    func testACaseRolledBackUnderTheIndexIsReportedAloneAndTheOthersStillListed() throws {
        let t = try TestVault()
        let damaged = try t.sampleCase()
        let other = try t.sampleCase()
        let nils = try TrustClient(t, "nils")
        _ = try nils.run { try $0.listCases() }
        try t.raw().delete(damaged, version: try XCTUnwrap(t.raw().rows(damaged).last).version)
        let listed = try nils.run { try $0.listCases() }
        XCTAssertEqual(listed.first { $0.caseID == damaged }?.problem?.contains("rolled back"), true, "\(listed.map(\.problem))")
        XCTAssertEqual(aliases(listed)[other], "Blåklokke")
        XCTAssertNil(listed.first { $0.caseID == other }?.problem)
    }

    func testACaseChangedByAnotherMemberIsOpenedAgain() throws {
        let t = try TestVault()
        let id = try t.sampleCase()
        let other = try t.sampleCase()
        let nils = try TrustClient(t, "nils")
        _ = try nils.run { try $0.listCases() }
        try TrustClient(t, "kari", machine: "b").run { try $0.updateCase(id, patchText: "set:\n  person.alias: Hestehov\n") }
        let listed = aliases(try nils.run { try $0.listCases() })
        XCTAssertEqual(listed[id], "Hestehov")
        XCTAssertEqual(listed[other], "Blåklokke")
    }

    func testAnAlteredOrForgedIndexIsNotBelieved() throws {
        let t = try TestVault()
        let id = try t.sampleCase()
        let nils = try TrustClient(t, "nils")
        _ = try nils.run { try $0.listCases() }
        // One byte of the sealed part changed: the MAC fails, the index is rebuilt.
        var bytes = [UInt8](try XCTUnwrap(FileManager.default.contents(atPath: indexPath(nils))))
        let at = try XCTUnwrap(bytes.firstRange(of: Array("sealed ".utf8))).upperBound + 10
        bytes[at] = bytes[at] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        try Data(bytes).write(to: URL(fileURLWithPath: indexPath(nils)))
        XCTAssertEqual(aliases(try nils.run { try $0.listCases() })[id], "Blåklokke")
        // A forged index at the right head, sealed to nils's public key but MAC'd without his key.
        let head = try XCTUnwrap(try nils.run { _ in t.vault }.read { db in try db.caseVersions(id) }.last)
        let scope = try nils.run { s in
            try t.vault.read { db in
                let state = try t.vault.loadState(db)
                return try XCTUnwrap(s.anchor).listIndexScope(listing: "list", rosterSerial: state.roster.serial, policySerial: UInt64(state.policy.serial))
            }
        }
        var forged = ListIndex(scope: scope)
        forged.entries[id] = .init(version: head.version, hash: CaseVersion.chainHash(body: head.body, signature: head.signature), reached: true,
                                   updated: Timestamp(seconds: 0), assignments: [], glance: ["person.alias": .text("Forfalsket")])
        let wrongKey = try SymmetricKey(secret: try SecureBytes.random(count: 32))
        try Data(try forged.fileBytes(sealedTo: t.identity("nils").publicIdentity.boxKey, macKey: wrongKey)).write(to: URL(fileURLWithPath: indexPath(nils)))
        XCTAssertEqual(aliases(try nils.run { try $0.listCases() })[id], "Blåklokke")
    }

    func testANewPolicyOrRosterMakesTheWholeIndexStale() throws {
        let t = try TestVault()
        _ = try t.sampleCase()
        let nils = try TrustClient(t, "nils")
        _ = try nils.run { try $0.listCases() }
        func scopeLine(_ key: String) throws -> String? {
            String(decoding: try XCTUnwrap(FileManager.default.contents(atPath: indexPath(nils))), as: UTF8.self)
                .split(separator: "\n").first { $0.hasPrefix(key + " ") }.map(String.init)
        }
        XCTAssertEqual(try scopeLine("policy"), "policy 1")
        _ = try t.session("lina").installPolicy(bytes: TestVault.policy(serial: 2))
        try t.addMember("ola", roles: [.nightShift])
        XCTAssertEqual(try nils.run { try $0.listCases() }.count, 1)
        XCTAssertEqual(try scopeLine("policy"), "policy 2")
        XCTAssertNotEqual(try scopeLine("roster"), "roster 1")
    }

    func testTasksKeepTheirOwnIndex() throws {
        let t = try TestVault()
        _ = try t.sampleCase()
        let kari = try TrustClient(t, "kari")
        let first = try kari.run { try DueList(session: $0, today: t.clock.now().osloDate).listing(withinDays: 400).items.count }
        XCTAssertTrue(FileManager.default.fileExists(atPath: indexPath(kari, "tasks")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: indexPath(kari, "list")))
        let second = try kari.run { try DueList(session: $0, today: t.clock.now().osloDate).listing(withinDays: 400).items.count }
        XCTAssertEqual(first, second)
        XCTAssertGreaterThan(first, 0)
    }
}
