@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import GRDB
import XCTest

/// A read refused before the case is reached (the reader revoked while their command runs) is
/// logged like every other refusal, in a transaction of its own.
final class ShowRefusalLoggingTests: XCTestCase {
    func testAShowRefusedBeforeTheCaseIsReachedIsLogged() throws {
        let t = try TestVault()
        let id = try t.session("kari").createCase(recordText: "case: {type: resident, opened: 2026-11-20}\nperson: {alias: Blåklokke}")
        let nils = try t.session("nils")
        _ = try t.session("lina").revoke(id: "nils", kind: .member)

        XCTAssertThrowsError(try nils.showCase(id))
        let last = try LogEntry.parse(try XCTUnwrap(try DatabaseQueue(path: t.databasePath).read { db in
            try Data.fetchOne(db, sql: "SELECT entry FROM log_entries ORDER BY idx DESC LIMIT 1").map { [UInt8]($0) }
        }))
        XCTAssertEqual(last.action, LogAction.accessDenied.rawValue)
        XCTAssertEqual(last.actor, "nils")
        XCTAssertEqual(last.caseID, id)
        XCTAssertEqual(last.detailValue("command"), "case.show")
    }
}
