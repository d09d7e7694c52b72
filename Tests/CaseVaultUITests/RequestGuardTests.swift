import CaseVaultUI
import XCTest

/// The checks a browser attacker meets first: DNS rebinding (Host), cross-site requests
/// (Origin, Sec-Fetch-Site) and forged forms (CSRF token).
final class RequestGuardTests: XCTestCase {
    let guardian = RequestGuard(port: 8470)

    func testOnlyOurExactHostIsAccepted() {
        XCTAssertNil(guardian.checkHost("127.0.0.1:8470"))
        XCTAssertNil(guardian.checkHost("localhost:8470"))
        for host in ["evil.example:8470", "127.0.0.1", "127.0.0.1:8471", "localhost", "127.0.0.1:8470.evil.example",
                     "LOCALHOST:8470", "[::1]:8470", "0.0.0.0:8470", "", "127.0.0.1:8470 "] {
            XCTAssertEqual(guardian.checkHost(host), .wrongHost, host)
        }
        XCTAssertEqual(guardian.checkHost(nil), .wrongHost)
        XCTAssertEqual(RequestGuard.Refusal.wrongHost.status, 421)
    }

    func testStateChangesMustComeFromOurOrigin() {
        XCTAssertNil(guardian.checkSameOrigin(origin: "http://127.0.0.1:8470", fetchSite: "same-origin"))
        XCTAssertNil(guardian.checkSameOrigin(origin: "http://localhost:8470", fetchSite: nil))
        XCTAssertEqual(guardian.checkSameOrigin(origin: "http://evil.example", fetchSite: "cross-site"), .crossSite)
        XCTAssertEqual(guardian.checkSameOrigin(origin: "http://127.0.0.1:8470", fetchSite: "cross-site"), .crossSite)
        XCTAssertEqual(guardian.checkSameOrigin(origin: "http://127.0.0.1:8470", fetchSite: "same-site"), .crossSite)
        XCTAssertEqual(guardian.checkSameOrigin(origin: "http://127.0.0.1:9999", fetchSite: "same-origin"), .crossSite)
        XCTAssertEqual(guardian.checkSameOrigin(origin: "null", fetchSite: nil), .crossSite)
        XCTAssertEqual(guardian.checkSameOrigin(origin: nil, fetchSite: nil), .crossSite)
        XCTAssertEqual(guardian.checkSameOrigin(origin: "https://127.0.0.1:8470", fetchSite: nil), .crossSite)
    }

    func testAnotherSiteCannotEvenMakeTheBrowserReadAPage() {
        XCTAssertNil(guardian.checkFetchSite(nil), "not a browser: it has no cookie either")
        XCTAssertNil(guardian.checkFetchSite("none"), "the launch link, typed or from the terminal")
        XCTAssertNil(guardian.checkFetchSite("same-origin"))
        XCTAssertEqual(guardian.checkFetchSite("same-site"), .crossSite, "another port of 127.0.0.1")
        XCTAssertEqual(guardian.checkFetchSite("cross-site"), .crossSite)
    }

    func testTheCSRFTokenMustMatchTheSession() {
        let token = UIToken()
        XCTAssertNil(guardian.checkCSRF(submitted: token.revealedText, expected: token))
        XCTAssertEqual(guardian.checkCSRF(submitted: nil, expected: token), .missingCSRF)
        XCTAssertEqual(guardian.checkCSRF(submitted: "", expected: token), .missingCSRF)
        XCTAssertEqual(guardian.checkCSRF(submitted: UIToken().revealedText, expected: token), .wrongCSRF)
        XCTAssertEqual(guardian.checkCSRF(submitted: token.revealedText.uppercased(), expected: token), .wrongCSRF)
        XCTAssertEqual(guardian.checkCSRF(submitted: String(token.revealedText.dropLast()), expected: token), .wrongCSRF)
    }

    func testRefusalsAreNorwegianAndCarryNoSecret() {
        for r in [RequestGuard.Refusal.wrongHost, .crossSite, .missingCSRF, .wrongCSRF] {
            XCTAssertTrue(r.norwegianText.hasPrefix("Avvist"))
            XCTAssertFalse(r.norwegianText.contains("\n"))
        }
    }

    func testEveryResponseForbidsCachingScriptsAndFraming() {
        let headers = Dictionary(uniqueKeysWithValues: SecurityHeaders.all.map { ($0.name, $0.value) })
        XCTAssertEqual(headers["Cache-Control"], "no-store")
        XCTAssertNil(headers["Content-Security-Policy"], "each response sets its policy once")
        for csp in [SecurityHeaders.contentSecurityPolicy, SecurityHeaders.documentPolicy] {
            XCTAssertTrue(csp.contains("default-src 'none'"))
            XCTAssertTrue(csp.contains("frame-ancestors 'none'"))
            XCTAssertFalse(csp.contains("script-src"), "no script source is allowed at all")
            XCTAssertFalse(csp.contains("unsafe-inline"))
            XCTAssertFalse(csp.contains("http"), "nothing from elsewhere")
        }
        XCTAssertTrue(SecurityHeaders.documentPolicy.contains("form-action 'none'"), "a document submits nothing")
    }
}
