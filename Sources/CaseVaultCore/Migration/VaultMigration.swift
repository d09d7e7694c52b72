import AccessPolicy
import Foundation
import SodiumKit
import TransparencyLog

/// `casevault vault migrate`: a format-1 vault becomes format 2 in one transaction, under the
/// centre root key (docs/FORMAT.md, "Migration"). The work is an ordered list of steps; a part
/// that needs its own conversion (role keys, residents, …) appends a step before `setFormat`,
/// which stays last. Nothing is migrated that does not verify: a tampered vault is never blessed.
package enum VaultMigration {
    /// What every step works on: the transaction, and what the steps before it found or made.
    package struct Context {
        let session: Session
        let db: StoreTransaction
        let root: SigningSecretKey
        var state: VaultState
        /// Each case's head, from the verification step.
        var heads: [CaseID: MigrationStatement.Named] = [:]
        var statement: MigrationStatement?
        var vault: Vault { session.vault }
    }

    package struct Step: Sendable {
        let name: String
        let run: @Sendable (inout Context) throws -> Void
    }

    /// In order. Append a new step before `setFormat`.
    package static let steps: [Step] = [
        Step(name: "verify the format-1 vault", run: verifyFormatOne),
        Step(name: "sign and log the migration statement", run: signStatement),
        Step(name: "create the centre-wide role keys", run: createRoleKeys),
        Step(name: "set format 2", run: setFormat),
    ]

    /// Epoch 1 of every centre-wide role's key (RoleKeys.ensureCurrent), so the next version of
    /// each case is sealed once per role.
    static func createRoleKeys(_ c: inout Context) throws {
        try c.vault.ensureRoleKeys(c.db, actor: c.session.member.id, signer: c.session.identity.signer, root: c.root)
        c.state = try c.vault.loadState(c.db)
    }

    /// Every roster and policy under the root; the log entry by entry (parse, index, signature,
    /// actor on the roster in force, roster announcements, leaf hashes, root = the stored frontier
    /// and latest checkpoint); every case chain under the format-1 reader rules, its head the
    /// newest version the log names.
    static func verifyFormatOne(_ c: inout Context) throws {
        let vault = c.vault, db = c.db
        func refuse(_ why: String) -> VaultError { .auth("vault migrate: the format-1 vault does not verify: \(why); nothing was changed") }
        var facts: [EntryFacts] = []
        var range = CompactRange()
        var loggedHeads: [CaseID: UInt64] = [:]
        let stored = try db.leafHashList(from: 0)
        try db.forEachLogEntry(from: 0) { bytes in
            let i = UInt64(facts.count)
            let entry: LogEntry
            do throws(VaultError) { entry = try LogEntry.parse(bytes) } catch { throw refuse("log entry \(i): \(error.message)") }
            guard entry.index == i, entry.vaultID == vault.vaultID else { throw refuse("log entry \(i) is out of place") }
            do { try entry.verifySignature() } catch { throw refuse("log entry \(i): signature does not verify") }
            let leaf = Merkle.leafHash(bytes)
            guard Int(i) < stored.count, stored[Int(i)] == leaf else { throw refuse("log entry \(i) does not match its stored leaf hash") }
            try range.append(leafHash: leaf)
            var f = EntryFacts(time: entry.time.seconds, actor: entry.actor, signer: entry.signer, action: entry.action)
            f.rosterSerial = entry.detailValue(LogDetail.rosterSerial).flatMap(UInt64.init)
            facts.append(f)
            if LogAction(rawValue: entry.action)?.writesVersion == true, let id = entry.caseID, let v = entry.detailValue(LogDetail.version).flatMap(UInt64.init) {
                loggedHeads[id] = max(loggedHeads[id] ?? 0, v)
            }
        }
        var timeline = RosterTimeline(rosters: c.state.rosters.map(\.roster))
        if let failure = timeline.check(facts, limit: facts.count).failure { throw refuse(failure.description) }
        guard timeline.lastSerial == UInt64(c.state.rosters.count) else { throw refuse("roster \(timeline.lastSerial + 1) is not announced by the log") }
        let frontier = try db.logFrontier()
        guard frontier.size == range.size, frontier.root == range.root else { throw refuse("the stored log frontier does not match its entries") }
        guard let note = try vault.storedCheckpoint(db), let cp = try? Checkpoint.parse(note.text), cp.size == range.size, cp.rootHash == range.root,
              (try? note.verify(by: vault.checkpointVerifiers(c.state)))?.isEmpty == false
        else { throw refuse("the latest checkpoint does not sign the whole log") }
        let opener = Opener(vaultID: vault.vaultID, roster: c.state.roster, policies: c.state.policies, rosters: c.state.rosters.map(\.roster),
                            now: c.session.clock.now())
        let ids = try db.caseIDs()
        for id in ids {
            let versions = try db.caseVersions(id)
            do throws(VaultError) { _ = try opener.verifyChain(versions, caseID: id) } catch { throw refuse("case \(id): \(error.message)") }
            guard let last = versions.last, loggedHeads[id] == last.version else {
                throw refuse("case \(id) is at version \(versions.last?.version ?? 0), but the log names version \(loggedHeads[id] ?? 0)")
            }
            c.heads[id] = .init(serial: last.version, hash: StateHashes.version(body: last.body, signature: last.signature))
        }
        if let gone = loggedHeads.keys.sorted().first(where: { !Set(ids).contains($0) }) { throw refuse("case \(gone), named by the log, is missing") }
    }

    /// The root-signed statement of what was verified, stored under `meta.migration` and named
    /// by a `vault.migrate` entry: the baseline a log follower starts every migrated case from.
    static func signStatement(_ c: inout Context) throws {
        let frontier = try c.db.logFrontier()
        guard let roster = try c.db.rosters().max(by: { $0.serial < $1.serial }),
              let policy = try c.db.policies().max(by: { $0.serial < $1.serial }) else { throw VaultError.format("the vault has no roster or policy") }
        let statement = MigrationStatement(
            vaultID: c.vault.vaultID, fromFormat: Vault.migratableFormat, toFormat: Vault.formatVersion, logSize: frontier.size, logRoot: frontier.root,
            roster: .init(serial: roster.serial, hash: StateHashes.roster(roster.text)),
            policy: .init(serial: policy.serial, hash: StateHashes.policy(bytes: policy.bytes, signature: policy.signature)),
            heads: c.heads, time: c.session.clock.now())
        let text = statement.signed(by: c.root)
        try c.db.setMetaValue(MigrationStatement.metaKey, text)
        try c.vault.appendLog(c.db, state: c.state, session: c.session, action: .vaultMigrate, caseID: nil, fields: [],
                              detail: [LogDetail.migration: Hex.encode(StateHashes.migration(text))], reason: nil)
        c.statement = statement
    }

    static func setFormat(_ c: inout Context) throws {
        try c.db.setMetaValue("format", Vault.formatVersion)
    }
}

/// What `vault migrate` did.
public struct MigrationSummary: Sendable {
    public let fromFormat: String
    public let toFormat: String
    public let cases: Int
    public let logSize: UInt64
}

extension Session {
    /// Migrates a format-1 vault to format 2 (see `VaultMigration`). Needs the centre root key.
    public func migrateVault() throws(VaultError) -> MigrationSummary {
        guard vault.format == Vault.migratableFormat else { throw .refused("the vault is already format \(vault.format); nothing to migrate") }
        let root = try requireRoot(for: "vault migrate")
        let summary = try loggingRefusal("vault.migrate") { () throws(VaultError) in
            try vault.write { db in
                var context = VaultMigration.Context(session: self, db: db, root: root, state: try vault.loadState(db))
                for step in VaultMigration.steps { try step.run(&context) }
                guard let s = context.statement else { throw VaultError.io("the migration wrote no statement") }
                return MigrationSummary(fromFormat: s.fromFormat, toFormat: s.toFormat, cases: s.heads.count, logSize: s.logSize)
            }
        }
        // Residents leave the roster once the vault is format 2: the same member and keys, on
        // the vault as it now is (its own transactions, signed by the root and logged).
        let migrated = try Vault.open(at: vault.directory, clock: vault.clock)
        if try migrated.roster().entries.contains(where: { $0.roles.contains(.resident) }) {
            _ = try ResidentMigration.apply(Session(vault: migrated, member: member, identity: identity, clock: clock, anchor: anchor))
        }
        return summary
    }
}
