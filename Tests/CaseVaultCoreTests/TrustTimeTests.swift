import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import Foundation
import SodiumKit
import XCTest

/// One member's wrong clock denies no one, and revocation follows the roster, not clocks.
final class TrustTimeTests: XCTestCase {
    static let thirtyYears: Int64 = 30 * 365 * 86_400

    /// Dates carry no authority (the log position and roster serial do): a version from a clock
    /// thirty years ahead is read by everyone, flagged, and the next writer dates by its own clock.
    func testAMembersClockThirtyYearsAheadDeniesNoOne() throws {
        let t = try TestVault()
        let id = try t.sampleCase()
        let nils = try TrustClient(t, "nils")
        nils.clock = OffsetClock(Self.thirtyYears)
        try nils.run { try $0.updateCase(id, patchText: "add:\n  notes: {date: 2026-12-07, text: \"feil klokke\"}\n") }
        let poisoned = try t.raw().latest(id)
        XCTAssertGreaterThan(poisoned.created.seconds, Timestamp.now().seconds + Self.thirtyYears - 60, "the wrong clock dated the version")
        // The contact person updates the case; the leader then revokes her.
        let kari = try TrustClient(t, "kari")
        try kari.run { try $0.updateCase(id, patchText: "set:\n  case.phase: 2\n") }
        let next = try t.raw().latest(id)
        XCTAssertLessThan(next.created.seconds, poisoned.created.seconds, "the next writer dates by its own clock, not its parent's")
        _ = try TrustClient(t, "lina").run { try $0.revoke(id: "kari", kind: .member) }
        // The child contact reads the case, with the wrong-clock version flagged.
        let opened = try TrustClient(t, "cecilie").run { try $0.showCase(id) }
        XCTAssertEqual(opened.fields["case.phase"], .integer(2))
        let warnings = opened.datingWarnings(now: .now())
        XCTAssertEqual(warnings.count, 1, "\(warnings)")
        XCTAssertTrue(warnings[0].contains("version \(poisoned.version) by nils"), warnings[0])
        XCTAssertNoThrow(try TrustClient(t, "lina").run { try $0.showCase(id) })
    }

    func testAVersionWithinTheBoundOfTheReadersClockIsAccepted() throws {
        let t = try TestVault()
        let id = try t.sampleCase()
        let kari = try TrustClient(t, "kari")
        kari.clock = OffsetClock(ClockBound.seconds - 30)
        try kari.run { try $0.updateCase(id, patchText: "set:\n  case.phase: 2\n") }
        let opened = try TrustClient(t, "cecilie").run { try $0.showCase(id) }
        XCTAssertEqual(opened.datingWarnings(now: .now()), [], "within the bound: not flagged")
        XCTAssertNoThrow(try TrustClient(t, "kari", machine: "b").run { try $0.updateCase(id, patchText: "set:\n  case.phase: 3\n") })
    }

    /// The old rule compared the version's date with the revocation's date: a leader whose clock
    /// ran behind made every version the revoked member had written unreadable.
    func testRevokingAnAuthorNeverMakesTheirEarlierVersionsUnreadable() throws {
        let t = try TestVault()
        let id = try t.sampleCase()
        let kari = try TrustClient(t, "kari")
        try kari.run { try $0.updateCase(id, patchText: "set:\n  case.phase: 2\n") }
        _ = try Session(vault: t.vault, identity: t.leader, clock: OffsetClock(-86_400)).revoke(id: "kari", kind: .member)
        let karisVersion = try XCTUnwrap(try t.raw().decoded(id).first { $0.author == "kari" && $0.written == ["case.phase"] })
        XCTAssertLessThan(try XCTUnwrap(try t.vault.roster().entry("kari")?.revoked), karisVersion.created, "revocation dated before the version")
        let opened = try TrustClient(t, "cecilie").run { try $0.showCase(id) }
        XCTAssertTrue(opened.chain.contains { $0.author == "kari" && $0.written == ["case.phase"] }, "kari's version stays in the verified chain")
        XCTAssertEqual(opened.fields["case.phase"], .integer(2))
    }

    /// A version the revoked author writes afterwards, under the roster that revoked them, is refused.
    func testAVersionWrittenUnderTheRosterThatRevokedItsAuthorIsRefused() throws {
        let t = try TestVault()
        let id = try t.sampleCase()
        _ = try t.session("lina").revoke(id: "kari", kind: .member)
        let raw = try t.raw()
        let rows = try raw.rows(id)
        var v = try raw.latest(id)
        v.version += 1
        v.parentHash = Forge.parentHash(after: rows.last!)
        v.rosterSerial = try t.vault.roster().serial
        v.author = "kari"
        v.created = Timestamp.now()
        v.written = []
        v.removed = []
        v.classes = []
        try Forge.append(raw, id, v, signedBy: t.identity("kari"))
        assertRefused([.authenticationFailed], "written after revocation", mentioning: ["author kari was not an active member of roster 7"]) {
            try TrustClient(t, "cecilie").run { try $0.showCase(id) }
        }
    }
}
