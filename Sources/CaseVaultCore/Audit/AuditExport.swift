import Foundation
import TransparencyLog
#if canImport(Glibc)
import Glibc
#endif

/// What an export wrote.
public struct AuditExportSummary: Sendable {
    public let folder: String
    public let entries: UInt64
    public let checkpointSize: UInt64
    public let rosters: Int
    public let cosignedCheckpoints: Int
}

/// Writing the auditor's export folder.
struct AuditExportOperation: SessionBound {
    let session: Session

    /// Writes the auditor's self-contained export folder (see `AuditExportFormat`). The export
    /// is logged first, in a transaction of its own, so it is in the log it exports; the files are
    /// then written from one read snapshot into a private temporary folder and renamed into place.
    /// `dir` must not exist, or be an empty folder.
    func exportAudit(to dir: String) throws(VaultError) -> AuditExportSummary {
        try requireAuditRole(LogAction.auditExport.rawValue)
        try AuditExportWriter.checkTarget(dir)
        try vault.write { db in
            let state = try vault.loadState(db)
            try vault.appendLog(db, state: state, session: session, action: .auditExport, caseID: nil, fields: [], detail: [:], reason: nil)
        }
        return try vault.read { db in try AuditExportWriter(vault: vault, db: db).write(to: dir) }
    }
}

/// Writes the folder. Only log rows, rosters, public metadata and the hashes of policies and
/// case versions leave the vault: never a case version's content, a sealed reason or a key.
struct AuditExportWriter {
    let vault: Vault
    let db: StoreTransaction

    static func checkTarget(_ dir: String) throws(VaultError) {
        let parent = URL(fileURLWithPath: dir).standardizedFileURL.deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: parent) else { throw .notFound("the folder \(parent) does not exist") }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) else { return }
        guard isDir.boolValue, (try? FileManager.default.contentsOfDirectory(atPath: dir))?.isEmpty == true else {
            throw .refused("\(dir) already exists and is not an empty folder; refusing to overwrite it")
        }
    }

    func write(to dir: String) throws -> AuditExportSummary {
        let url = URL(fileURLWithPath: dir).standardizedFileURL
        let tmpPrefix = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-").path
        // An export killed half-way left its private temporary folder behind: remove it now.
        SecureFile.removeStaleTemporaries(prefix: tmpPrefix)
        let tmp = tmpPrefix + String(getpid())
        try? FileManager.default.removeItem(atPath: tmp)
        // The log says who looked at which case: private to the auditor, like the vault itself.
        guard mkdir(tmp, 0o700) == 0, mkdir(tmp + "/" + AuditExportFormat.rostersFolder, 0o700) == 0,
              mkdir(tmp + "/" + AuditExportFormat.cosignedFolder, 0o700) == 0
        else { throw VaultError.io("cannot create a folder beside \(dir)") }
        do {
            let summary = try writeFiles(into: tmp, finalName: url.path)
            try? FileManager.default.removeItem(atPath: url.path)  // an empty folder, checked before
            guard rename(tmp, url.path) == 0 else { throw VaultError.io("cannot move the export into \(dir)") }
            return summary
        } catch {
            try? FileManager.default.removeItem(atPath: tmp)
            throw error
        }
    }

    private func writeFiles(into tmp: String, finalName: String) throws -> AuditExportSummary {
        let manifest = AuditManifest(vaultID: vault.vaultID, rootKey: vault.rootKey, vaultFormat: Vault.formatVersion, exported: vault.clock.now())
        try ExportFile.write(tmp + "/" + AuditExportFormat.manifestFile, Array(manifest.text.utf8))

        let rosters = try db.rosters()
        for row in rosters {
            let name = AuditExportFormat.rosterFileName(row.serial)
            try ExportFile.write(tmp + "/" + AuditExportFormat.rostersFolder + "/" + name, Array(row.text.utf8))
        }

        let out = try ExportFile(tmp + "/" + AuditExportFormat.entriesFile)
        try out.append(EntryFraming.headerBytes)
        var entries: UInt64 = 0
        try db.forEachLogEntry { row in
            try out.append([0x0A])
            try out.append(row.bytes)
            entries += 1
        }
        try out.close()

        try ExportFile.write(tmp + "/" + AuditExportFormat.versionsFile, Array(try versionsFile().text.utf8))
        if let migration = try db.metaValue(MigrationStatement.metaKey) {
            try ExportFile.write(tmp + "/" + AuditExportFormat.migrationFile, Array(migration.utf8))
        }

        guard let latest = try vault.latestCheckpointNote(db) else { throw VaultError.notFound("the log has no checkpoint yet") }
        try ExportFile.write(tmp + "/" + AuditExportFormat.checkpointFile, latest.bytes)

        var ordinal: [UInt64: Int] = [:]
        let cosigned = try db.allCosignatures()
        for row in cosigned {
            ordinal[row.size, default: 0] += 1
            let name = AuditExportFormat.cosignedFileName(size: row.size, ordinal: ordinal[row.size, default: 1])
            try ExportFile.write(tmp + "/" + AuditExportFormat.cosignedFolder + "/" + name, row.note)
        }
        let size = (try? Checkpoint.parse(latest.text).size) ?? 0
        return AuditExportSummary(folder: finalName, entries: entries, checkpointSize: size, rosters: rosters.count, cosignedCheckpoints: cosigned.count)
    }
}

extension AuditExportWriter {
    /// Every stored policy and case version by number and hash.
    func versionsFile() throws -> VersionsFile {
        var f = VersionsFile()
        f.policies = try db.policies().sorted { $0.serial < $1.serial }.map { ($0.serial, StateHashes.policy(bytes: $0.bytes, signature: $0.signature)) }
        try db.forEachCaseVersion { c, v in f.cases[c, default: []].append((v.version, StateHashes.version(body: v.body, signature: v.signature))) }
        return f
    }
}

/// A new private file (O_EXCL, 0600) written through a buffer and synced on close: the entries
/// file of a large log is streamed, never held whole in memory.
final class ExportFile {
    private let fd: Int32
    private let path: String
    private var buffer: [UInt8] = []
    private var closed = false

    init(_ path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw VaultError.io("cannot create \(path)") }
        buffer.reserveCapacity(1 << 20)
    }

    static func write(_ path: String, _ bytes: [UInt8]) throws {
        let f = try ExportFile(path)
        try f.append(bytes)
        try f.close()
    }

    func append(_ bytes: [UInt8]) throws {
        buffer += bytes
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws {
        var written = 0
        while written < buffer.count {
            let n = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, buffer.count - written) }
            guard n > 0 else { throw VaultError.io("cannot write \(path)") }
            written += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    deinit { if !closed { Glibc.close(fd) } }

    func close() throws {
        defer {
            Glibc.close(fd)
            closed = true
        }
        try flush()
        guard fsync(fd) == 0 else { throw VaultError.io("cannot sync \(path)") }
    }
}
