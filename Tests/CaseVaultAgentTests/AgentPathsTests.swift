@testable import CaseVaultAgent
import CaseVaultCore
import Foundation
import XCTest

/// The fallback socket folder when XDG_RUNTIME_DIR is unset: only a 0700 folder of this user.
final class AgentPathsTests: XCTestCase {
    var base: String!

    override func setUpWithError() throws {
        base = NSTemporaryDirectory() + "agent-paths-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: false)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: base) }

    func path() throws(VaultError) -> String { try AgentPaths.socketPath(environment: { _ in nil }, temporaryFolder: base) }

    func testMakesAPrivateFolder() throws {
        XCTAssertEqual(try path(), base + "/casevault-\(getuid())/agent.sock")
        let mode = try FileManager.default.attributesOfItem(atPath: base + "/casevault-\(getuid())")[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o700)
    }

    func testRefusesAFolderOthersCouldHaveMadeOrEnterWithAHintThatNamesTheFix() throws {
        let dir = base + "/casevault-\(getuid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        XCTAssertThrowsError(try path()) { e in
            let message = (e as? VaultError)?.message ?? ""
            XCTAssertTrue(message.contains("XDG_RUNTIME_DIR") && message.contains("mkdir -m 700"), message)
            XCTAssertFalse(message.contains("\n"), "one line")
        }
        try FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createSymbolicLink(atPath: dir, withDestinationPath: base)
        XCTAssertThrowsError(try path(), "a symlink planted in its place")
    }

    func testTheRuntimeFolderWinsWhenSet() throws {
        XCTAssertEqual(try AgentPaths.socketPath(environment: { $0 == "XDG_RUNTIME_DIR" ? "/run/user/7" : nil }, temporaryFolder: base),
                       "/run/user/7/casevault-agent.sock")
    }
}
