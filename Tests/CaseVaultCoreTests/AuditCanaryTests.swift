import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import CaseVaultSamples
import Foundation
import GRDB
import SodiumKit
import XCTest

/// A unique value planted in case data and in a reason never reaches the log: not its rows in
/// the database, not the export, not anything the auditor's commands return or print.
final class AuditCanaryTests: XCTestCase {
    func testACanaryNeverReachesTheLogTheExportOrTheAuditor() throws {
        let f = try AuditFixture()
        let canary = "kanarifugl" + Hex.encode(Random.bytes(6))
        let kari = try f.t.session("kari")
        let record = SampleCase.yaml
            .replacingOccurrences(of: "Blåklokke", with: "\(canary)-alias")
            .replacingOccurrences(of: "Anna Fiktiv Testesen", with: "\(canary) Testesen")
            .replacingOccurrences(of: "Lindeveien 14 B", with: "\(canary)veien 14 B")
            .replacingOccurrences(of: "Ola Fiktiv Voldsen", with: "Ola \(canary)")
        let id = try kari.createCase(recordText: record, reason: "Innkomst \(canary)")
        // A resident's key is bound to one case only: this case's resident has a key of her own.
        let resident = try SecretIdentity.generate()
        _ = try kari.addResident(id, identity: resident.publicIdentity, reason: "beboer \(canary)")
        try kari.updateCase(id, patchText: "add:\n  notes: {date: 2026-11-24, text: \"Notat \(canary)\"}\n", reason: "oppdatert \(canary)")
        _ = try kari.showCase(id, reason: "lest \(canary)")
        _ = try Session(vault: f.vault, identity: resident).showCase(id)
        XCTAssertThrowsError(try f.t.session("karl").showCase(id, reason: "nekt \(canary)"))
        let witnessState = f.newFolder() + ".state"
        defer { try? FileManager.default.removeItem(atPath: witnessState) }
        _ = try f.t.session("anne").witness(statePath: witnessState)

        // What the auditor sees.
        let anne = try f.t.session("anne")
        var seen: [String] = []
        seen += try anne.auditLog(filter: AuditFilter()).map(\.text)
        seen += try anne.auditLog(filter: AuditFilter(caseID: id)).map(\.text)
        let report = try anne.accessReport(caseID: id)
        seen.append(report.text)
        seen.append(String(describing: report))
        seen.append(try Session(vault: f.vault, identity: resident).accessReport(caseID: id).text)
        let proof = try anne.prove(index: UInt64(try f.vault.logEntryCount() - 1))
        seen.append(String(decoding: proof, as: UTF8.self))
        let dir = try f.export()
        let verified = try f.verify(dir).report()
        seen += verified.summaryLines
        seen.append(String(describing: verified))

        var needles = [canary, canary.uppercased(), Hex.encode(Array(canary.utf8)), Base64.encode(Array(canary.utf8))]
        // Base64 of the canary at each of the three alignments it could sit at inside a longer value.
        for pad in 1...2 { needles.append(String(Base64.encode(Array(repeating: 0x20, count: pad) + Array(canary.utf8)).dropFirst(4).prefix(8))) }

        func assertClean(_ bytes: [UInt8], _ what: String) {
            for needle in needles {
                XCTAssertNil(bytes.firstRange(of: Array(needle.utf8)), "\(what) contains the canary (as \(needle))")
            }
        }
        for (i, text) in seen.enumerated() { assertClean(Array(text.utf8), "auditor output \(i)") }

        // Every exported file, byte for byte.
        let files = FileManager.default.enumerator(atPath: dir)!.compactMap { $0 as? String }
        XCTAssertTrue(files.contains("entries") && files.contains("checkpoint") && files.contains("vault"))
        for name in files {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir + "/" + name, isDirectory: &isDir), !isDir.boolValue { assertClean([UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))), "export file \(name)") }
        }

        // The log's rows in the database, raw (the sealed reasons too: they hold only ciphertext).
        let raw = try f.t.raw()
        try raw.queue.read { db in
            for table in ["log_entries", "log_frontier", "log_checkpoints", "log_cosignatures", "log_reasons"] {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table)") {
                    for value in row.databaseValues {
                        switch value.storage {
                        case let .blob(d): assertClean([UInt8](d), table)
                        case let .string(s): assertClean(Array(s.utf8), table)
                        default: break
                        }
                    }
                }
            }
            XCTAssertGreaterThanOrEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM log_reasons") ?? 0, 5, "the reasons were stored, sealed")
        }
        // And the canary really is in the vault (the test would prove nothing otherwise).
        XCTAssertTrue(try kari.showCase(id).fields.values.contains { $0.displayText.contains(canary) })
    }
}
