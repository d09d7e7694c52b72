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

    /// A reason sealed once for the many entries of one command (a listing's reads).
    package struct SealedReason {
        let commitment: [UInt8]
        let sealed: [UInt8]
    }

    /// `reason` sealed to whoever may read it on `actor`'s entries.
    func sealReason(_ reason: String, actor: String, state: VaultState) throws -> SealedReason {
        let sealed = try ReasonSeal.seal(reason, readers: Self.reasonReaders(actor: actor, state: state))
        return SealedReason(commitment: sealed.commitment, sealed: sealed.sealed)
    }

    private static func reasonReaders(actor: String, state: VaultState) -> [RosterEntry] {
        state.roster.members.filter { !$0.isRevoked && ($0.id == actor || $0.holds(.superviseLog)) }
    }

    /// Appends one entry. `checkpoint` is false for an actor the roster does not know: their
    /// entry is kept and signed by the key they presented, and the next member's append checkpoints it.
    /// `fixedTime` (a handover, whose bundle states the entry's time) must not lie before the last entry's.
    @discardableResult
    func appendLog(_ db: StoreTransaction, state: VaultState, actor: String, key: any MessageSigner, checkpoint: Bool,
                   action: String, caseID: CaseID?, fields: [String], detail: [String: String], reason: String?,
                   time fixedTime: Timestamp? = nil, sealedReason: SealedReason? = nil) throws -> LogEntry {
        var tail = try LogTail(db)
        let entry = try append(to: &tail, db, state: state, actor: actor, key: key, action: action, caseID: caseID, fields: fields,
                               detail: detail, reason: reason, time: fixedTime, sealedReason: sealedReason)
        try tail.save(db)
        if checkpoint {
            let cp = try Checkpoint(origin: logOrigin, size: tail.frontier.size, rootHash: tail.frontier.root)
            let note = try SignedNote.sign(text: cp.body, signers: [NoteSigner(name: checkpointKeyName(actor), secretKey: key)])
            try db.insertCheckpoint(size: tail.frontier.size, note: note)
        }
        return entry
    }

    /// One entry of `action` per case, in order, by this session's member, under one reason
    /// sealed once: a listing's reads, an agent's openings. The frontier and the last time are
    /// read and saved once for all of them; only the last is checkpointed, and only when
    /// `checkpointLast` (a listing's own entry, appended next, checkpoints its reads).
    @discardableResult
    package func appendCaseEntries(_ db: StoreTransaction, state: VaultState, session: Session, action: LogAction,
                                   entries: [(caseID: CaseID, fields: [String], detail: [String: String])], reason: String?,
                                   checkpointLast: Bool) throws -> [UInt64] {
        guard !entries.isEmpty else { return [] }
        var tail = try LogTail(db)
        let sealedReason = try reason.map { try sealReason($0, actor: session.member.id, state: state) }
        var indices: [UInt64] = []
        for e in entries {
            indices.append(try append(to: &tail, db, state: state, actor: session.member.id, key: session.identity.signer, action: action.rawValue,
                                      caseID: e.caseID, fields: e.fields, detail: e.detail, reason: reason, time: nil,
                                      sealedReason: sealedReason).index)
        }
        try tail.save(db)
        if checkpointLast, session.residentCase == nil {
            let cp = try Checkpoint(origin: logOrigin, size: tail.frontier.size, rootHash: tail.frontier.root)
            let note = try SignedNote.sign(text: cp.body, signers: [NoteSigner(name: checkpointKeyName(session.member.id), secretKey: session.identity.signer)])
            try db.insertCheckpoint(size: tail.frontier.size, note: note)
        }
        return indices
    }

    /// The log's frontier and last time, as appends within one transaction move them.
    struct LogTail {
        var frontier: CompactRange
        var lastTime: Timestamp?

        init(_ db: StoreTransaction) throws {
            frontier = try db.logFrontier()
            lastTime = try db.logLastTime()
        }

        func save(_ db: StoreTransaction) throws {
            try db.saveLogFrontier(frontier)
            if let lastTime { try db.setLogLastTime(lastTime) }
        }
    }

    @discardableResult
    private func append(to tail: inout LogTail, _ db: StoreTransaction, state: VaultState, actor: String, key: any MessageSigner,
                        action: String, caseID: CaseID?, fields: [String], detail: [String: String], reason: String?,
                        time fixedTime: Timestamp?, sealedReason: SealedReason?) throws -> LogEntry {
        let index = tail.frontier.size
        var commitment: [UInt8]?
        if let reason {
            let sealed = try sealedReason ?? sealReason(reason, actor: actor, state: state)
            commitment = sealed.commitment
            try db.insertLogReason(index: index, sealed: sealed.sealed)
        }
        let time = fixedTime ?? max(clock.now(), tail.lastTime ?? Timestamp(seconds: 0))  // time never runs backwards within a log
        if let lastTime = tail.lastTime, time < lastTime { throw VaultError.format("a log entry's time may not lie before the previous entry's") }
        let entry = try LogEntry.sign(vaultID: vaultID, index: index, time: time, actor: actor, key: key, action: action,
                                      caseID: caseID, fields: fields, detail: try namingDetail(action, db: db, caseID: caseID, detail: detail),
                                      reasonCommitment: commitment)
        let bytes = Array(entry.text.utf8)
        let leaf = Merkle.leafHash(bytes)
        try db.insertLogEntry(index: index, bytes: bytes, leafHash: leaf)
        try tail.frontier.append(leafHash: leaf)
        tail.lastTime = time
        return entry
    }
}

extension Vault {
    /// How many entries the access log holds.
    public func logEntryCount() throws(VaultError) -> Int {
        try read { db in try db.logEntryCount() }
    }
}
