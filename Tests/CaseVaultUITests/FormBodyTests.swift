@testable import CaseVaultUI
import XCTest

final class FormBodyTests: XCTestCase {
    func testDecodesWhatBrowsersSend() {
        let f = FormBody("csrf=ab12&tekst=Ringte+kl.+02%3A10%3A+urolig&alias=Bl%C3%A5klokke&tom=&x")
        XCTAssertEqual(f["tekst"], "Ringte kl. 02:10: urolig")
        XCTAssertEqual(f["alias"], "Blåklokke")
        XCTAssertEqual(f["tom"], "")
        XCTAssertEqual(f["x"], "")
        XCTAssertNil(f.trimmed("tom"))
    }

    func testBrokenEscapesAreDropped() {
        let f = FormBody("a=%zz&b=%C3&c=ok")
        XCTAssertNil(f["a"])
        XCTAssertNil(f["b"], "not UTF-8")
        XCTAssertEqual(f["c"], "ok")
    }
}
