import Foundation
import GRDB
import TransparencyLog

/// `log_entries`: the access log's entries by index, with their RFC 6962 leaf hashes.
struct LogEntryRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "log_entries"
    enum CodingKeys: String, CodingKey, ColumnExpression { case index = "idx", entry, leafHash = "leaf_hash" }
    var index: Int64
    var entry: Data
    var leafHash: Data
}

/// `log_frontier`: the one row holding the Merkle frontier (compact range) of the whole log.
struct LogFrontierRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "log_frontier"
    var id: Int64 = 1
    var size: Int64
    var hashes: Data
}

/// `log_checkpoints`: the checkpoint note signed by the member whose append reached `size`.
struct LogCheckpointRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "log_checkpoints"
    var size: Int64
    var note: Data
}

/// `log_cosignatures`: a witness's cosigned checkpoint note, one per size and witness.
struct LogCosignatureRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "log_cosignatures"
    var size: Int64
    var witness: String
    var note: Data
}

/// `log_reasons`: a free-text reason sealed to its readers, by the index of its entry.
struct LogReasonRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "log_reasons"
    enum CodingKeys: String, CodingKey { case index = "idx", sealed }
    var index: Int64
    var sealed: Data
}

/// A stored entry with its index checked.
struct StoredLogEntry { let index: UInt64; let bytes: [UInt8] }

extension StoreTransaction {
    func logEntryCount() throws -> Int { try LogEntryRecord.fetchCount(db) }

    func logFrontier() throws -> CompactRange {
        guard let r = try LogFrontierRecord.fetchOne(db, key: 1) else { return CompactRange() }
        let flat = [UInt8](r.hashes)
        guard flat.count % 32 == 0, let size = UInt64(exactly: r.size) else { throw VaultError.format("log frontier is corrupt") }
        let hashes = stride(from: 0, to: flat.count, by: 32).map { Array(flat[$0..<$0 + 32]) }
        do { return try CompactRange(size: size, hashes: hashes) } catch { throw VaultError.format("log frontier is corrupt", cause: error) }
    }

    func saveLogFrontier(_ frontier: CompactRange) throws {
        try LogFrontierRecord(size: try StoredValue.signed(frontier.size, "log size"), hashes: Data(frontier.hashes.flatMap { $0 }))
            .insert(db, onConflict: .replace)
    }

    // Appends use cached statements: a listing appends one entry per case it shows.
    func insertLogEntry(index: UInt64, bytes: [UInt8], leafHash: [UInt8]) throws {
        try db.cachedStatement(sql: "INSERT INTO log_entries (idx, entry, leaf_hash) VALUES (?, ?, ?)")
            .execute(arguments: [try StoredValue.signed(index, "log index"), Data(bytes), Data(leafHash)])
    }

    func insertLogReason(index: UInt64, sealed: [UInt8]) throws {
        try db.cachedStatement(sql: "INSERT INTO log_reasons (idx, sealed) VALUES (?, ?)")
            .execute(arguments: [try StoredValue.signed(index, "log index"), Data(sealed)])
    }

    func insertCheckpoint(size: UInt64, note: [UInt8]) throws {
        try LogCheckpointRecord(size: try StoredValue.signed(size, "checkpoint size"), note: Data(note)).insert(db)
    }

    /// The latest checkpoint note as its signer stored it (highest size).
    func latestCheckpoint() throws -> [UInt8]? {
        try LogCheckpointRecord.order(Column("size").desc).fetchOne(db).map { [UInt8]($0.note) }
    }

    /// Cosigned notes for checkpoints of `size`, by witness name.
    func cosignatures(size: UInt64) throws -> [[UInt8]] {
        try LogCosignatureRecord.filter(Column("size") == (try StoredValue.signed(size, "checkpoint size")))
            .order(Column("witness")).fetchAll(db).map { [UInt8]($0.note) }
    }

    /// Every cosigned note, by size then witness.
    func allCosignatures() throws -> [(size: UInt64, note: [UInt8])] {
        try LogCosignatureRecord.order(Column("size"), Column("witness")).fetchAll(db).map { r throws(VaultError) in
            (try StoredValue.unsigned(r.size, "a cosigned checkpoint's size"), [UInt8](r.note))
        }
    }

    func saveCosignature(size: UInt64, witness: String, note: [UInt8]) throws {
        try LogCosignatureRecord(size: try StoredValue.signed(size, "checkpoint size"), witness: witness, note: Data(note))
            .insert(db, onConflict: .replace)
    }

    func logEntry(at index: UInt64) throws -> [UInt8]? {
        guard let i = Int64(exactly: index) else { return nil }
        return try LogEntryRecord.fetchOne(db, key: i).map { [UInt8]($0.entry) }
    }

    /// The newest entry's bytes.
    package func lastLogEntry() throws -> [UInt8]? {
        try LogEntryRecord.order(LogEntryRecord.CodingKeys.index.desc).fetchOne(db).map { [UInt8]($0.entry) }
    }

    /// The stored leaf hashes of entries 0..<size, back to back; a gap or a damaged hash is refused.
    func leafHashes(size: UInt64) throws -> [UInt8] {
        let limit = try StoredValue.signed(size, "log size")
        var flat = [UInt8]()
        flat.reserveCapacity(Int(clamping: size) * 32)
        var expected: Int64 = 0
        let rows = try Row.fetchCursor(db, sql: "SELECT idx, leaf_hash FROM log_entries WHERE idx < ? ORDER BY idx", arguments: [limit])
        while let row = try rows.next() {
            let hash = row["leaf_hash"] as Data
            guard row["idx"] as Int64 == expected, hash.count == 32 else { throw VaultError.format("stored log entry \(expected) is missing or damaged") }
            flat += hash
            expected += 1
        }
        guard expected == limit else { throw VaultError.format("the stored log holds \(expected) entries, fewer than its checkpoint's \(size)") }
        return flat
    }

    /// The stored leaf hashes from entry `start` on, in index order, checked to follow on without a gap.
    func leafHashList(from start: UInt64) throws -> [[UInt8]] {
        var expected = try StoredValue.signed(start, "log index")
        var out: [[UInt8]] = []
        let rows = try Row.fetchCursor(db, sql: "SELECT idx, leaf_hash FROM log_entries WHERE idx >= ? ORDER BY idx", arguments: [expected])
        while let row = try rows.next() {
            let hash = row["leaf_hash"] as Data
            guard row["idx"] as Int64 == expected, hash.count == 32 else { throw VaultError.format("stored log entry \(expected) is missing or damaged") }
            out.append([UInt8](hash))
            expected += 1
        }
        return out
    }

    /// Calls `body` with each stored entry (index order) that contains every one of `needles`,
    /// so SQLite skips the rest without a parse.
    func forEachLogEntry(containing needles: [[UInt8]] = [], _ body: (StoredLogEntry) throws -> Void) throws {
        let condition = needles.isEmpty ? "" : " WHERE " + needles.map { _ in "instr(entry, ?) > 0" }.joined(separator: " AND ")
        let rows = try Row.fetchCursor(db, sql: "SELECT idx, entry FROM log_entries\(condition) ORDER BY idx",
                                       arguments: StatementArguments(needles.map { Data($0) as DatabaseValueConvertible }))
        while let row = try rows.next() {
            let index = try StoredValue.unsigned(row["idx"] as Int64, "a stored log entry's index")
            try body(StoredLogEntry(index: index, bytes: [UInt8](row["entry"] as Data)))
        }
    }
}
