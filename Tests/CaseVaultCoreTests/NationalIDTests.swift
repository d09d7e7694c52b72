@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import CaseVaultSamples
import XCTest

/// Norwegian identity numbers: check digits under the pre-2032 and 2032 rules,
/// D-numbers, dates, and synthetic test numbers only in a test vault. The numbers below were
/// computed by hand from the published mod-11 formula, not with the code under test.
final class NationalIDTests: XCTestCase {
    private func valid(_ id: String, synthetic: Bool = false, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNoThrow(try NationalID.validate(id, allowSynthetic: synthetic), id, file: file, line: line)
    }

    private func invalid(_ id: String, _ failure: NationalID.Failure, synthetic: Bool = true, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try NationalID.validate(id, allowSynthetic: synthetic), id, file: file, line: line) { error in
            XCTAssertEqual(error as? NationalID.Failure, failure, id, file: file, line: line)
        }
    }

    func testValidFodselsnummer() {
        valid("15058512343")  // 15.05.85, k1 by the pre-2032 rule
        valid("31019945688")  // 31.01.99
        valid("29020012380")  // 29.02.00 (2000 was a leap year)
        valid("29020412354")  // 29.02.04
        valid("12121234562")
    }

    func testDNumbers() {
        valid("55108012330")  // day 15 + 40
        valid("69020412348")  // 29.02.04 as a D-number
        invalid("72018512301", .badDate)  // day 32 + 40
        invalid("69020112395", .badDate)  // 29.02.01 as a D-number
    }

    /// From 2032, k1 may be 11, 12, 13 or 14 minus the remainder (minus 11 when above 10).
    func testK1AlternativesOfThe2032Rule() {
        valid("15058512351")  // k1 = 12 − 7
        valid("15058512378")  // k1 = 14 − 7
        // Remainder 1: the old rule gives 10 (invalid); the new rule allows 0, 1 and 2.
        valid("01019012308")
        valid("01019012316")
        valid("01019012324")
        invalid("15118512364", .badCheckDigits)  // k1 = 6 is none of 2, 3, 4, 5 (k2 computed for it)
    }

    func testWrongCheckDigits() {
        invalid("15058512344", .badCheckDigits)  // k2 off by one
        invalid("15058512342", .badCheckDigits)
        invalid("15058512333", .badCheckDigits)  // k1 = 3 is not a candidate
        invalid("31019945689", .badCheckDigits)
    }

    func testWrongLengthOrCharacters() {
        invalid("1505851234", .notElevenDigits)
        invalid("150585123430", .notElevenDigits)
        invalid("", .notElevenDigits)
        invalid("1505851234a", .notElevenDigits)
        invalid("15058512343 ", .notElevenDigits)
        invalid(" 15058512343", .notElevenDigits)
        invalid("150585 12343", .notElevenDigits)
        invalid("١٥٠٥٨٥١٢٣٤٣", .notElevenDigits)  // Arabic-Indic digits
        invalid("１５０５８５１２３４３", .notElevenDigits)  // full-width digits
    }

    func testBadDates() {
        invalid("32018512318", .badDate)  // day 32
        invalid("00018512327", .badDate)  // day 0
        invalid("15138512301", .badDate)  // month 13
        invalid("15008512393", .badDate)  // month 0
        invalid("30028512305", .badDate)  // 30 February
        invalid("29020112318", .badDate)  // 29 February 2001 (or 1901): not a leap year
        invalid("15558512374", .badDate)  // month 55: neither a real month nor +40 / +80
    }

    func testSyntheticNumbersOnlyInATestVault() {
        valid(SampleCase.adultNationalID, synthetic: true)  // NAV: month + 40
        valid("15858512309", synthetic: true)  // Skatteetaten: month + 80
        invalid(SampleCase.adultNationalID, .syntheticInProductionVault, synthetic: false)
        invalid("15858512309", .syntheticInProductionVault, synthetic: false)
        valid("15058512343", synthetic: false)
    }

    func testFailureTextsNeverRepeatTheNumber() {
        for id in ["15058512344", "32018512318", "1505851234", SampleCase.adultNationalID] {
            do {
                try NationalID.validate(id, allowSynthetic: false)
                XCTFail(id)
            } catch {
                XCTAssertFalse("\(error)".contains(id))
                XCTAssertFalse("\(error)".contains(String(id.prefix(6))), "the birth date must not be echoed")
            }
        }
    }
}
