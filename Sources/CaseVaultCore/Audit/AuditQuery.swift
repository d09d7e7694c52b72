import Foundation
import SodiumKit

/// Which entries `audit log` shows: all conditions given must hold. Times are inclusive.
public struct AuditFilter: Sendable, Equatable {
    public var caseID: CaseID?
    public var actor: String?
    public var action: String?
    public var since: Timestamp?
    public var until: Timestamp?

    public init(caseID: CaseID? = nil, actor: String? = nil, action: String? = nil, since: Timestamp? = nil, until: Timestamp? = nil) {
        self.caseID = caseID
        self.actor = actor
        self.action = action
        self.since = since
        self.until = until
    }

    public func matches(_ e: LogEntry) -> Bool {
        (caseID.map { e.caseID == $0 } ?? true) && (actor.map { e.actor == $0 } ?? true) && (action.map { e.action == $0 } ?? true)
            && (since.map { e.time >= $0 } ?? true) && (until.map { e.time <= $0 } ?? true)
    }

    /// The filter as log detail: tokens only (the case goes on the entry's own case line).
    var logDetail: [String: String] {
        var d: [String: String] = [:]
        if let actor { d["actor"] = actor }
        if let action { d["action"] = action }
        if let since { d["since"] = String(since.seconds) }
        if let until { d["until"] = String(until.seconds) }
        return d
    }

    /// Byte strings each matching entry contains, so SQLite skips the rest without a parse.
    var needles: [[UInt8]] {
        var n: [[UInt8]] = []
        if let caseID { n.append(Array("\ncase \(caseID.hex)\n".utf8)) }
        if let actor { n.append(Array("\nactor \(actor)\n".utf8)) }
        if let action { n.append(Array("\naction \(action)\n".utf8)) }
        return n
    }
}

/// The auditor's search of the log.
struct LogQueryOperation: SessionBound {
    let session: Session

    /// "Who read case X since date D?": the entries matching `filter`, oldest first. For the
    /// auditor and leaders; the search itself is logged (with the case searched for) before the
    /// answer is returned. Each returned entry is parsed strictly and its signature checked
    /// against the roster; the full proof of the whole log is `audit export` and `audit verify`.
    func auditLog(filter: AuditFilter) throws(VaultError) -> [LogEntry] {
        try requireAuditRole(LogAction.auditLog.rawValue, caseID: filter.caseID)
        for value in [filter.actor, filter.action].compactMap({ $0 }) where !LogEntry.isSafeToken(value) {
            throw .input("\"\(value.prefix(40))\" is not a member id or an action")
        }
        return try vault.write { db in
            let state = try vault.loadState(db)
            let found = try vault.matchingEntries(db, state: state, filter: filter)
            try vault.appendLog(db, state: state, session: session, action: .auditLog, caseID: filter.caseID, fields: [],
                                detail: filter.logDetail, reason: nil)
            return found
        }
    }
}

extension Vault {
    /// Stored entries matching `filter`, each parsed, at its index, and signed by its actor's
    /// roster key (or, for `unknown`, by the key it carries).
    func matchingEntries(_ db: StoreTransaction, state: VaultState, filter: AuditFilter) throws -> [LogEntry] {
        var out: [LogEntry] = []
        try db.forEachLogEntry(containing: filter.needles) { row in
            let idx = row.index
            let entry = try LogEntry.parse(row.bytes)
            guard entry.index == idx else { throw VaultError.auth("stored log entry \(idx) carries index \(entry.index)") }
            guard filter.matches(entry) else { return }
            try entry.verifySignature()
            if ResidentBinding.isPseudonym(entry.actor) {
                guard try residentSigningKey(entry.actor, db: db, roster: state.roster) == entry.signer else {
                    throw VaultError.auth("log entry \(idx): not signed with the key bound to \(entry.actor)")
                }
            } else if entry.actor != LogEntry.unknownActor {
                // Ids are never reused and keys never change, so the newest roster naming an actor has
                // their key (residents moved off the roster are named only by earlier ones).
                let named = state.roster.entry(entry.actor) ?? state.rosters.reversed().lazy.compactMap { $0.roster.entry(entry.actor) }.first
                guard named?.identity.signingKey == entry.signer else {
                    throw VaultError.auth("log entry \(idx): not signed with \(entry.actor)'s roster key")
                }
            }
            out.append(entry)
        }
        return out
    }
}
