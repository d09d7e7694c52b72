import Foundation
import SodiumKit

/// The replica as it was before a command wrote to it, with the client's remembered state: put
/// back when the server refuses the command's push because the vault moved on, so the replica
/// stays a copy of the server's vault and the command can simply be run again.
public final class ReplicaSnapshot {
    private let vault: Vault
    private let databaseCopy: String
    private let statePath: String?
    private let stateBytes: [UInt8]?

    public init(vault: Vault, keyFile: String?) throws(VaultError) {
        self.vault = vault
        databaseCopy = vault.directory + "/.replica-before-" + Hex.encode(Random.bytes(8)) + ".sqlite"
        try vault.store.backup(to: databaseCopy)
        statePath = keyFile.map { ClientState.path(forKeyFile: $0, vault: vault.vaultID) }
        stateBytes = statePath.flatMap { FileManager.default.fileExists(atPath: $0) ? try? SecureFile.readPrivate($0, what: "client state file") : nil }
    }

    /// Puts the database and the client state back as they were.
    public func restore() throws(VaultError) {
        try vault.store.restore(from: databaseCopy)
        if let statePath {
            if let stateBytes { try SecureFile.replaceAtomically(statePath, stateBytes, mode: 0o600) } else { try? FileManager.default.removeItem(atPath: statePath) }
        }
        discard()
    }

    public func discard() { try? FileManager.default.removeItem(atPath: databaseCopy) }

    deinit { discard() }
}
