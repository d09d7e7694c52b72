import Foundation
import GRDB

extension StoreTransaction {
    /// Calls `body` with the bytes of every entry from `start` on, in index order, checked to follow on without a gap.
    func forEachLogEntry(from start: UInt64, _ body: ([UInt8]) throws -> Void) throws {
        var expected = try StoredValue.signed(start, "log index")
        let rows = try Row.fetchCursor(db, sql: "SELECT idx, entry FROM log_entries WHERE idx >= ? ORDER BY idx", arguments: [expected])
        while let row = try rows.next() {
            guard row["idx"] as Int64 == expected else { throw VaultError.format("stored log entry \(expected) is missing") }
            try body([UInt8](row["entry"] as Data))
            expected += 1
        }
    }

    /// Every stored case with its highest version number.
    func caseHeadVersions() throws -> [CaseID: UInt64] {
        var out: [CaseID: UInt64] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT case_id, MAX(version) AS head FROM case_versions GROUP BY case_id")
        while let row = try rows.next() {
            out[CaseID(unchecked: [UInt8](row["case_id"] as Data))] = try StoredValue.unsigned(row["head"] as Int64, "a stored case version number")
        }
        return out
    }
}

extension StoreTransaction {
    /// Calls `body` with every stored case version, by case id, then version.
    func forEachCaseVersion(_ body: (CaseID, StoredVersion) throws -> Void) throws {
        let rows = try Row.fetchCursor(db, sql: "SELECT case_id, version, body, signature FROM case_versions ORDER BY case_id, version")
        while let row = try rows.next() {
            let version = try StoredValue.unsigned(row["version"] as Int64, "a stored case version number")
            try body(CaseID(unchecked: [UInt8](row["case_id"] as Data)),
                     StoredVersion(version: version, body: [UInt8](row["body"] as Data), signature: [UInt8](row["signature"] as Data)))
        }
    }
}
