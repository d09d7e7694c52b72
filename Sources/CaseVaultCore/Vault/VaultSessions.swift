import SodiumKit

/// How a command gets a session: with a key file and its passphrase, or with keys a key agent holds.
extension Vault {
    /// Opens a session with the key file at `path`. A wrong passphrase (or a damaged key file)
    /// is logged as an attempt by the key file's public identity, and a key the roster refuses
    /// is logged by `Session.init`: every refused opening is in the log, whoever calls.
    /// The session also holds the key file's client anchor: the vault's root must be the pinned
    /// one and its state must not have gone back (`reanchoring`: the leader restoring a backup).
    public func openSession(keyFile path: String, passphrase: SecureBytes, command: String, reanchoring: Bool = false) throws(VaultError) -> Session {
        let identity: SecretIdentity
        do throws(VaultError) { identity = try KeyFile.load(from: path, passphrase: passphrase) } catch where error.kind == .authenticationFailed {
            logRefusedAttempt(presented: try? KeyFile.loadPublic(from: path), signingKey: nil, command: command, error: error)
            throw error
        }
        return try openSession(keyFile: path, keys: identity, command: command, reanchoring: reanchoring)
    }

    /// Opens a session with keys already unlocked (a key file read with its passphrase, or the
    /// key agent holding the key file at `path`), under the same pin and freshness checks.
    public func openSession(keyFile path: String, keys: any MemberKeys, command: String, reanchoring: Bool = false) throws(VaultError) -> Session {
        _ = try Session(vault: self, identity: keys, command: command)  // a key not on the roster is refused (and logged) first
        if format == Self.migratableFormat {
            // Only `vault migrate` opens a format-1 vault with keys: it needs the centre root secret
            // matching the vault's root (which is a stronger pin than a fingerprint), and verifies the whole vault.
            return try Session(vault: self, identity: keys, command: command)
        }
        let anchor = try ClientAnchor.open(keyFile: path, identity: keys, vault: self, reanchoring: reanchoring)
        let session = try Session(vault: self, identity: keys, command: command, anchor: anchor)
        // Every command's session first completes the grants this member can give (Cases/CaseGrants.swift).
        if !reanchoring { session.completePendingGrants() }
        return session
    }
}
