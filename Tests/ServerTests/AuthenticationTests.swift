@testable import CaseVaultCore
@testable import CaseVaultTestSupport
@testable import CaseVaultServer
import CaseVaultSync
import Foundation
import SodiumKit
import XCTest

/// Signing in with the roster's keys: a fresh challenge each time, a revoked member refused at
/// once (even with a session from before), failed attempts rate-limited.
final class AuthenticationTests: XCTestCase {
    func testARevokedMemberIsRefusedAtOnceEvenWithALiveSession() throws {
        let s = try SharedWorld()
        let nils = try s.client("nils")
        _ = try nils.pull(after: 0)
        let leader = try s.join("lina")
        try s.command(on: leader, as: "lina") { _ = try $0.revoke(id: "nils", kind: .member) }
        XCTAssertThrowsError(try nils.pull(after: 0)) { XCTAssertEqual(($0 as? SyncFailure)?.kind, .refused(status: 403)) }
        XCTAssertThrowsError(try s.client("nils")) { XCTAssertEqual(($0 as? SyncFailure)?.kind, .refused(status: 403)) }
    }

    func testAKeyNotOnTheRosterCannotSignInAndFailuresAreRateLimited() throws {
        let s = try SharedWorld()
        let stranger = try SecretIdentity.generate()
        for _ in 0..<ServerAuth.failuresAllowed {
            XCTAssertThrowsError(try s.client("kari", identity: stranger)) { XCTAssertEqual(($0 as? SyncFailure)?.kind, .refused(status: 403)) }
        }
        // Now even the right key waits: the attempts are counted per member.
        XCTAssertThrowsError(try s.client("kari")) { XCTAssertEqual(($0 as? SyncFailure)?.kind, .refused(status: 429)) }
        XCTAssertNoThrow(try s.client("karl"))
    }

    func testAChallengeServesOnce() throws {
        let s = try SharedWorld()
        let http = try SyncClient(server: s.server.url, vaultID: s.vaultID)
        let challenge = try http.challenge(for: "kari")
        let signature = try s.t.identity("kari").signer.signature(for: SyncWire.authMessage(vault: s.vaultID, challenge: challenge, member: "kari"))
        XCTAssertNoThrow(try http.openSession(as: "kari", challenge: challenge, signature: signature))
        XCTAssertThrowsError(try http.openSession(as: "kari", challenge: challenge, signature: signature)) {
            XCTAssertEqual(($0 as? SyncFailure)?.kind, .refused(status: 403), "a replayed challenge")
        }
    }

    func testAPushByAnotherMembersKeyOrOutOfPlaceIsRefused() throws {
        let s = try SharedWorld()
        let a = try s.join("kari")
        // A push made at an old head is refused whole, and so are entries without the versions they name.
        _ = try Session(vault: a, identity: s.t.identity("kari")).createCase(recordText: SharedWorld.smallCase)
        let rows = try a.replicaRows().filter { $0.table == "log_entries" }
        let before = try s.db.sql("SELECT log_size FROM vaults")
        let kari = try s.client("kari")
        XCTAssertThrowsError(try kari.push(base: 0, rows: rows)) { XCTAssertEqual(($0 as? SyncFailure)?.kind, .headMoved) }
        let serverSize = UInt64(try s.t.vault.logEntryCount())
        let fresh = rows.filter { ($0.key.first.flatMap { if case .integer(let i) = $0 { i } else { nil } } ?? 0) >= Int64(serverSize) }
        // Pushing the log entries without the version rows they name is refused.
        XCTAssertThrowsError(try kari.push(base: serverSize, rows: fresh))
        XCTAssertEqual(try s.db.sql("SELECT log_size FROM vaults"), before)
    }
}
