import SodiumKit

extension Vault {
    /// Logs an attempt that never got a session: a key not on the roster, a revoked member, or a
    /// wrong passphrase for a known key file. The entry is signed with the presented key when
    /// there is one (else a throwaway key) and is not checkpointed by itself; the next member's
    /// append covers it.
    public func logRefusedAttempt(presented: PublicIdentity?, signingKey: SigningSecretKey?, command: String, error: VaultError) {
        _ = try? write { db in
            let state = try loadState(db)
            let claimed = presented.flatMap { state.roster.entry(for: $0) }
            let key = try signingKey ?? SigningSecretKey.generate()
            var detail = ["command": command, "error": error.kind.logName]
            if let claimed { detail["claimed"] = claimed.id }
            try appendLog(db, state: state, actor: LogEntry.unknownActor, key: key, checkpoint: false,
                          action: LogAction.accessDenied.rawValue, caseID: nil, fields: [], detail: detail, reason: nil)
        }
    }
}
