import AccessPolicy
@testable import CaseVaultCore
import Foundation
import SodiumKit
import XCTest

/// One member's clock cannot date the vault's future, and revocation follows the roster, not clocks.
final class TrustTimeTests: XCTestCase {
    static let thirtyYears: Int64 = 30 * 365 * 86_400

    func testAMembersClockThirtyYearsAheadIsRefusedByOtherReaders() throws {
        let t = try TestVault()
        let id = try t.sampleCase()
        let kari = try TrustClient(t, "kari")
        kari.clock = OffsetClock(Self.thirtyYears)
        try kari.run { try $0.updateCase(id, patchText: "set:\n  case.phase: 2\n") }
        let poisoned = try t.raw().latest(id).created
        XCTAssertGreaterThan(poisoned.seconds, Timestamp.now().seconds + Self.thirtyYears - 60, "the wrong clock dated the version")
        let cecilie = try TrustClient(t, "cecilie")
        assertRefused([.authenticationFailed], "future-dated version", mentioning: ["version 4", "is dated \(poisoned)", "ahead of this computer's clock", "kari"]) {
            try cecilie.run { try $0.showCase(id) }
        }
        // Nobody with a right clock writes on top of it, so no later version inherits its date.
        kari.clock = SystemClock()
        TestVault.assertFails([.authenticationFailed], "writing on top") {
            try kari.run { try $0.updateCase(id, patchText: "set:\n  case.phase: 3\n") }
        }
        XCTAssertEqual(try t.raw().rows(id).count, 4)
    }

    func testAVersionWithinTheBoundOfTheReadersClockIsAccepted() throws {
        let t = try TestVault()
        let id = try t.sampleCase()
        let kari = try TrustClient(t, "kari")
        kari.clock = OffsetClock(ClockBound.seconds - 30)
        try kari.run { try $0.updateCase(id, patchText: "set:\n  case.phase: 2\n") }
        XCTAssertNoThrow(try TrustClient(t, "cecilie").run { try $0.showCase(id) })
        // Writing after it uses the later date, and stays within the bound.
        XCTAssertNoThrow(try TrustClient(t, "kari", machine: "b").run { try $0.updateCase(id, patchText: "set:\n  case.phase: 3\n") })
    }

    func testAWriterRefusesToDateAVersionFarAheadOfItsOwnClock() throws {
        let t = try TestVault()
        let id = try t.sampleCase()
        // Two small steps ahead, each within the bound of the one before: readers accept them.
        let kari = try TrustClient(t, "kari")
        kari.clock = OffsetClock(240)
        try kari.run { try $0.updateCase(id, patchText: "set:\n  case.phase: 2\n") }
        kari.clock = OffsetClock(480)
        try kari.run { try $0.updateCase(id, patchText: "set:\n  case.phase: 3\n") }
        XCTAssertNoThrow(try TrustClient(t, "cecilie").run { try $0.showCase(id) })
        // A writer with a right clock will not carry that date forward: it is past its own bound.
        let karl = try TrustClient(t, "kari", machine: "right-clock")
        assertRefused([.refused], "date carried ahead", mentioning: ["would be dated", "ahead of this computer's clock"]) {
            try karl.run { try $0.updateCase(id, patchText: "set:\n  case.phase: 1\n") }
        }
    }

    /// The old rule compared the version's date with the revocation's date: a leader whose clock
    /// ran behind made every version the revoked member had written unreadable.
    func testRevokingAnAuthorNeverMakesTheirEarlierVersionsUnreadable() throws {
        let t = try TestVault()
        let id = try t.sampleCase()
        let kari = try TrustClient(t, "kari")
        try kari.run { try $0.updateCase(id, patchText: "set:\n  case.phase: 2\n") }
        _ = try Session(vault: t.vault, identity: t.leader, clock: OffsetClock(-86_400)).revoke(id: "kari", kind: .member)
        XCTAssertLessThan(try XCTUnwrap(try t.vault.roster().entry("kari")?.revoked), try t.raw().latest(id).created, "revocation dated before the version")
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
