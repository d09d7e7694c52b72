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
            for index in stride(from: size, to: size > window ? size - window : 0, by: -1) {
                guard let bytes = try db.logEntry(at: index - 1), let e = try? LogEntry.parse(bytes) else { continue }
                guard e.action == LogAction.caseOpen.rawValue, e.caseID == caseID, e.signer == signer, e.vaultID == vaultID,
                      e.index == index - 1, !(e.time < since), !(until < e.time), (try? e.verifySignature()) != nil else { continue }
                return true
            }
            return false
        }
    }
}

extension Session {
    /// Appends a `case.open` entry: the member's key agent is about to release keys of `caseID`.
    package func logCaseOpening(_ caseID: CaseID) throws(VaultError) {
        try vault.write { db in
            let state = try vault.loadState(db)
            try vault.appendLog(db, state: state, session: self, action: .caseOpen, caseID: caseID, fields: [], detail: [:], reason: nil)
        }
    }
}
