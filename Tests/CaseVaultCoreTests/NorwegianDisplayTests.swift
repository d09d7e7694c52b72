import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import XCTest

/// Norwegian words and local time for people; canonical values and UTC stay in formats.
final class NorwegianDisplayTests: XCTestCase {
    func testEveryChoiceValueHasANorwegianLabel() {
        for spec in FieldCatalog.fields {
            guard case let .choice(options) = spec.kind else { continue }
            for option in options where option != "fortrolig" && option != "ugradert" && option != "avvergeplikt" {
                XCTAssertNotEqual(ValueLabels.label(of: option, pattern: spec.pattern), option, "\(spec.pattern) = \(option) has no label")
            }
        }
    }

    func testValuesAndDates() {
        XCTAssertEqual(FieldValue.text("female").norwegianText(path: "person.gender"), "kvinne")
        XCTAssertEqual(FieldValue.text("mobile-violence-alarm").norwegianText(path: "measures[1].type"), "mobil voldsalarm")
        XCTAssertEqual(FieldValue.text("2026-12-03").norwegianText(path: "measures[0].renewal_due"), "03.12.2026")
        XCTAssertEqual(FieldValue.text("female").norwegianText(path: "person.legal_name"), "female", "free text is left alone")
        XCTAssertEqual(FieldValue.bool(true).norwegianText(path: "person.interpreter"), "ja")
        XCTAssertEqual(FieldValue.text("female").jsonObject as? String, "female", "JSON keeps the canonical value")
    }

    func testOsloTimeFollowsSummerTime() {
        let winter = Timestamp(rfc3339: "2026-11-25T03:00:00Z")!
        XCTAssertEqual(winter.osloText, "25.11.2026 kl. 04:00")
        XCTAssertEqual(winter.rfc3339, "2026-11-25T03:00:00Z")
        XCTAssertEqual(Timestamp(rfc3339: "2026-07-01T22:30:00Z")!.osloText, "02.07.2026 kl. 00:30")
        XCTAssertEqual(Timestamp(rfc3339: "2026-07-01T22:30:00Z")!.osloDate, CalendarDate("2026-07-02"))
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        XCTAssertEqual(Timestamp(rfc3339: "2026-03-29T00:59:59Z")!.osloOffset, 3600)
        XCTAssertEqual(Timestamp(rfc3339: "2026-03-29T01:00:00Z")!.osloOffset, 7200)
        XCTAssertEqual(Timestamp(rfc3339: "2026-10-25T00:59:59Z")!.osloOffset, 7200)
        XCTAssertEqual(Timestamp(rfc3339: "2026-10-25T01:00:00Z")!.osloOffset, 3600)
    }
}
