import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import Foundation
import SodiumKit
import TransparencyLog
import XCTest

/// The auditor's questions — who read case X since D, the resident's access report, a proof for
/// one entry — and that asking them is logged too.
final class AuditQueryTests: XCTestCase {
    var f: AuditFixture!

    override func setUpWithError() throws { f = try AuditFixture() }
    override func tearDown() { f = nil }

    func testWhoReadTheCaseSinceADate() throws {
        let anne = try f.t.session("anne")
        let reads = try anne.auditLog(filter: AuditFilter(caseID: f.caseID, action: "case.read"))
        XCTAssertEqual(reads.map { f.t.testID($0.actor) }, ["kari", "rita", "cecilie"])
        XCTAssertTrue(reads.allSatisfy { !$0.fields.isEmpty })
        let future = Timestamp(seconds: Timestamp.now().seconds + 3600)
        XCTAssertTrue(try anne.auditLog(filter: AuditFilter(caseID: f.caseID, since: future)).isEmpty)
        XCTAssertEqual(try anne.auditLog(filter: AuditFilter(actor: f.t.storedID("rita"))).count, 1)
        XCTAssertEqual(try anne.auditLog(filter: AuditFilter(until: Timestamp(seconds: 0))).count, 0)

        // Each search is in the log, with the case it searched for.
        let searches = try storedEntries(f.t).filter { $0.action == LogAction.auditLog.rawValue }
        XCTAssertEqual(searches.count, 4)
        XCTAssertEqual(searches.first?.caseID, f.caseID)
        XCTAssertEqual(searches.first?.detailValue("action"), "case.read")
    }

    func testOnlyTheAuditorAndLeadersSearchTheLog() throws {
        XCTAssertNoThrow(try f.t.session("lina").auditLog(filter: AuditFilter()))
        let before = try f.vault.logEntryCount()
        TestVault.assertFails([.accessDenied], "contact person searching") { try f.t.session("kari").auditLog(filter: AuditFilter(caseID: f.caseID)) }
        let last = try XCTUnwrap(storedEntries(f.t).last)
        XCTAssertEqual(try f.vault.logEntryCount(), before + 1)
        XCTAssertEqual(last.action, LogAction.accessDenied.rawValue)
        XCTAssertEqual(last.caseID, f.caseID)
        TestVault.assertFails([.invalidInput], "odd actor") { try f.t.session("anne").auditLog(filter: AuditFilter(actor: "Robert'); DROP")) }
    }

    func testAQueryRefusesATamperedStoredEntry() throws {
        let raw = try f.t.raw()
        let entry = try XCTUnwrap(try raw.blob("SELECT entry FROM log_entries WHERE idx = 9"))
        var text = String(decoding: entry, as: UTF8.self)
        text = text.replacingOccurrences(of: "actor kari", with: "actor karl")
        try raw.execute("UPDATE log_entries SET entry = ? WHERE idx = 9", [Data(text.utf8)])
        TestVault.assertFails([.authenticationFailed], "tampered row") { try f.t.session("anne").auditLog(filter: AuditFilter(caseID: f.caseID)) }
    }

    func testTheCountOfSuccessfulReadsEqualsTheCountOfReadEntries() throws {
        var successful = 3  // the fixture's
        for (member, times) in [("kari", 2), ("rita", 1), ("cecilie", 3), ("lina", 0)] {
            for _ in 0..<times {
                _ = try f.t.session(member).showCase(f.caseID)
                successful += 1
            }
        }
        for member in ["karl", "anne", "nils"] {
            do {
                _ = try f.t.session(member).showCase(f.caseID)
                successful += 1
            } catch {}
        }
        // A listing decrypts each case's glance: that is a read too, and logged as one.
        successful += try f.t.session("kari").listCases().filter { !$0.glance.isEmpty }.count
        let logged = try f.t.session("anne").auditLog(filter: AuditFilter(action: LogAction.caseRead.rawValue)).count
        XCTAssertEqual(logged, successful)
        XCTAssertEqual(try f.verify(try f.export()).report().contentReads, successful)
    }

    func testTheResidentsAccessReport() throws {
        _ = try f.t.session("nils").showCase(f.caseID)  // the night shift reaches every case
        let report = try f.t.session("rita").accessReport(caseID: f.caseID)
        XCTAssertEqual(report.caseID, f.caseID)
        let readers = report.events.filter { $0.action == LogAction.caseRead.rawValue }.map { f.t.testID($0.actor) }
        XCTAssertEqual(readers, ["kari", "rita", "cecilie", "nils"])
        XCTAssertTrue(report.events.contains { $0.action == LogAction.caseReadRefused.rawValue && $0.actor == "karl" })
        XCTAssertEqual(report.events.first { $0.actor == "kari" }?.actorName, "Kari")
        XCTAssertTrue(report.text.contains("Innsynsrapport / Access report"))
        XCTAssertTrue(report.text.contains("juridisk navn"), "fields are shown by their Norwegian label")
        // The report is logged on the case, and the next report shows it.
        let next = try f.t.session("anne").accessReport(caseID: f.caseID)
        XCTAssertEqual(next.events.filter { $0.action == LogAction.auditReport.rawValue }.map { f.t.testID($0.actor) }, ["rita"])
    }

    func testWhoMayHaveTheAccessReport() throws {
        for member in ["rita", "kari", "anne", "lina"] { XCTAssertNoThrow(try f.t.session(member).accessReport(caseID: f.caseID), member) }
        // The night shift reaches the case but is not among those the report is for.
        TestVault.assertFails([.accessDenied], "night shift") { try f.t.session("nils").accessReport(caseID: f.caseID) }
        // karl does not reach it at all: for him it does not exist.
        TestVault.assertFails([.notFound], "unassigned contact person") { try f.t.session("karl").accessReport(caseID: f.caseID) }
        TestVault.assertFails([.notFound], "unknown case") { try f.t.session("anne").accessReport(caseID: CaseID.random()) }
    }

    func testDisclosuresAppearInTheReport() throws {
        _ = try f.t.addRecipient("politi-ost", role: .police)
        let request = HandoverRequest(caseID: f.caseID, recipientID: "politi-ost", purpose: "Sikkerhetstiltak", basis: .consent,
                                      consentReference: "SAM-2026-014", expires: nil, includeAddress: false)
        let made = try f.t.session("kari").createHandover(request, approver: f.t.identity("lina"))
        let report = try f.t.session("rita").accessReport(caseID: f.caseID)
        let d = try XCTUnwrap(report.disclosures.first)
        XCTAssertEqual(d.recipient, "politi-ost")
        XCTAssertEqual(d.recipientRole, "police")
        XCTAssertEqual(d.basis, "consent")
        XCTAssertEqual(d.bundle, made.manifest.bundleID)
        XCTAssertEqual(d.approvedBy, "lina")
        XCTAssertFalse(d.fields.isEmpty)
        XCTAssertTrue(report.text.contains("politi"))
    }

    func testAnInclusionProofForOneEntryVerifiesOffline() throws {
        let index: UInt64 = 10
        let bytes = try f.t.session("anne").prove(index: index)
        let file = try InclusionProofFile.parse(bytes)
        XCTAssertEqual(file.index, index)
        let entry = try XCTUnwrap(file.extra)
        XCTAssertEqual(try LogEntry.parse(entry).index, index)
        let verifiers = RosterTimeline(rosters: try f.vault.rosterHistory().map(\.roster)).checkpointVerifiers(vaultID: f.vault.vaultID).map(\.verifier)
        XCTAssertNoThrow(try file.verify(leafEntry: entry, verifiers: verifiers, origin: f.vault.logOrigin))
        // Another entry's bytes do not fit the proof.
        var other = entry
        other[other.count - 5] ^= 1
        XCTAssertThrowsError(try file.verify(leafEntry: other, verifiers: verifiers, origin: f.vault.logOrigin))
        // The proof covers its own log entry.
        XCTAssertEqual(file.checkpoint.size, UInt64(try f.vault.logEntryCount()))
        TestVault.assertFails([.notFound], "beyond the log") { try f.t.session("anne").prove(index: 10_000) }
        TestVault.assertFails([.accessDenied], "not the auditor") { try f.t.session("kari").prove(index: 1) }
    }
}
