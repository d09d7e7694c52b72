import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// All of the vault's persistence. The core reaches `vault.sqlite` only through a `VaultStore`
/// and the `StoreTransaction` it hands to a transaction body; nothing outside Storage/ imports
/// GRDB, writes SQL or reads a column. Every value read is validated here (ranges, lengths), so
/// a damaged database gives a one-line `VaultError`, never a trap.
///
/// The seam for a second backend (PostgreSQL is planned): another store provides the same
/// `read`/`write` over its own connection and the same `StoreTransaction` operations (the
/// extensions beside each `*Record` type); the callers above Storage/ do not change.
final class VaultStore: Sendable {
    static let fileName = "vault.sqlite"

    private let pool: DatabasePool

    private init(pool: DatabasePool) { self.pool = pool }

    /// Opens (creating when `create`) and migrates. Refuses a database written by a newer CaseVault.
    static func open(path: String, create: Bool) throws(VaultError) -> VaultStore {
        // A new database file is made private first; SQLite gives its -wal and -shm files the
        // database file's mode, so all three are 0600.
        if create { try SecureFile.createExclusive(path, []) }
        do {
            let pool = try DatabasePool(path: path, configuration: VaultSchema.configuration())
            let migrator = VaultSchema.migrator()
            if try pool.read({ try migrator.hasBeenSuperseded($0) }) {
                throw VaultError.format("the vault was written by a newer version of CaseVault; upgrade before opening it")
            }
            if !create {
                let known = try pool.read { try $0.tableExists(MetaRecord.databaseTableName) }
                guard known else { throw VaultError.format("\(path) is not a CaseVault vault") }
            }
            try migrator.migrate(pool)
            return VaultStore(pool: pool)
        } catch let e as VaultError { throw e } catch let e as DatabaseError {
            throw .io("database error (\(e.resultCode)) at \(path)", cause: e)
        } catch { throw .io("cannot open the vault database", cause: error) }
    }

    /// Runs `body` in one write transaction; a thrown error rolls everything back.
    func write<T>(_ body: (StoreTransaction) throws -> T) throws(VaultError) -> T {
        do {
            return try pool.write { db in
                let tx = StoreTransaction(db: db, versions: VersionLedger())
                let result = try body(tx)
                try tx.versions.requireEveryVersionNamed()
                return result
            }
        } catch let e as VaultError { throw e } catch let e as DatabaseError {
            throw .io("database error (\(e.resultCode))", cause: e)
        } catch { throw .io("database write failed", cause: error) }
    }

    /// Runs `body` on one read snapshot.
    func read<T>(_ body: (StoreTransaction) throws -> T) throws(VaultError) -> T {
        do { return try pool.read { try body(StoreTransaction(db: $0, versions: VersionLedger())) } } catch let e as VaultError { throw e } catch let e as DatabaseError {
            throw .io("database error (\(e.resultCode))", cause: e)
        } catch { throw .io("database read failed", cause: error) }
    }

    /// Moves the write-ahead log into the database file (tests use it to edit the file directly).
    func checkpointWriteAheadLog() throws(VaultError) {
        do { _ = try pool.writeWithoutTransaction { try $0.checkpoint(.truncate) } } catch { throw .io("cannot checkpoint the database", cause: error) }
    }

    /// Copies the whole database to a new private file at `path` (SQLite's online backup).
    func backup(to path: String) throws(VaultError) {
        try SecureFile.createExclusive(path, [])
        do { try pool.backup(to: try DatabaseQueue(path: path, configuration: VaultSchema.configuration())) } catch {
            throw .io("cannot copy the vault database", cause: error)
        }
    }

    /// Puts a copy made by `backup(to:)` back over the live database.
    func restore(from path: String) throws(VaultError) {
        do { try DatabaseQueue(path: path, configuration: VaultSchema.configuration()).backup(to: pool) } catch {
            throw .io("cannot restore the vault database", cause: error)
        }
    }

    func close() { try? pool.close() }
}

/// One transaction (or read snapshot) on the store: the only handle the core's operations get.
package struct StoreTransaction {
    let db: Database
    /// The versions this transaction stored and the log entries that named them.
    let versions: VersionLedger
}

/// Every case version a transaction stores must be named by a log entry appended in the same
/// transaction (docs/FORMAT.md, "What a log entry names"); a transaction that stored a version
/// no entry names is rolled back instead of committed, so no client is left with an unlogged
/// version that every other client refuses.
final class VersionLedger {
    private var stored: Set<VersionKey> = []
    private var named: Set<VersionKey> = []

    struct VersionKey: Hashable {
        let caseID: CaseID
        let version: UInt64
    }

    func noteStored(_ caseID: CaseID, version: UInt64) { stored.insert(VersionKey(caseID: caseID, version: version)) }
    func noteNamed(_ caseID: CaseID, version: UInt64) { named.insert(VersionKey(caseID: caseID, version: version)) }

    func requireEveryVersionNamed() throws(VaultError) {
        guard let unnamed = stored.subtracting(named).first else { return }
        throw .io("case \(unnamed.caseID) version \(unnamed.version) was stored without the log entry that names it; nothing was written")
    }
}

/// Checked conversions for values read from the database: out of range is damage, not a trap.
enum StoredValue {
    static func unsigned(_ value: Int64, _ what: @autoclosure () -> String) throws(VaultError) -> UInt64 {
        guard let v = UInt64(exactly: value) else { throw .format("\(what()) holds an out-of-range value (\(value))") }
        return v
    }

    static func signed(_ value: UInt64, _ what: @autoclosure () -> String) throws(VaultError) -> Int64 {
        guard let v = Int64(exactly: value) else { throw .input("\(what()) is too large (\(value))") }
        return v
    }
}
