import SodiumKit

/// Reads the access log entry by entry and keeps what it names (`LoggedState`): the roster and
/// policy each `member.*`, `recipient.*`, `policy.install` and `vault.init` entry installs, and
/// each version a version-writing entry stores (docs/FORMAT.md, "Log follower"). An entry names
/// something only when its signature verifies under the key its actor has on the roster in force
/// at its position (the newest roster logged before it) and that actor is an active member
/// there: entries by unknown, revoked or substituted keys name nothing. Only entries whose action
/// names state are parsed, so following costs little per command.
struct LogFollower {
    struct RosterRef {
        let roster: Roster
        let hash: [UInt8]
    }

    let vaultID: VaultID
    var logged: LoggedState
    /// The signed rosters stored in the vault (verified under the root), by serial.
    let rosters: [UInt64: RosterRef]
    /// The root-signed migration statement and its hash, in a vault migrated from format 1.
    let migration: (statement: MigrationStatement, hash: [UInt8])?
    /// When set, a case whose entries disagree is noted here and followed no further, instead of
    /// stopping the whole follow: one damaged case never hides the others (roster and policy
    /// disagreements still stop it).
    var problems: [CaseID: String]?
    /// When set (the auditor), every version named, not only each case's newest.
    var named: [CaseID: [UInt64: [UInt8]]]?

    init(vaultID: VaultID, logged: LoggedState, rosters: [UInt64: RosterRef], migration: (statement: MigrationStatement, hash: [UInt8])?,
         collecting: Bool = false) {
        self.vaultID = vaultID
        self.logged = logged
        self.rosters = rosters
        self.migration = migration
        if collecting {
            problems = [:]
            named = [:]
        }
    }

    static let namingActions: Set<String> = Set(LogAction.allCases.filter { $0.writesVersion || $0.installsRoster || $0.installsPolicy || $0 == .vaultMigrate }
        .map(\.rawValue))

    /// Follows the entry at `logged.followed`.
    mutating func follow(_ bytes: [UInt8]) throws(VaultError) {
        let index = logged.followed
        defer { logged.followed = index + 1 }
        // Entries before the migration carry no hashes: the migration statement stands for them.
        if let m = migration, index < m.statement.logSize { return }
        guard let action = Self.action(in: bytes), Self.namingActions.contains(action), let act = LogAction(rawValue: action) else { return }
        let entry = try LogEntry.parse(bytes)
        guard entry.index == index, entry.vaultID == vaultID else { throw .auth("log entry \(index) is not this vault's entry \(index) (the log was rewritten)") }
        // The roster in force judges the actor; the first entry is judged by the roster it installs.
        let judge: UInt64? = switch act {
        case .vaultInit where index == 0: 1
        case .vaultMigrate: migration?.statement.roster.serial
        default: logged.roster?.serial
        }
        guard let judge, let ref = rosters[judge] else {
            throw .auth("roster \(judge ?? 0), in force at log entry \(index), is missing from the database (rolled back)")
        }
        guard let actor = ref.roster.entry(entry.actor), actor.kind == .member, !actor.isRevoked, actor.identity.signingKey == entry.signer,
              (try? entry.verifySignature()) != nil else { return }
        if act == .vaultMigrate { return try adoptMigration(entry) }
        if act.installsRoster {
            let (serial, hash) = try named(entry, LogDetail.rosterSerial, LogDetail.rosterHash)
            guard let stored = rosters[serial] else {
                throw .auth("roster \(serial) named by log entry \(index) is missing from the database (rolled back to roster \(rosters.keys.max() ?? 0))")
            }
            guard stored.hash == hash else { throw .auth("roster \(serial) is not the one log entry \(index) names (replaced)") }
            if let current = logged.roster, act != .vaultInit, serial != current.serial + 1 {
                throw .auth("log entry \(index) installs roster \(serial) while roster \(current.serial) is in force")
            }
            logged.roster = .init(serial: serial, hash: hash, index: index)
        }
        if act.installsPolicy {
            let (serial, hash) = try named(entry, LogDetail.policySerial, LogDetail.policyHash)
            if let current = logged.policy, serial <= current.serial {
                throw .auth("log entry \(index) installs policy \(serial) after policy \(current.serial)")
            }
            logged.policy = .init(serial: serial, hash: hash, index: index)
        }
        if act.writesVersion {
            guard let c = entry.caseID else { throw .format("log entry \(index) (\(action)) names no case") }
            // Answer imports written before they named their version name nothing (as they did
            // then): the version they stored stays unlogged, and is reported so.
            if act == .handoverAnswerImport, entry.detailValue(LogDetail.hash) == nil { return }
            let (version, hash) = try named(entry, LogDetail.version, LogDetail.hash)
            try nameVersion(c, version: version, hash: hash, author: entry.actor, index: index)
        }
    }

    /// A version named by the log: the next number of its case, never one named before.
    mutating func nameVersion(_ c: CaseID, version n: UInt64, hash h: [UInt8], author: String, index: UInt64) throws(VaultError) {
        if problems?[c] != nil { return }
        if let before = named?[c]?[n], before != h {
            return try fail(c, "case \(c) version \(n) is named twice by the log with different hashes (again by entry \(index)): a version number was reused (fork)")
        }
        named?[c, default: [:]][n] = h
        let head = logged.cases[c]
        if let head, n <= head.version {
            if n == head.version, h == head.hash { logged.cases[c]!.index = index; return }  // this client noted its own write already
            return try fail(c, "case \(c) version \(n) is named twice by the log with different hashes (again by entry \(index)): a version number was reused (fork)")
        }
        let expected = (head?.version ?? 0) + 1
        guard n == expected else {
            return try fail(c, "case \(c): log entry \(index) names version \(n), but version \(expected) was never logged")
        }
        let start = head?.history ?? StateHashes.historyStart(caseID: c, migratedHead: nil)
        logged.cases[c] = .init(version: n, hash: h, history: StateHashes.history(start, version: n, hash: h, author: author), index: index,
                                base: head?.base ?? 0)
    }

    private mutating func fail(_ c: CaseID, _ message: String) throws(VaultError) {
        guard problems != nil else { throw .auth(message) }
        problems?[c] = message
    }

    /// `vault.migrate`: from here on, the statement's heads, roster and policy are what the log names.
    private mutating func adoptMigration(_ entry: LogEntry) throws(VaultError) {
        guard let m = migration, entry.index == m.statement.logSize, entry.detailValue(LogDetail.migration) == Hex.encode(m.hash) else {
            throw .auth("log entry \(entry.index) names a migration statement the vault does not hold")
        }
        let s = m.statement
        guard rosters[s.roster.serial]?.hash == s.roster.hash else {
            throw .auth("roster \(s.roster.serial) named by the migration statement is missing or replaced (rolled back)")
        }
        logged.roster = .init(serial: s.roster.serial, hash: s.roster.hash, index: entry.index)
        logged.policy = .init(serial: s.policy.serial, hash: s.policy.hash, index: entry.index)
        for (c, head) in s.heads {
            logged.cases[c] = .init(version: head.serial, hash: head.hash,
                                    history: StateHashes.historyStart(caseID: c, migratedHead: (head.serial, head.hash)), index: entry.index, base: head.serial)
            named?[c, default: [:]][head.serial] = head.hash
        }
    }

    /// A `serial`/`hash` pair of details: a decimal and 64 lower-case hex digits.
    private func named(_ entry: LogEntry, _ numberKey: String, _ hashKey: String) throws(VaultError) -> (UInt64, [UInt8]) {
        guard let text = entry.detailValue(numberKey), let n = UInt64(text), String(n) == text,
              let hex = entry.detailValue(hashKey), let h = Hex.decode(hex), h.count == 32, Hex.encode(h) == hex else {
            throw .format("log entry \(entry.index) (\(entry.action)) does not name its \(numberKey) and \(hashKey)")
        }
        return (n, h)
    }

    /// The `action` line's value, found without parsing the entry.
    static func action(in bytes: [UInt8]) -> String? {
        let key = Array("\naction ".utf8)
        guard bytes.count > key.count else { return nil }
        var i = 0
        while i + key.count <= bytes.count {
            if bytes[i] == 0x0A, bytes[i..<(i + key.count)].elementsEqual(key) {
                let start = i + key.count
                guard let end = bytes[start...].firstIndex(of: 0x0A) else { return nil }
                return String(decoding: bytes[start..<end], as: UTF8.self)
            }
            i += 1
        }
        return nil
    }
}

extension LogFollower {
    /// The stored rosters and the migration statement, from one read of the vault.
    static func sources(vault: Vault, db: StoreTransaction) throws(VaultError) -> (rosters: [UInt64: RosterRef], migration: (statement: MigrationStatement, hash: [UInt8])?) {
        var rosters: [UInt64: RosterRef] = [:]
        let text: String?
        do {
            for row in try db.rosters() {
                let signed = try RosterCache.verified(row.text, trustedRoot: vault.rootKey)
                guard signed.roster.serial == row.serial, signed.roster.vaultID == vault.vaultID else { throw VaultError.auth("roster \(row.serial) is out of place") }
                rosters[row.serial] = RosterRef(roster: signed.roster, hash: StateHashes.roster(row.text))
            }
            text = try db.metaValue(MigrationStatement.metaKey)
        } catch let e as VaultError { throw e } catch { throw .io("cannot read the rosters and the migration statement", cause: error) }
        let migration = try text.map { t throws(VaultError) in
            (try MigrationStatement.verify(t, vault: vault.vaultID, root: vault.rootKey), StateHashes.migration(t))
        }
        return (rosters, migration)
    }
}
