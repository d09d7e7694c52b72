import Foundation
import GRDB

/// Rows of the recovery and break-glass tables (`v5-escrow`). Texts are the signed records as
/// written; whoever reads them verifies them (`EscrowStatement`, `EscrowKeyRecord`).
struct StoredEscrowRequest { let request: String; let kind: String; let caseID: CaseID; let text: String; let logIndex: UInt64 }
struct StoredEscrowStatement { let kind: String; let author: String; let text: String; let logIndex: UInt64 }
struct StoredReleasedKey { let request: String; let generation: UInt64; let index: UInt32; let holder: String; let grantText: String }

extension StoreTransaction {
    func insertEscrowKey(kind: String, epoch: UInt64, record: String) throws {
        try db.execute(sql: "INSERT INTO escrow_keys (kind, epoch, record) VALUES (?, ?, ?)",
                       arguments: [kind, try StoredValue.signed(epoch, "epoch"), record])
    }

    /// Every key record of `kind`, oldest epoch first.
    func escrowKeys(kind: String) throws -> [(epoch: UInt64, record: String)] {
        try Row.fetchAll(db, sql: "SELECT epoch, record FROM escrow_keys WHERE kind = ? ORDER BY epoch", arguments: [kind]).map { row throws(VaultError) in
            (try StoredValue.unsigned(row["epoch"], "an escrow key's epoch"), row["record"] as String)
        }
    }

    func insertEscrowWrap(kind: String, epoch: UInt64, holder: String, wrap: [UInt8]) throws {
        try db.execute(sql: "INSERT INTO escrow_wraps (kind, epoch, holder, wrap) VALUES (?, ?, ?, ?)",
                       arguments: [kind, try StoredValue.signed(epoch, "epoch"), holder, Data(wrap)])
    }

    func escrowWrap(kind: String, epoch: UInt64, holder: String) throws -> [UInt8]? {
        try Data.fetchOne(db, sql: "SELECT wrap FROM escrow_wraps WHERE kind = ? AND epoch = ? AND holder = ?",
                          arguments: [kind, try StoredValue.signed(epoch, "epoch"), holder]).map { [UInt8]($0) }
    }

    func insertEscrowRequest(request: String, kind: String, caseID: CaseID, text: String, logIndex: UInt64) throws {
        try db.execute(sql: "INSERT INTO escrow_requests (request, kind, case_id, text, log_idx) VALUES (?, ?, ?, ?, ?)",
                       arguments: [request, kind, Data(caseID.bytes), text, try StoredValue.signed(logIndex, "log index")])
    }

    func escrowRequest(_ request: String) throws -> StoredEscrowRequest? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM escrow_requests WHERE request = ?", arguments: [request]) else { return nil }
        return try Self.request(row)
    }

    func escrowRequests(kind: String) throws -> [StoredEscrowRequest] {
        try Row.fetchAll(db, sql: "SELECT * FROM escrow_requests WHERE kind = ? ORDER BY log_idx", arguments: [kind]).map { row throws(VaultError) in
            try Self.request(row)
        }
    }

    private static func request(_ row: Row) throws(VaultError) -> StoredEscrowRequest {
        let id = [UInt8](row["case_id"] as Data)
        guard id.count == 10 else { throw .format("an escrow request names a malformed case id") }
        return StoredEscrowRequest(request: row["request"], kind: row["kind"], caseID: CaseID(unchecked: id), text: row["text"],
                                   logIndex: try StoredValue.unsigned(row["log_idx"], "an escrow request's log index"))
    }

    func insertEscrowStatement(request: String, kind: String, author: String, text: String, logIndex: UInt64) throws {
        try db.execute(sql: "INSERT INTO escrow_statements (request, kind, author, text, log_idx) VALUES (?, ?, ?, ?, ?)",
                       arguments: [request, kind, author, text, try StoredValue.signed(logIndex, "log index")])
    }

    func escrowStatements(request: String) throws -> [StoredEscrowStatement] {
        try Row.fetchAll(db, sql: "SELECT * FROM escrow_statements WHERE request = ? ORDER BY log_idx", arguments: [request]).map { row throws(VaultError) in
            StoredEscrowStatement(kind: row["kind"], author: row["author"], text: row["text"],
                                  logIndex: try StoredValue.unsigned(row["log_idx"], "an escrow statement's log index"))
        }
    }

    func insertRecoveryPeel(request: String, step: Int, blob: [UInt8]) throws {
        try db.execute(sql: "INSERT INTO recovery_peels (request, step, blob) VALUES (?, ?, ?)", arguments: [request, step, Data(blob)])
    }

    /// The peel blobs of a request by step (1…).
    func recoveryPeels(request: String) throws -> [Int: [UInt8]] {
        var out: [Int: [UInt8]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT step, blob FROM recovery_peels WHERE request = ?", arguments: [request]) {
            out[row["step"]] = [UInt8](row["blob"] as Data)
        }
        return out
    }

    func insertReleasedKey(request: String, caseID: CaseID, generation: UInt64, index: UInt32, holder: String, grantText: String) throws {
        try db.execute(sql: "INSERT INTO released_keys (request, case_id, generation, class, holder, grant_text) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [request, Data(caseID.bytes), try StoredValue.signed(generation, "generation"), Int64(index), holder, grantText])
    }

    /// Keys released to `holder` on one case, under any request.
    func releasedKeys(caseID: CaseID, holder: String) throws -> [StoredReleasedKey] {
        try Row.fetchAll(try db.cachedStatement(sql: "SELECT * FROM released_keys WHERE case_id = ? AND holder = ? ORDER BY request, generation, class"),
                         arguments: [Data(caseID.bytes), holder]).map { row throws(VaultError) in
            guard let index = UInt32(exactly: row["class"] as Int64) else { throw .format("a released key names an out-of-range class") }
            return StoredReleasedKey(request: row["request"], generation: try StoredValue.unsigned(row["generation"], "a released key's generation"),
                                     index: index, holder: row["holder"], grantText: row["grant_text"])
        }
    }

    /// Every member some key of the case was released to.
    func releasedKeyHolders(caseID: CaseID) throws -> [String] {
        try String.fetchAll(try db.cachedStatement(sql: "SELECT DISTINCT holder FROM released_keys WHERE case_id = ? ORDER BY holder"),
                            arguments: [Data(caseID.bytes)])
    }

    /// Removes the keys released under one request (expired break-glass); `secure_delete` is on.
    func deleteReleasedKeys(request: String) throws {
        try db.execute(sql: "DELETE FROM released_keys WHERE request = ?", arguments: [request])
    }
}
