import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import CaseVaultSamples
import Foundation
import GRDB
import SodiumKit
import XCTest

/// Break-glass: alone (root key + reason) or with a second reader; only the requested fields,
/// only until expiry; logged before any key is released; reviewed by a second person.
final class BreakGlassTests: XCTestCase {
    private let fields = ["person.legal_name", "safety.do_not_admit"]

    /// A vault with a break-glass key and a case written after it (so its classes carry `breakglass#1`).
    private func vaultWithCase() throws -> (AuditFixture, CaseID, expected: [String: FieldValue]) {
        let f = try AuditFixture()
        let setup = try f.t.session("lina").setUpBreakGlass()
        XCTAssertEqual(setup.epoch, 1)
        XCTAssertEqual(setup.breakers, ["lina"])
        let id = try f.t.session("kari").createCase(recordText: SampleCase.yaml)
        return (f, id, try f.t.session("kari").showCase(id).fields)
    }

    private func actions(_ t: TestVault) throws -> [String] { try storedEntries(t).map(\.action) }

    func testAloneReleasesOnlyTheRequestedFieldsAfterTheOpeningIsLogged() throws {
        let (f, id, expected) = try vaultWithCase()
        let lina = try f.t.session("lina")
        XCTAssertTrue(try lina.showCase(id).fields.keys.filter(fields.contains).isEmpty, "the leader reads neither field without break-glass")
        let before = try f.t.raw().count("released_keys")
        let req = try lina.requestBreakGlass(id, fields: fields, minutes: 60, reasonCode: "life-danger", reason: "Politiet melder trussel", mode: .alone)
        let view = try lina.showBreakGlass(req)
        XCTAssertEqual(Set(view.opened.fields.keys), Set(fields))
        for p in fields { XCTAssertEqual(view.opened.fields[p], expected[p], p) }
        XCTAssertGreaterThan(try f.t.raw().count("released_keys"), before)
        XCTAssertEqual(Array(try actions(f.t).suffix(4)), ["breakglass.request", "breakglass.open", "breakglass.release", "case.read"])
        let read = try XCTUnwrap(try storedEntries(f.t).last)
        XCTAssertEqual(read.detailValue("breakglass"), req)
        XCTAssertEqual(Set(read.fields), Set(fields))
    }

    func testAloneNeedsTheRootKeyAReasonAndAKnownCode() throws {
        let (f, id, _) = try vaultWithCase()
        // A second leader without the root key.
        let other = try SecretIdentity.generate()
        _ = try f.t.session("lina").addMember(id: "leif", name: "Leif", roles: [.leader], identity: other.publicIdentity)
        let leif = try Session(vault: f.t.vault, identity: other)
        let count = try f.t.vault.logEntryCount()
        TestVault.assertFails([.accessDenied], "alone without root") {
            try leif.requestBreakGlass(id, fields: fields, minutes: 60, reasonCode: "life-danger", reason: "x", mode: .alone)
        }
        let lina = try f.t.session("lina")
        TestVault.assertFails([.invalidInput], "alone without a reason") {
            try lina.requestBreakGlass(id, fields: fields, minutes: 60, reasonCode: "life-danger", reason: nil, mode: .alone)
        }
        TestVault.assertFails([.invalidInput], "unknown reason code") {
            try lina.requestBreakGlass(id, fields: fields, minutes: 60, reasonCode: "curious", reason: "x", mode: .alone)
        }
        TestVault.assertFails([.invalidInput], "too long") {
            try lina.requestBreakGlass(id, fields: fields, minutes: 600, reasonCode: "life-danger", reason: "x", mode: .alone)
        }
        TestVault.assertFails([.accessDenied], "not a leader") {
            try f.t.session("kari").requestBreakGlass(id, fields: fields, minutes: 60, reasonCode: "life-danger", reason: "x", mode: .alone)
        }
        XCTAssertEqual(try f.t.raw().count("escrow_requests"), 0)
        XCTAssertFalse(try actions(f.t).dropFirst(count).contains { $0.hasPrefix("breakglass.") })
    }

    func testExpiryIsEnforcedWithTheVaultClock() throws {
        let (f, id, _) = try vaultWithCase()
        let lina = try f.t.session("lina")
        let req = try lina.requestBreakGlass(id, fields: fields, minutes: 30, reasonCode: "life-danger", reason: "trussel", mode: .alone)
        f.t.clock.advance(seconds: 29 * 60)
        XCTAssertEqual(try lina.showBreakGlass(req).opened.fields.count, fields.count)
        f.t.clock.advance(seconds: 2 * 60)
        TestVault.assertFails([.refused], "after expiry") { try lina.showBreakGlass(req) }
        XCTAssertEqual(try f.t.raw().count("released_keys"), 0, "expired keys are deleted")
    }

    func testApprovedByAReaderReleasesToTheBreaker() throws {
        let (f, id, expected) = try vaultWithCase()
        let lina = try f.t.session("lina")
        let req = try lina.requestBreakGlass(id, fields: ["person.legal_name"], minutes: 60, reasonCode: "child-safety", reason: nil, mode: .approved)
        TestVault.assertFails([.refused], "show before approval") { try lina.showBreakGlass(req) }
        XCTAssertEqual(try f.t.raw().count("released_keys"), 0)
        TestVault.assertFails([.accessDenied], "self-approval") { try lina.approveBreakGlass(req) }
        TestVault.assertFails([.accessDenied, .notFound], "approver who does not read the field") { try f.t.session("karl").approveBreakGlass(req) }
        try f.t.session("kari").approveBreakGlass(req)
        XCTAssertEqual(Array(try actions(f.t).suffix(3)), ["breakglass.approve", "breakglass.open", "breakglass.release"])
        let view = try lina.showBreakGlass(req)
        XCTAssertEqual(view.opened.fields, ["person.legal_name": expected["person.legal_name"]!])
    }

    func testReviewIsBySomeoneElseOnceAndAuditVerifyReportsUnreviewed() throws {
        let (f, id, _) = try vaultWithCase()
        let lina = try f.t.session("lina")
        let alone = try lina.requestBreakGlass(id, fields: fields, minutes: 60, reasonCode: "life-danger", reason: "Kanari-7731", mode: .alone)
        let approved = try lina.requestBreakGlass(id, fields: ["person.legal_name"], minutes: 60, reasonCode: "child-safety", reason: nil, mode: .approved)
        try f.t.session("kari").approveBreakGlass(approved)
        TestVault.assertFails([.accessDenied], "the breaker reviews") { try lina.reviewBreakGlass(alone, justified: true) }
        TestVault.assertFails([.accessDenied], "a non-reviewer") { try f.t.session("kari").reviewBreakGlass(alone, justified: true) }

        var report = try f.verify(try f.export()).get()
        XCTAssertEqual(report.breakGlass.map(\.request), [alone, approved])
        XCTAssertEqual(report.breakGlass.filter { !$0.isReviewed }.count, 2)
        XCTAssertTrue(report.summaryLines.contains("Break-glass: 2, 2 NOT REVIEWED"), report.summaryLines.joined(separator: "\n"))

        try f.t.session("anne").reviewBreakGlass(alone, justified: true)
        TestVault.assertFails([.refused], "a second review") { try f.t.session("anne").reviewBreakGlass(alone, justified: false) }
        report = try f.verify(try f.export()).get()
        XCTAssertEqual(report.breakGlass.first { $0.request == alone }?.reviewer, "anne")
        XCTAssertEqual(report.breakGlass.first { $0.request == alone }?.outcome, "justified")
        XCTAssertEqual(report.breakGlass.first { $0.request == approved }?.openedBy, "kari")
        XCTAssertEqual(report.breakGlass.filter { !$0.isReviewed }.map(\.request), [approved])

        // The resident's access report shows the emergency access.
        let access = try f.t.session("lina").accessReport(caseID: id)
        XCTAssertTrue(access.events.contains { $0.action == "breakglass.open" })
        XCTAssertTrue(access.text.contains("nødtilgang åpnet"))
        XCTAssertTrue(access.text.contains("grunnkode / break-glass, reason code: life-danger"), access.text)
        XCTAssertTrue(access.text.contains("vurdering / review: begrunnet / justified"), access.text)
        XCTAssertFalse(access.text.contains("Kanari-7731"), "the free-text reason is not in the report")
    }

    func testATamperedReleaseOrUnloggedOpeningIsRefused() throws {
        let (f, id, _) = try vaultWithCase()
        let lina = try f.t.session("lina")
        let req = try lina.requestBreakGlass(id, fields: fields, minutes: 60, reasonCode: "life-danger", reason: "trussel", mode: .alone)
        let raw = try f.t.raw()
        try raw.execute("UPDATE escrow_statements SET log_idx = 0 WHERE kind = 'open'")
        TestVault.assertFails([.refused], "an opening not in the log") { try lina.showBreakGlass(req) }
    }
}
