import GRDB
import TransparencyLog

extension Session {
    /// The leader's answer to a legitimately restored backup: signs, with the centre root key, the
    /// state the vault now holds (roster, policy, log) under a re-anchor serial higher than any
    /// before, stores it in the vault and logs it. Every client that remembered a newer state
    /// accepts the vault again from this state on; case heads are learned afresh.
    public func reanchor() throws(VaultError) -> (serial: UInt64, logSize: UInt64) {
        let root = try requireRoot(for: "vault reanchor")
        let statement: ReanchorStatement = try vault.write { db in
            let state = try vault.loadState(db)
            let stored = try db.metaValue(ReanchorStatement.metaKey)
            let previous = try stored.map { text throws(VaultError) in try ReanchorStatement.verify(text, vault: vault.vaultID, root: vault.rootKey).serial } ?? 0
            let frontier = try db.logFrontier()
            let statement = ReanchorStatement(
                vaultID: vault.vaultID, serial: max(previous, anchor?.anchorSerial ?? 0) + 1, rosterSerial: state.roster.serial,
                policySerial: UInt64(state.policy.serial), logSize: frontier.size, logRoot: frontier.root, time: clock.now())
            try db.setMetaValue(ReanchorStatement.metaKey, statement.signed(by: root))
            try vault.appendLog(db, state: state, session: self, action: .vaultReanchor, caseID: nil, fields: [],
                                detail: ["reanchor-serial": String(statement.serial)], reason: nil)
            return statement
        }
        anchor?.adopt(statement)
        return (statement.serial, statement.logSize)
    }
}
