import AccessPolicy
import Foundation
import GRDB
import SodiumKit
import TransparencyLog

/// Appending to the access log, inside the same transaction as the action it records: if the
/// entry cannot be written, the action rolls back (fail closed). Each append updates the Merkle
/// frontier and stores a checkpoint signed by the actor.
extension Vault {
    /// The checkpoint origin line: names this vault's log.
    public var logOrigin: String { Self.origin(of: vaultID) }

    /// The note key name a member signs checkpoints with.
    func checkpointKeyName(_ memberID: String) -> String { Self.memberKeyName(vault: vaultID, member: memberID) }

    func appendLog(_ db: Database, state: VaultState, session: Session, action: LogAction, caseID: CaseID?,
                   fields: [String], detail: [String: String], reason: String?) throws {
        try appendLog(db, state: state, actor: session.member.id, key: session.identity.signer, checkpoint: true,
                      action: action.rawValue, caseID: caseID, fields: fields, detail: detail, reason: reason)
    }

    /// Appends one entry. `checkpoint` is false for an actor the roster does not know: their
    /// entry is kept and signed by the key they presented, and the next member's append checkpoints it.
    func appendLog(_ db: Database, state: VaultState, actor: String, key: any MessageSigner, checkpoint: Bool,
                   action: String, caseID: CaseID?, fields: [String], detail: [String: String], reason: String?) throws {
        var frontier = try loadFrontier(db)
        let index = frontier.size
        var commitment: [UInt8]?
        if let reason {
            let readers = state.roster.members.filter { !$0.isRevoked && ($0.id == actor || $0.roles.contains(.leader) || $0.roles.contains(.auditor)) }
            let sealed = try ReasonSeal.seal(reason, readers: readers)
            commitment = sealed.commitment
            try db.execute(sql: "INSERT INTO log_reasons (idx, sealed) VALUES (?, ?)", arguments: [Int64(index), Data(sealed.sealed)])
        }
        let lastTime = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'log_last_time'").map { Timestamp(seconds: $0) }
        let time = max(Timestamp.now(), lastTime ?? Timestamp(seconds: 0))  // time never runs backwards within a log
        let entry = try LogEntry.sign(vaultID: vaultID, index: index, time: time, actor: actor, key: key, action: action,
                                      caseID: caseID, fields: fields, detail: detail, reasonCommitment: commitment)
        let bytes = Array(entry.text.utf8)
        let leaf = Merkle.leafHash(bytes)
        try db.execute(sql: "INSERT INTO log_entries (idx, entry, leaf_hash) VALUES (?, ?, ?)", arguments: [Int64(index), Data(bytes), Data(leaf)])
        try frontier.append(leafHash: leaf)
        try db.execute(sql: "INSERT INTO log_frontier (id, size, hashes) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET size = excluded.size, hashes = excluded.hashes",
                       arguments: [Int64(frontier.size), Data(frontier.hashes.flatMap { $0 })])
        try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('log_last_time', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                       arguments: [String(time.seconds)])
        if checkpoint {
            let cp = try Checkpoint(origin: logOrigin, size: frontier.size, rootHash: frontier.root)
            let note = try SignedNote.sign(text: cp.body, signers: [NoteSigner(name: checkpointKeyName(actor), secretKey: key)])
            try db.execute(sql: "INSERT INTO log_checkpoints (size, note) VALUES (?, ?)", arguments: [Int64(frontier.size), Data(note)])
        }
    }

    func loadFrontier(_ db: Database) throws -> CompactRange {
        guard let row = try Row.fetchOne(db, sql: "SELECT size, hashes FROM log_frontier WHERE id = 1") else { return CompactRange() }
        let flat = [UInt8](row["hashes"] as Data)
        guard flat.count % 32 == 0 else { throw VaultError.format("log frontier is corrupt") }
        let hashes = stride(from: 0, to: flat.count, by: 32).map { Array(flat[$0..<$0 + 32]) }
        do { return try CompactRange(size: UInt64(row["size"] as Int64), hashes: hashes) } catch { throw VaultError.format("log frontier is corrupt") }
    }
}

extension Vault {
    /// How many entries the access log holds.
    public func logEntryCount() throws(VaultError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM log_entries") ?? 0 }
    }
}

/// The names a log is known by (docs/FORMAT-audit.md): the checkpoint origin, the note key
/// name each member signs checkpoints with, and a witness's cosignature key name.
extension Vault {
    /// The checkpoint origin of vault `id`'s log.
    static func origin(of id: VaultID) -> String { "casevault.invalid/log/\(id.hex)" }

    /// The note key name under which member `memberID` signs checkpoints of vault `id`'s log.
    static func memberKeyName(vault id: VaultID, member memberID: String) -> String { "casevault.invalid/member/\(id.hex)/\(memberID)" }

    /// The cosignature key name of the witness run by member `memberID`.
    static func witnessKeyName(member memberID: String) -> String { "casevault.invalid/witness/\(memberID)" }
}
