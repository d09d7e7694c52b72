@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import AccessPolicy
import Foundation
import GRDB
import SodiumKit
import XCTest

/// What the storage layer and the files beside it promise: damaged numbers give one-line
/// errors (never a trap), the database files are private, and a killed process's temporaries
/// are cleaned at the next run.
final class StorageHardeningTests: XCTestCase {
    private var t: TestVault!

    override func setUpWithError() throws { t = try TestVault() }
    override func tearDown() { t = nil }

    // MARK: Values validated when read

    func testANegativeCaseVersionIsAnErrorNotATrap() throws {
        let id = try t.sampleCase()
        try t.raw().execute("UPDATE case_versions SET version = -1 WHERE version = 1")
        TestVault.assertFails([.unsupportedFormat], "case show") { try t.session("kari").showCase(id) }
        let listed = try t.session("kari").listCases()
        XCTAssertNotNil(listed.first { $0.caseID == id }?.problem, "the damaged case is listed with its problem")
    }

    func testANegativeLogSizeIsAnErrorNotATrap() throws {
        try t.raw().execute("UPDATE log_frontier SET size = -1")
        let e = TestVault.assertFails([.unsupportedFormat], "an append over a damaged frontier") { try t.session("kari").listCases() }
        XCTAssertFalse(e?.message.contains("\n") ?? true)
    }

    func testANegativeLogIndexIsAnErrorNotATrap() throws {
        try t.raw().execute("UPDATE log_entries SET idx = -5 WHERE idx = 0")
        TestVault.assertFails([.unsupportedFormat], "audit log") { try t.session("anne").auditLog(filter: AuditFilter()) }
    }

    // MARK: Private files

    func testTheDatabaseAndItsWriteAheadFilesArePrivate() throws {
        _ = try t.sampleCase()
        for suffix in ["", "-wal", "-shm"] {
            let path = t.databasePath + suffix
            guard FileManager.default.fileExists(atPath: path) else { XCTFail("\(path) expected"); continue }
            var st = stat()
            XCTAssertEqual(stat(path, &st), 0)
            XCTAssertEqual(st.st_mode & 0o777, 0o600, "vault.sqlite\(suffix) mode")
        }
    }

    // MARK: Leftovers of a killed process

    /// The id of a process that has exited and been reaped: no process has it now.
    private func deadProcessID() throws -> pid_t {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        return p.processIdentifier
    }

    func testAKilledWitnessesTemporaryStateIsRemovedAtTheNextRun() throws {
        let dir = NSTemporaryDirectory() + "casevault-witness-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let state = dir + "/witness.state"
        let stale = state + ".tmp-\(try deadProcessID())"
        let alive = state + ".tmp-1"   // init never exits: a live process's file is left alone
        for path in [stale, alive] { XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data("half".utf8))) }
        _ = try t.session("anne").witness(statePath: state)
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale), "the dead process's temporary is gone")
        XCTAssertTrue(FileManager.default.fileExists(atPath: alive))
        XCTAssertTrue(FileManager.default.fileExists(atPath: state))
    }

    func testAKilledExportsTemporaryFolderIsRemovedAtTheNextExport() throws {
        let parent = NSTemporaryDirectory() + "casevault-export-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let stale = parent + "/.export.tmp-\(try deadProcessID())"
        try FileManager.default.createDirectory(atPath: stale + "/rosters", withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.createFile(atPath: stale + "/entries", contents: Data("copy of the log".utf8)))
        _ = try t.session("anne").exportAudit(to: parent + "/export")
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale), "the half-written copy of the log is gone")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parent), ["export"])
    }

    // MARK: The access report keeps a case's existence private

    func testTheAccessReportOfADamagedCaseIsNotFoundForAnUnassignedMember() throws {
        let id = try t.sampleCase()
        let raw = try t.raw()
        var body = try raw.rows(id).last!.body
        body[body.count / 2] ^= 0x01
        try raw.replace(id, version: Int64(try raw.rows(id).count), body: body)
        // karl is a contact person, never assigned to this case.
        let unassigned = TestVault.assertFails([.notFound], "karl asks for the report") { try t.session("karl").accessReport(caseID: id) }
        let unknown = TestVault.assertFails([.notFound], "a case that does not exist") { try t.session("karl").accessReport(caseID: CaseID.random()) }
        XCTAssertEqual(unassigned?.message.replacingOccurrences(of: id.hex, with: "ID"),
                       unknown?.message.replacingOccurrences(of: (unknown?.message.split(separator: " ")[1]).map(String.init) ?? "", with: "ID"),
                       "the same answer as for a case that does not exist")
        // Someone who reaches the case is told it is damaged.
        TestVault.assertFails(.tampered, "the contact person asks") { try t.session("kari").accessReport(caseID: id) }
    }
}
