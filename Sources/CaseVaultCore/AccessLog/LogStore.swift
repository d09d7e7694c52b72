import AccessPolicy
import Foundation
import SodiumKit
import TransparencyLog

/// Appending to the access log, inside the same transaction as the action it records: if the
/// entry cannot be written, the action rolls back (fail closed). Each append updates the Merkle
/// frontier and stores a checkpoint signed by the actor.
extension Vault {
    /// The checkpoint origin line: names this vault's log.
    public var logOrigin: String { LogNames.origin(of: vaultID) }

    /// The note key name a member signs checkpoints with.
    package func checkpointKeyName(_ memberID: String) -> String { LogNames.memberKeyName(vault: vaultID, member: memberID) }

    @discardableResult
    package func appendLog(_ db: StoreTransaction, state: VaultState, session: Session, action: LogAction, caseID: CaseID?,
                   fields: [String], detail: [String: String], reason: String?, time fixedTime: Timestamp? = nil,
                   checkpoint: Bool = true) throws -> LogEntry {
        // A resident's entry is signed by their bound key but checkpointed by the next member's append.
        try appendLog(db, state: state, actor: session.member.id, key: session.identity.signer, checkpoint: checkpoint && session.residentCase == nil,
                      action: action.rawValue, caseID: caseID, fields: fields, detail: detail, reason: reason, time: fixedTime)
    }

    /// Appends one entry. `checkpoint` is false for an actor the roster does not know: their
    /// entry is kept and signed by the key they presented, and the next member's append checkpoints it.
    /// `fixedTime` (a handover, whose bundle states the entry's time) must not lie before the last entry's.
    @discardableResult
    func appendLog(_ db: StoreTransaction, state: VaultState, actor: String, key: any MessageSigner, checkpoint: Bool,
                   action: String, caseID: CaseID?, fields: [String], detail: [String: String], reason: String?,
                   time fixedTime: Timestamp? = nil) throws -> LogEntry {
        var frontier = try db.logFrontier()
        let index = frontier.size
        var commitment: [UInt8]?
        if let reason {
            let readers = state.roster.members.filter { !$0.isRevoked && ($0.id == actor || $0.roles.contains(.leader) || $0.roles.contains(.auditor)) }
            let sealed = try ReasonSeal.seal(reason, readers: readers)
            commitment = sealed.commitment
            try db.insertLogReason(index: index, sealed: sealed.sealed)
        }
        let lastTime = try db.logLastTime()
        let time = fixedTime ?? max(clock.now(), lastTime ?? Timestamp(seconds: 0))  // time never runs backwards within a log
        if let lastTime, time < lastTime { throw VaultError.format("a log entry's time may not lie before the previous entry's") }
        let entry = try LogEntry.sign(vaultID: vaultID, index: index, time: time, actor: actor, key: key, action: action,
                                      caseID: caseID, fields: fields, detail: try namingDetail(action, db: db, caseID: caseID, detail: detail),
                                      reasonCommitment: commitment)
        let bytes = Array(entry.text.utf8)
        let leaf = Merkle.leafHash(bytes)
        try db.insertLogEntry(index: index, bytes: bytes, leafHash: leaf)
        try frontier.append(leafHash: leaf)
        try db.saveLogFrontier(frontier)
        try db.setLogLastTime(time)
        if checkpoint {
            let cp = try Checkpoint(origin: logOrigin, size: frontier.size, rootHash: frontier.root)
            let note = try SignedNote.sign(text: cp.body, signers: [NoteSigner(name: checkpointKeyName(actor), secretKey: key)])
            try db.insertCheckpoint(size: frontier.size, note: note)
        }
        return entry
    }
}

extension Vault {
    /// How many entries the access log holds.
    public func logEntryCount() throws(VaultError) -> Int {
        try read { db in try db.logEntryCount() }
    }
}
