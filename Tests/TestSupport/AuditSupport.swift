@testable import CaseVaultCore
import Foundation
import GRDB
import SodiumKit
import TransparencyLog
import XCTest

/// A test vault with a little history — a case created, read, refused, updated, and one attempt
/// by a key not on the roster — and helpers to export it, edit the export and verify it.
final class AuditFixture {
    let t: TestVault
    let caseID: CaseID
    private var folders: [String] = []

    init() throws {
        t = try TestVault()
        caseID = try t.sampleCase()
        _ = try t.session("kari").showCase(caseID)
        _ = try t.session("rita").showCase(caseID)
        XCTAssertThrowsError(try t.session("karl").showCase(caseID))  // not assigned: refused, logged
        t.vault.logRefusedAttempt(presented: nil, signingKey: nil, command: "case.show", error: VaultError(.accessDenied, "not on the roster"))
        try t.session("kari").updateCase(caseID, patchText: "set:\n  case.phase: 2\n")
        _ = try t.session("cecilie").showCase(caseID)
    }

    deinit { for f in folders { try? FileManager.default.removeItem(atPath: f) } }

    var vault: Vault { t.vault }

    func newFolder() -> String {
        let dir = NSTemporaryDirectory() + "casevault-audit-" + UUID().uuidString
        folders.append(dir)
        return dir
    }

    /// Exports as `member` (the auditor by default) into a new folder.
    func export(as member: String = "anne") throws -> String {
        let dir = newFolder()
        _ = try t.session(member).exportAudit(to: dir)
        return dir
    }

    /// A second, independent copy of an export folder, to tamper with.
    func copy(_ folder: String) throws -> String {
        let dir = newFolder()
        try FileManager.default.copyItem(atPath: folder, toPath: dir)
        return dir
    }

    /// Verifies; without a pinned root the export's own root is accepted on first use (tests that
    /// are about other checks), as `audit verify --trust-on-first-use` does.
    func verify(_ folder: String, _ options: AuditVerifier.Options = .init()) -> Result<AuditReport, AuditFailure> {
        var options = options
        if options.rootFingerprint == nil { options.trustOnFirstUse = true }
        return Result { () throws(AuditFailure) in try AuditVerifier(folder: folder, options: options).verify() }
    }

    func storedCheckpoint(size: UInt64) throws -> [UInt8] {
        try XCTUnwrap(try t.raw().blob("SELECT note FROM log_checkpoints WHERE size = \(size)"), "no stored checkpoint of size \(size)")
    }

    /// Signs a checkpoint body as member `id` would (same key name as the log uses).
    func signCheckpoint(_ body: String, as id: String) throws -> [UInt8] {
        try SignedNote.sign(text: body, signers: [NoteSigner(name: LogNames.memberKeyName(vault: vault.vaultID, member: id),
                                                             secretKey: t.identity(id).signingKey)])
    }
}

/// The entries file of an export, as a list of entries to edit and write back.
struct ExportedEntries {
    var entries: [[UInt8]]

    init(_ folder: String) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/entries")))
        let ranges = try bytes.withUnsafeBufferPointer { try EntryFraming.split($0) }
        entries = ranges.map { Array(bytes[$0]) }
    }

    func write(_ folder: String) throws {
        var out = EntryFraming.headerBytes
        for e in entries { out += [0x0A] + e }
        try Data(out).write(to: URL(fileURLWithPath: folder + "/entries"))
    }

    func parsed(_ i: Int) throws -> LogEntry { try LogEntry.parse(entries[i]) }
}

extension Result where Success == AuditReport, Failure == AuditFailure {
    /// Asserts the verification failed, naming entry `index` (or no entry), of `kind`, with `reason` in its message.
    @discardableResult
    func assertFails(index: UInt64?, _ kind: AuditFailure.Kind = .failed, mentioning: String? = nil,
                     file: StaticString = #filePath, line: UInt = #line) -> AuditFailure? {
        switch self {
        case .success:
            XCTFail("verification passed; expected a failure at \(index.map { "entry \($0)" } ?? "no entry")", file: file, line: line)
            return nil
        case let .failure(f):
            XCTAssertEqual(f.index, index, "wrong index named: \(f)", file: file, line: line)
            XCTAssertEqual(f.kind, kind, "wrong kind: \(f)", file: file, line: line)
            if let index { XCTAssertTrue(f.description.hasPrefix("entry \(index): "), f.description, file: file, line: line) }
            if let mentioning { XCTAssertTrue(f.description.contains(mentioning), "\(f) should mention \(mentioning)", file: file, line: line) }
            return f
        }
    }

    func report(file: StaticString = #filePath, line: UInt = #line) throws -> AuditReport {
        switch self {
        case let .success(r): return r
        case let .failure(f):
            XCTFail("verification failed: \(f)", file: file, line: line)
            throw f
        }
    }
}

/// The entries the vault holds, parsed.
func storedEntries(_ t: TestVault) throws -> [LogEntry] {
    try t.raw().queue.read { db in
        try Data.fetchAll(db, sql: "SELECT entry FROM log_entries ORDER BY idx").map { try LogEntry.parse([UInt8]($0)) }
    }
}
