import Foundation
import GRDB
import TransparencyLog

/// Reading and applying replicated rows (`SyncTables`) on the SQLite vault. The column lists
/// come from the catalogue, never from input: a table or column name from the wire is looked up
/// there first, so no SQL is built from untrusted text.
extension StoreTransaction {
    /// Every replicated row of the vault, in the catalogue's table order.
    func allSyncRows() throws -> [SyncRow] {
        var rows: [SyncRow] = []
        for t in SyncTables.all {
            let cols = t.columns.map { "\"\($0)\"" }.joined(separator: ", ")
            for r in try Row.fetchAll(db, sql: "SELECT \(cols) FROM \"\(t.name)\"") {
                let values = try (0..<t.columns.count).map { i throws -> SyncValue in try Self.syncValue(r[i] as DatabaseValue) }
                let key = t.key.map { values[t.columns.firstIndex(of: $0)!] }
                let row = SyncRow(table: t.name, key: key, values: values)
                if t.name == "meta", case .text(let k)? = key.first, SyncTables.localMetaKeys.contains(k) { continue }
                rows.append(row)
            }
        }
        return rows
    }

    /// The stored row with this table and key, if any.
    func syncRow(table t: SyncTable, key: [SyncValue]) throws -> SyncRow? {
        let cols = t.columns.map { "\"\($0)\"" }.joined(separator: ", ")
        let filter = t.key.map { "\"\($0)\" IS ?" }.joined(separator: " AND ")
        guard let r = try Row.fetchOne(db, sql: "SELECT \(cols) FROM \"\(t.name)\" WHERE \(filter)", arguments: Self.arguments(key))
        else { return nil }
        let values = try (0..<t.columns.count).map { i throws -> SyncValue in try Self.syncValue(r[i] as DatabaseValue) }
        return SyncRow(table: t.name, key: key, values: values)
    }

    /// Applies rows pulled from a server: append-only rows are only ever added (a different row
    /// under a stored key, or a deletion, is refused as a fork or a rollback); others are upserted.
    func applySyncRows(_ rows: [SyncRow]) throws {
        for row in rows.sorted(by: { SyncTables.order($0.table) < SyncTables.order($1.table) }) {
            try SyncTables.check(row)
            let t = SyncTables.table(row.table)!
            let stored = try syncRow(table: t, key: row.key)
            if stored == row { continue }
            let filter = t.key.map { "\"\($0)\" IS ?" }.joined(separator: " AND ")
            let keyArgs = Self.arguments(row.key)
            guard let values = row.values else {
                if t.appendOnly, stored != nil { throw VaultError.auth("the server deletes \(t.name) row \(row.keyText) (append-only): refused as a rollback") }
                try db.execute(sql: "DELETE FROM \"\(t.name)\" WHERE \(filter)", arguments: keyArgs)
                continue
            }
            if t.appendOnly, stored != nil {
                throw VaultError.auth("the server's \(t.name) row \(row.keyText.replacingOccurrences(of: "\n", with: " ")) differs from this replica's (append-only): a fork or a rewrite")
            }
            let cols = t.columns.map { "\"\($0)\"" }.joined(separator: ", ")
            let marks = Array(repeating: "?", count: t.columns.count).joined(separator: ", ")
            try db.execute(sql: "INSERT OR REPLACE INTO \"\(t.name)\" (\(cols)) VALUES (\(marks))", arguments: Self.arguments(values))
        }
    }

    /// Recomputes the derived log state (frontier, last time) after entries arrived.
    func rebuildLogDerivedState() throws {
        var frontier = try logFrontier()
        for leaf in try leafHashList(from: frontier.size) { try frontier.append(leafHash: leaf) }
        try saveLogFrontier(frontier)
        let count = try logEntryCount()
        if count > 0, let bytes = try logEntry(at: UInt64(count - 1)) {
            let time = try LogEntry.parse(bytes).time
            if (try logLastTime()).map({ $0 < time }) ?? true { try setLogLastTime(time) }
        }
    }

    private static func syncValue(_ v: DatabaseValue) throws -> SyncValue {
        switch v.storage {
        case .null: .null
        case .int64(let i): .integer(i)
        case .string(let s): .text(s)
        case .blob(let d): .blob([UInt8](d))
        case .double: throw VaultError.format("a replicated column holds a real number")
        }
    }

    private static func arguments(_ values: [SyncValue]) -> StatementArguments {
        StatementArguments(values.map { databaseValue($0) as (any DatabaseValueConvertible)? })
    }

    private static func databaseValue(_ v: SyncValue) -> DatabaseValue {
        switch v {
        case .null: .null
        case .integer(let i): i.databaseValue
        case .text(let s): s.databaseValue
        case .blob(let b): Data(b).databaseValue
        }
    }
}
