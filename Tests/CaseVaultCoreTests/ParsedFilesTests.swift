@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import XCTest

/// What a long-running process keeps of the client files it parsed: only for the very bytes it
/// read or wrote, under the very key, and nothing after the screens lock.
final class ParsedFilesTests: XCTestCase {
    func testAKeptValueIsGivenOnlyForTheSameBytesUnderTheSameKey() {
        let files = ParsedFiles<String>()
        let bytes = Array("casevault-client-state v2\nmac 00\n".utf8)
        files.remember(path: "/k.state", fileBytes: bytes, keyTag: [1], value: "parsed")
        XCTAssertEqual(files.value(path: "/k.state", fileBytes: bytes, keyTag: [1]), "parsed")
        XCTAssertNil(files.value(path: "/k.state", fileBytes: bytes + [0x0a], keyTag: [1]), "one byte more: parsed again")
        XCTAssertNil(files.value(path: "/k.state", fileBytes: bytes, keyTag: [2]), "another key's tag")
        XCTAssertNil(files.value(path: "/other.state", fileBytes: bytes, keyTag: [1]), "another file")
        files.forgetAll()
        XCTAssertNil(files.value(path: "/k.state", fileBytes: bytes, keyTag: [1]), "forgotten")
    }

    func testAStateFileEditedAfterItWasKeptIsStillRefused() throws {
        let t = try TestVault()
        let kari = try TrustClient(t, "kari")
        try kari.run { try $0.listCases() }
        try kari.run { try $0.listCases() }  // the second run reads the state it kept
        let text = try String(contentsOfFile: kari.statePath, encoding: .utf8)
        try writePrivate(text.replacingOccurrences(of: "\nanchor 0\n", with: "\nanchor 1\n"), to: kari.statePath)
        XCTAssertThrowsError(try kari.run { try $0.listCases() }) { error in
            XCTAssertEqual((error as? VaultError)?.kind, .authenticationFailed, "\(error)")
        }
    }
}
