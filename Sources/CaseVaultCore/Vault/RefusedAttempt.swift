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
