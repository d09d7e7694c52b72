import SodiumKit

extension Vault {
    /// Logs an attempt that never got a session: a key not on the roster, a revoked member, or a
    /// wrong passphrase for a known key file. The entry is signed with the presented key when
    /// there is one (else a throwaway key) and is not checkpointed by itself; the next member's
    /// append covers it.
    public func logRefusedAttempt(presented: PublicIdentity?, signingKey: (any MessageSigner)?, command: String, error: VaultError) {
        _ = try? write { db in
            let state = try loadState(db)
            let claimed = presented.flatMap { state.roster.entry(for: $0) }
            let key: any MessageSigner = try signingKey ?? SigningSecretKey.generate()
            var detail = ["command": command, "error": error.kind.logName]
            if let claimed { detail["claimed"] = claimed.id }
            try appendLog(db, state: state, actor: LogEntry.unknownActor, key: key, checkpoint: false,
                          action: LogAction.accessDenied.rawValue, caseID: nil, fields: [], detail: detail, reason: nil)
        }
    }

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
        // Every command's session first completes the grants this member can give (Vault/CaseGrants.swift).
        if !reanchoring { session.completePendingGrants() }
        return session
    }
}

extension Session {
    /// Logs a refused action by an authenticated member (denied by policy, a failed signature
    /// check, a case outside their reach) in a transaction of its own, since the action's own
    /// transaction rolled back. Input errors are not attempts on data and are not logged.
    func recordRefusal(command: String, caseID: CaseID?, error: VaultError) {
        guard [.accessDenied, .authenticationFailed, .notFound].contains(error.kind) else { return }
        _ = try? vault.write { db in
            let state = try vault.loadState(db)
            try vault.appendLog(db, state: state, session: self, action: .accessDenied, caseID: caseID, fields: [],
                                detail: ["command": command, "error": error.kind.logName], reason: nil)
        }
    }

    /// Runs one operation; a refusal it meets is logged before the error reaches the caller.
    func loggingRefusal<T>(_ command: String, caseID: CaseID? = nil, _ body: () throws(VaultError) -> T) throws(VaultError) -> T {
        do { return try body() } catch {
            recordRefusal(command: command, caseID: caseID, error: error)
            throw error
        }
    }
}
