import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import CaseVaultSamples
import Foundation
import XCTest

/// Break-glass right after `breakglass setup` on a case sealed before it: setup names the case
/// as not covered, an opening alone is refused before anything is recorded (so it is no use to
/// review), the contact person's next read covers it, and then the opening works. A review may
/// carry a comment, sealed, never in the log.
final class BreakGlassCoverageTests: XCTestCase {
    private let fields = ["person.legal_name", "safety.do_not_admit"]

    func testACaseSealedBeforeSetupIsNamedRefusedUntilCoveredThenOpens() throws {
        let f = try AuditFixture()
        let id = try f.t.session("kari").createCase(recordText: SampleCase.yaml)
        let lina = try f.t.session("lina")
        let setup = try lina.setUpBreakGlass()
        XCTAssertTrue(setup.notCovered.contains(id), "setup says which cases its key does not open")

        let log = try storedEntries(f.t).count
        let released = try f.t.raw().count("released_keys")
        let refused = TestVault.assertFails([.refused], "alone on an uncovered case") {
            try lina.requestBreakGlass(id, fields: fields, minutes: 60, reasonCode: "life-danger", reason: "Akutt", mode: .alone)
        }
        XCTAssertTrue(refused?.message.contains("sealed before `breakglass setup`") ?? false, refused?.message ?? "")
        XCTAssertTrue(refused?.message.contains("person.legal_name") ?? false, "it names the fields")
        let after = try storedEntries(f.t)
        XCTAssertFalse(after.dropFirst(log).contains { $0.action.hasPrefix("breakglass.") }, "no request or opening was recorded")
        XCTAssertEqual(try f.t.raw().count("released_keys"), released)
        XCTAssertTrue(try f.verify(try f.export()).get().breakGlass.isEmpty, "nothing waits for review")

        // The contact person's client covers the case the next time she reads it.
        let versions = try f.t.raw().count("case_versions")
        _ = try f.t.session("kari").showCase(id)
        XCTAssertEqual(try f.t.raw().count("case_versions"), versions + 1, "her read re-sealed the case")
        XCTAssertFalse(try BreakGlassOperations(session: lina).casesNotCovered(label: "breakglass#\(setup.epoch)").contains(id))
        let req = try lina.requestBreakGlass(id, fields: fields, minutes: 60, reasonCode: "life-danger", reason: "Akutt", mode: .alone)
        XCTAssertEqual(Set(try lina.showBreakGlass(req).opened.fields.keys), Set(fields))
    }

    func testAReviewCarriesASealedComment() throws {
        let f = try AuditFixture()
        _ = try f.t.session("lina").setUpBreakGlass()
        let id = try f.t.session("kari").createCase(recordText: SampleCase.yaml)
        let lina = try f.t.session("lina")
        let req = try lina.requestBreakGlass(id, fields: fields, minutes: 60, reasonCode: "life-danger", reason: "Akutt", mode: .alone)
        let comment = "Begrunnet: politiet bekreftet trusselen KOMMENTAR-7731"
        try f.t.session("anne").reviewBreakGlass(req, justified: true, comment: comment)
        let review = try XCTUnwrap(try storedEntries(f.t).last { $0.action == "breakglass.review" })
        XCTAssertNotNil(review.reasonCommitment, "the comment is committed to in the entry")
        let files = try FileManager.default.contentsOfDirectory(atPath: f.t.directory)
        for name in files {
            let bytes = FileManager.default.contents(atPath: f.t.directory + "/" + name) ?? Data()
            XCTAssertNil(bytes.range(of: Data("KOMMENTAR-7731".utf8)), "\(name) holds the comment in clear")
        }
    }
}
