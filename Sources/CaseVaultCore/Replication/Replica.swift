import Foundation
import SodiumKit
import TransparencyLog

/// A workstation's replica of a shared vault is an ordinary vault file: rows pulled from the
/// server are applied here and then verified like any vault (`ClientAnchor`, the log follower),
/// so nothing the server says is trusted beyond what those checks accept.
extension Vault {
    /// Every replicated row of this vault.
    public func replicaRows() throws(VaultError) -> [SyncRow] {
        try read { db in try db.allSyncRows() }
    }

    /// Applies pulled rows in one transaction, then rebuilds the log's derived state and the
    /// keyring file. A row that would rewrite or delete signed history is refused and nothing is applied.
    public func applyPulled(_ rows: [SyncRow]) throws(VaultError) {
        guard !rows.isEmpty else { return }
        try Self.checkPulled(rows, vaultID: vaultID)
        try write { db in
            try db.applySyncRows(rows)
            try db.rebuildLogDerivedState()
        }
        try exportNewestRoster()
    }

    /// Makes a new replica at `directory` from a server's rows, refusing them unless the vault's
    /// centre root key has the fingerprint its owner read out.
    public static func createReplica(at directory: String, rows: [SyncRow], rootFingerprint: String) throws(VaultError) -> Vault {
        let meta = Dictionary(rows.filter { $0.table == "meta" }.compactMap { r -> (String, String)? in
            guard let k = r.key.first?.text, let v = r.value("value")?.text else { return nil }
            return (k, v)
        }, uniquingKeysWith: { a, _ in a })
        guard let idText = meta["vault_id"], let id = VaultID(hex: idText), let root = meta["root_key"].flatMap({ Base64.decode($0) }),
              let rootKey = try? SigningPublicKey(bytes: root) else { throw .format("the server sent no vault metadata") }
        guard Fingerprint.matches(rootFingerprint, Fingerprint.root(rootKey)) else {
            throw .auth("the server's vault has another centre root key (fingerprint \(Fingerprint.root(rootKey))): not the vault the leader read out")
        }
        try checkPulled(rows, vaultID: id)
        let fm = FileManager.default
        let path = directory + "/" + VaultStore.fileName
        guard !fm.fileExists(atPath: path) else { throw .refused("a vault already exists at \(directory)") }
        do {
            try fm.createDirectory(atPath: directory + "/Keys", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try fm.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory)
        } catch { throw .io("cannot create \(directory)", cause: error) }
        let store = try VaultStore.open(path: path, create: true)
        do {
            try store.write { db in
                try db.applySyncRows(rows)
                try db.rebuildLogDerivedState()
            }
            store.close()
            let vault = try Vault.open(at: directory)
            try vault.exportNewestRoster()
            return vault
        } catch {
            store.close()
            for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: path + suffix) }
            throw error
        }
    }

    /// Checks what can be checked of pulled rows alone: each row's shape, and each log entry's
    /// leaf hash, vault and index (the frontier is rebuilt from these leaves).
    private static func checkPulled(_ rows: [SyncRow], vaultID: VaultID) throws(VaultError) {
        for row in rows {
            try SyncTables.check(row)
            guard row.table == "log_entries", row.values != nil else { continue }
            guard let idx = row.key.first?.integer, let bytes = row.value("entry")?.blob, let leaf = row.value("leaf_hash")?.blob,
                  leaf == Merkle.leafHash(bytes) else { throw .auth("the server sent a log entry whose leaf hash does not match it") }
            let entry = try LogEntry.parse(bytes)
            guard entry.vaultID == vaultID, entry.index == UInt64(exactly: idx) else {
                throw .auth("the server sent log entry \(idx) of another vault or position")
            }
        }
    }

    private func exportNewestRoster() throws(VaultError) {
        let rows = try read { db in try db.rosters() }
        guard let newest = rows.max(by: { $0.serial < $1.serial }) else { return }
        try exportKeyring(try RosterCache.verified(newest.text, trustedRoot: rootKey))
    }
}
