import Synchronization
import Foundation
import GRDB
import SodiumKit
import TransparencyLog

/// One client's trust in one vault, kept outside the vault: the centre root fingerprint its
/// owner pinned (`TrustFile`) and the newest state it has seen (`ClientState`). A session that
/// holds an anchor refuses a substituted root and any state that went backwards.
public final class ClientAnchor: @unchecked Sendable {
    let keyFile: String
    let vaultID: VaultID
    private let macKey: SymmetricKey
    private let lock = NSLock()
    private var state: ClientState
    /// The log's right edge as verified when the anchor was opened, extended by what this
    /// client appended: enough to check the next extension without rereading the log.
    private var range: CompactRange
    /// Set while the leader re-anchors: the vault is known to have gone back, on purpose.
    private var suspended: Bool

    private init(keyFile: String, vaultID: VaultID, macKey: SymmetricKey, state: ClientState, range: CompactRange, suspended: Bool) {
        self.keyFile = keyFile
        self.vaultID = vaultID
        self.macKey = macKey
        self.state = state
        self.range = range
        self.suspended = suspended
    }

    /// Checks the vault's root against the pin and its log against what this client saw before.
    /// `reanchoring` (the leader restoring a backup) skips the freshness checks, never the pin.
    public static func open(keyFile: String, identity: any MemberKeys, vault: Vault, reanchoring: Bool = false) throws(VaultError) -> ClientAnchor {
        try requirePinnedRoot(vault: vault, keyFile: keyFile)
        let macKey = try identity.derivedSubkey(domain: ClientState.keyDomain)
        let path = ClientState.path(forKeyFile: keyFile, vault: vault.vaultID)
        var state = ClientState(vaultID: vault.vaultID)
        if FileManager.default.fileExists(atPath: path) {
            let bytes = try SecureFile.readPrivate(path, what: "client state file")
            if let parsed = ParsedClientFiles.clientStates.value(path: path, fileBytes: bytes, keyTag: ClientState.keyTag(macKey)), parsed.vaultID == vault.vaultID {
                state = parsed
            } else {
                state = try ClientState.parse(String(decoding: bytes, as: UTF8.self), key: macKey, vault: vault.vaultID, path: path)
                ParsedClientFiles.clientStates.remember(path: path, fileBytes: bytes, keyTag: ClientState.keyTag(macKey), value: state)
            }
        }
        let statementText = try vault.read { db in try db.metaValue(ReanchorStatement.metaKey) }
        if let statementText {
            let statement = try ReanchorStatement.verify(statementText, vault: vault.vaultID, root: vault.rootKey)
            if statement.serial > state.anchorSerial {
                state = ClientState(adopting: statement)  // the leader vouched for this state: start again from it
            } else if statement.serial < state.anchorSerial, !reanchoring {
                throw .auth("the vault's re-anchor went back from serial \(state.anchorSerial) to \(statement.serial) (restored from an older copy)")
            }
        } else if state.anchorSerial > 0, !reanchoring {
            // The leader restoring the same backup twice: the new re-anchor goes above the one remembered.
            throw .auth("the vault's re-anchor \(state.anchorSerial) is gone (restored from a copy older than the re-anchor)")
        }
        let range = try verifiedLog(vault: vault, state: &state, checking: !reanchoring)
        return ClientAnchor(keyFile: keyFile, vaultID: vault.vaultID, macKey: macKey, state: state, range: range, suspended: reanchoring)
    }

    /// Refuses a vault whose centre root is not the one this key file's owner pinned, or that is
    /// not pinned at all. `CASEVAULT_ROOT_FINGERPRINT` is an explicit pin when the file has none.
    public static func requirePinnedRoot(vault: Vault, keyFile: String) throws(VaultError) {
        let found = TrustFile.normalise(vault.rootFingerprint)
        let expected = try TrustFile.load(forKeyFile: keyFile).pin(for: vault.vaultID) ?? TrustPin.rootFingerprint.map(TrustFile.normalise)
        guard let expected else {
            throw .refused("vault \(vault.vaultID.hex) is not pinned for \(keyFile): compare its centre root fingerprint \(vault.rootFingerprint) with the one the leader reads out, then run `casevault vault trust --fingerprint \"…\"`")
        }
        guard expected == found else {
            throw .auth("the vault's centre root key was substituted: pinned fingerprint \(TrustFile.display(expected)), found \(vault.rootFingerprint)")
        }
    }

    /// The vault's log, checked to extend what this client saw: the remembered right edge,
    /// extended by the entries stored after it, must give the vault's own frontier. Only the new
    /// entries are read; the whole log only when just a root is known (a first use, or a state
    /// adopted from a re-anchor).
    private static func verifiedLog(vault: Vault, state: inout ClientState, checking: Bool) throws(VaultError) -> CompactRange {
        let seen = checking ? state.logSize : 0
        let known = state
        let (range, logged): (CompactRange, LoggedState) = try vault.read { db in
            let state = known
            let frontier = try db.logFrontier()
            let stored = UInt64(try db.logEntryCount())
            guard frontier.size >= seen, stored >= seen else {
                throw VaultError.auth("the access log went back from \(seen) to \(min(stored, frontier.size)) entries (cut, or the vault restored from an older copy)")
            }
            var range = CompactRange()
            var from: UInt64 = 0
            if checking, let known = state.logRange {
                range = known
                from = known.size
            }
            for leaf in try db.leafHashList(from: from) {
                do { try range.append(leafHash: leaf) } catch { throw VaultError.format("the access log's leaf hashes are malformed", cause: error) }
                if checking, state.logRange == nil, range.size == seen, range.root != state.logRoot { break }
            }
            guard stored == frontier.size, !checking || (range.size == frontier.size && range.root == frontier.root) else {
                throw VaultError.auth("the access log does not extend the \(seen) entries seen before (rewritten, or the vault restored from an older copy)")
            }
            // On the same snapshot: what the new entries name, and the newest roster and policy against it.
            guard checking else { return (range, state.logged) }
            let logged = try followed(state.logged, vault: vault, db: db)
            try crossCheckRosterAndPolicy(logged, vault: vault, db: db)
            return (range, logged)
        }
        state.logged = logged
        return range
    }

    /// `logged` extended over the entries stored after those it followed.
    /// The rosters are loaded and verified only when a new entry names something: most commands
    /// append only reads, which name nothing.
    /// What the log follower found wrong with single cases in this process, by case: the precise
    /// reason (a version number named twice, a gap) is reported for that case alone.
    private static let problems = Mutex<[CaseID: String]>([:])

    private static func followed(_ logged: LoggedState, vault: Vault, db: StoreTransaction) throws -> LoggedState {
        var entries: [[UInt8]] = []
        try db.forEachLogEntry(from: logged.followed) { entries.append($0) }
        guard entries.contains(where: { LogFollower.action(in: $0).map(LogFollower.namingActions.contains) == true }) else {
            var unchanged = logged
            unchanged.followed += UInt64(entries.count)
            return unchanged
        }
        let (rosters, migration) = try LogFollower.sources(vault: vault, db: db)
        var follower = LogFollower(vaultID: vault.vaultID, logged: logged, rosters: rosters, migration: migration)
        // A case whose entries disagree stops being followed: its head stays where the log last
        // agreed, so that case (and only it) fails its own check; the others stay readable.
        follower.problems = [:]
        for bytes in entries { try follower.follow(bytes) }
        if let found = follower.problems, !found.isEmpty { problems.withLock { $0.merge(found) { first, _ in first } } }
        return follower.logged
    }

    /// The newest stored roster and policy must be the newest the log names.
    private static func crossCheckRosterAndPolicy(_ logged: LoggedState, vault: Vault, db: StoreTransaction) throws {
        let roster = try db.rosters().max { $0.serial < $1.serial }.map { ($0.serial, StateHashes.roster($0.text)) }
        if let problem = LoggedState.disagreement("roster", stored: roster, logged: logged.roster) { throw VaultError.auth(problem) }
        let policy = try db.policies().max { $0.serial < $1.serial }.map { ($0.serial, StateHashes.policy(bytes: $0.bytes, signature: $0.signature)) }
        if let problem = LoggedState.disagreement("policy", stored: policy, logged: logged.policy) { throw VaultError.auth(problem) }
    }

    private func locked<T>(_ body: () throws(VaultError) -> T) throws(VaultError) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    /// Roster and policy serials only grow.
    func checkForward(roster: UInt64, policy: UInt64) throws(VaultError) {
        try locked { () throws(VaultError) in
            guard !suspended else { return }
            guard roster >= state.rosterSerial else {
                throw .auth("the roster went back from serial \(state.rosterSerial) to \(roster) (newest roster deleted, or the vault restored from an older copy)")
            }
            guard policy >= state.policySerial else {
                throw .auth("the policy went back from serial \(state.policySerial) to \(policy) (newest policy deleted, or the vault restored from an older copy)")
            }
            state.rosterSerial = roster
            state.policySerial = policy
        }
    }

    /// A case's stored versions must be exactly those the log names: its head the newest named,
    /// each earlier one the one named, each by the member who logged it. `chain` is the verified
    /// chain of `stored` (empty for a case with no stored version).
    func checkHead(_ caseID: CaseID, stored: [StoredVersion], chain: [CaseVersion]) throws(VaultError) {
        try locked { () throws(VaultError) in
            guard !suspended else { return }
            if let problem = Self.problems.withLock({ $0[caseID] }) { throw .auth(problem) }
            let names = zip(stored, chain).map { LoggedState.StoredName(version: $0.version, hash: CaseVersion.chainHash(body: $0.body, signature: $0.signature), author: $1.author) }
            if let problem = state.logged.disagreement(case: caseID, stored: names) { throw .auth(problem) }
        }
    }

    /// Follows entries another client appended since this anchor was opened, inside the
    /// caller's transaction: their versions are then logged, not mistaken for unlogged ones.
    func catchUp(vault: Vault, db: StoreTransaction) throws(VaultError) {
        let logged = locked { suspended ? nil : state.logged }
        guard let logged else { return }
        let newer: LoggedState
        do { newer = try Self.followed(logged, vault: vault, db: db) } catch let e as VaultError { throw e } catch {
            throw .io("cannot read the access log", cause: error)
        }
        locked {
            if state.logged == logged { state.logged = newer }
        }
    }

    /// Whether the log names `caseID` (so its absence from the database is a deletion, not "not found").
    func logNames(_ caseID: CaseID) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return !suspended && state.logged.cases[caseID] != nil
    }

    /// A version this client wrote is one the log names, from its entry in the same
    /// transaction. (Noted before its transaction commits: a rolled-back write leaves a head the
    /// vault never had, refused as tampering next time, so the state file is only saved after a
    /// command succeeds.)
    func noteWritten(_ sealed: SealedVersion, caseID: CaseID) {
        lock.lock()
        defer { lock.unlock() }
        let head = state.logged.cases[caseID]
        let start = head?.history ?? StateHashes.historyStart(caseID: caseID, migratedHead: nil)
        state.logged.cases[caseID] = .init(version: sealed.version.version, hash: sealed.chainHash,
                                           history: StateHashes.history(start, version: sealed.version.version, hash: sealed.chainHash, author: sealed.version.author),
                                           index: state.logged.followed, base: head?.base ?? 0)
    }

    /// Every case the log names is stored with the head version the log names, and no stored
    /// case is unlogged. Cases in `reached` are left to the full per-case check.
    func checkCaseList(storedHeads: [CaseID: UInt64], reached: Set<CaseID>) throws(VaultError) {
        try locked { () throws(VaultError) in
            guard !suspended, let problem = state.logged.firstDisagreement(storedHeads: storedHeads, skip: reached) else { return }
            throw .auth(problem)
        }
    }

    /// After a re-anchor: remember the state the leader signed, and check from now on.
    func adopt(_ statement: ReanchorStatement) {
        lock.lock()
        defer { lock.unlock() }
        state = ClientState(adopting: statement)
        suspended = false
        // The leader vouched for the state as it now stands: cases are judged afresh from it.
        Self.problems.withLock { $0.removeAll() }
    }

    /// Remembers the log as it now stands (what was verified, plus entries appended since) and
    /// writes the state file atomically.
    public func save(vault: Vault) throws(VaultError) {
        let (size, logged, following) = try locked { () throws(VaultError) in (range.size, state.logged, !suspended) }
        let (newer, followed): ([[UInt8]], LoggedState) = try vault.read { db in
            (try db.leafHashList(from: size), following ? try Self.followed(logged, vault: vault, db: db) : logged)
        }
        let (bytes, saved): ([UInt8], ClientState) = try locked { () throws(VaultError) in
            guard range.size == size, state.logged == logged else { throw .io("the client state changed while it was being saved") }
            do { for leaf in newer { try range.append(leafHash: leaf) } } catch { throw .format("the access log's leaf hashes are malformed", cause: error) }
            if !suspended {
                state.logSize = range.size
                state.logRoot = range.root
                state.logRange = range
                state.logged = followed
            }
            return (state.fileBytes(key: macKey), state)
        }
        let path = ClientState.path(forKeyFile: keyFile, vault: vaultID)
        try SecureFile.replaceAtomically(path, bytes)
        ParsedClientFiles.clientStates.remember(path: path, fileBytes: bytes, keyTag: ClientState.keyTag(macKey), value: saved)
    }
}

extension ClientState {
    init(adopting s: ReanchorStatement) {
        self.init(vaultID: s.vaultID, anchorSerial: s.serial, rosterSerial: s.rosterSerial, policySerial: s.policySerial,
                  logSize: s.logSize, logRoot: s.logRoot)
    }
}

extension ClientAnchor {
    var anchorSerial: UInt64 { lock.lock(); defer { lock.unlock() }; return state.anchorSerial }
}

extension ClientAnchor {
    /// The head the log names for a case, by number and chain hash; nil when the log names none,
    /// the log follower found the case damaged, or the anchor is suspended for a re-anchor.
    func loggedHead(_ caseID: CaseID) -> (version: UInt64, hash: [UInt8])? {
        guard Self.problems.withLock({ $0[caseID] }) == nil else { return nil }
        lock.lock()
        defer { lock.unlock() }
        guard !suspended, let head = state.logged.cases[caseID] else { return nil }
        return (head.version, head.hash)
    }

    /// The scope an index must carry to be used now.
    func listIndexScope(listing: String, rosterSerial: UInt64, policySerial: UInt64) -> ListIndex.Scope {
        ListIndex.Scope(vaultID: vaultID, listing: listing, anchorSerial: anchorSerial, rosterSerial: rosterSerial, policySerial: policySerial)
    }

    /// This member's sealed index for `listing`, opened, when it exists, authenticates and has
    /// `scope`; nil otherwise (then the listing verifies every case and writes a new one).
    /// Through a key agent the opening logs a `case.open` of every case the index shows.
    func openListIndex(scope: ListIndex.Scope, identity: any MemberKeys, vaultDirectory: String) throws(VaultError) -> ListIndex? {
        let path = ListIndex.path(forKeyFile: keyFile, vault: vaultID, listing: scope.listing)
        guard !locked({ suspended }), FileManager.default.fileExists(atPath: path),
              let bytes = try? SecureFile.readPrivate(path, what: "list index"),
              let file = ListIndex.parseFile(bytes, macKey: macKey, vault: vaultID, listing: scope.listing), file.scope == scope else { return nil }
        let owner = identity.publicIdentity.boxKey
        if let entries = ParsedClientFiles.listIndexes.value(path: path, fileBytes: bytes, keyTag: owner.bytes) {
            return ListIndex(scope: scope, entries: entries)
        }
        let plaintext: SecureBytes
        if let agent = identity.boxOpener as? any ListIndexOpener {
            // Too large for one frame, or refused past the opening rate: the listing opens each case instead.
            guard let opened = try? agent.openListIndex(file.sealed, vaultDirectory: vaultDirectory) else { return nil }
            plaintext = opened
        } else {
            guard let opened = try? identity.boxOpener.openSealedBox(file.sealed) else { return nil }
            plaintext = opened
        }
        guard let entries = plaintext.withUnsafeBytes({ ListIndex.entries(in: $0) }) else { return nil }
        ParsedClientFiles.listIndexes.remember(path: path, fileBytes: bytes, keyTag: owner.bytes, value: entries)
        return ListIndex(scope: scope, entries: entries)
    }

    /// Writes `index` sealed to this member (only after the listing's transaction committed).
    func saveListIndex(_ index: ListIndex, owner: BoxPublicKey) throws(VaultError) {
        let path = ListIndex.path(forKeyFile: keyFile, vault: vaultID, listing: index.scope.listing)
        let bytes = try index.fileBytes(sealedTo: owner, macKey: macKey)
        try SecureFile.replaceAtomically(path, bytes)
        ParsedClientFiles.listIndexes.remember(path: path, fileBytes: bytes, keyTag: owner.bytes, value: index.entries)
    }
}
