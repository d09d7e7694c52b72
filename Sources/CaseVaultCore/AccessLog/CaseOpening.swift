import SodiumKit

/// A case's keys leave a member's key agent only once a `case.open` entry, which the agent
/// appends itself, is in the vault's log. When a transaction asks an agent for keys first, the
/// agent refuses with this as the refusal's cause; `Vault.write` then rolls back, has the agent
/// log the opening, and runs the transaction again.
package struct UnloggedCaseOpening: Error, Sendable {
    package let caseID: CaseID
    /// Asks the agent to append the `case.open` entry.
    package let logOpening: @Sendable () throws(VaultError) -> Void

    package init(caseID: CaseID, logOpening: @escaping @Sendable () throws(VaultError) -> Void) {
        self.caseID = caseID
        self.logOpening = logOpening
    }

    /// At most this many openings are logged for one transaction (a listing opens every case it shows).
    static let maxPerTransaction = 512
}

extension VaultError {
    /// The unlogged opening behind this error, however deeply it was wrapped.
    var unloggedCaseOpening: UnloggedCaseOpening? {
        var cause: (any Error)? = self
        while let c = cause {
            if let opening = c as? UnloggedCaseOpening { return opening }
            cause = (c as? VaultError)?.cause
        }
        return nil
    }
}

extension Vault {
    /// Runs `body` (one transaction) again after each opening a key agent asked to have logged first.
    func retryingUnloggedOpenings<T>(_ body: () throws(VaultError) -> T) throws(VaultError) -> T {
        var logged = Set<CaseID>()
        while true {
            do { return try body() } catch {
                // A case logged once and still refused is not logged again: the refusal stands.
                guard let opening = error.unloggedCaseOpening, !logged.contains(opening.caseID),
                      logged.count < UnloggedCaseOpening.maxPerTransaction else { throw error }
                try opening.logOpening()
                logged.insert(opening.caseID)
            }
        }
    }

    /// Whether the last `window` entries of the log hold a `case.open` of `caseID` signed by
    /// `signer`, dated from `since` to `until`: what a key agent asks before releasing keys.
    package func hasLoggedOpening(of caseID: CaseID, by signer: SigningPublicKey, since: Timestamp, until: Timestamp,
                                  window: UInt64 = 64) throws(VaultError) -> Bool {
        try read { db in
            let size = try db.logFrontier().size
            for index in stride(from: size, to: size > window ? size - window : 0, by: -1)
            where try Self.isOpening(at: index - 1, of: caseID, by: signer, since: since, until: until, vaultID: vaultID, db: db) {
                return true
            }
            return false
        }
    }

    /// Whether the entry at `index` (which a key agent appended and remembers) is that opening:
    /// one row read, however long the log grew since.
    package func hasLoggedOpening(of caseID: CaseID, by signer: SigningPublicKey, since: Timestamp, until: Timestamp,
                                  at index: UInt64) throws(VaultError) -> Bool {
        try read { db in
            guard index < (try db.logFrontier().size) else { return false }
            return try Self.isOpening(at: index, of: caseID, by: signer, since: since, until: until, vaultID: vaultID, db: db)
        }
    }

    private static func isOpening(at index: UInt64, of caseID: CaseID, by signer: SigningPublicKey, since: Timestamp, until: Timestamp,
                                  vaultID: VaultID, db: StoreTransaction) throws -> Bool {
        guard let bytes = try db.logEntry(at: index), let e = try? LogEntry.parse(bytes) else { return false }
        return e.action == LogAction.caseOpen.rawValue && e.caseID == caseID && e.signer == signer && e.vaultID == vaultID
            && e.index == index && !(e.time < since) && !(until < e.time) && (try? e.verifySignature()) != nil
    }
}

extension Session {
    /// Appends a `case.open` entry: the member's key agent is about to release keys of `caseID`.
    package func logCaseOpening(_ caseID: CaseID) throws(VaultError) {
        _ = try logCaseOpenings([caseID])
    }

    /// Appends one `case.open` entry per case in one transaction (a listing announces every case
    /// it is about to open at once), checkpointed once after the last; returns each entry's index.
    package func logCaseOpenings(_ caseIDs: [CaseID]) throws(VaultError) -> [CaseID: UInt64] {
        try vault.write { db in
            let state = try vault.loadState(db)
            let indices = try vault.appendCaseEntries(db, state: state, session: self, action: .caseOpen,
                                                      entries: caseIDs.map { ($0, [], [:]) }, reason: nil, checkpointLast: true)
            return Dictionary(zip(caseIDs, indices)) { _, last in last }
        }
    }
}
