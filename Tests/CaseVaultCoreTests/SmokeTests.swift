@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import CaseVaultSamples
import XCTest

final class SmokeTests: XCTestCase {
    func testSampleCaseRoundTripsForItsAuthor() throws {
        let t = try TestVault()
        let id = try t.sampleCase()
        let opened = try t.session("kari").showCase(id)
        XCTAssertTrue(opened.sealedPaths.isEmpty)
        XCTAssertEqual(opened.fields["person.national_id"], .text(SampleCase.adultNationalID))
        XCTAssertEqual(opened.latest.version, 3)
    }
}
