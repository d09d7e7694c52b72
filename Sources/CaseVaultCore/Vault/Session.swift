import AccessPolicy
import SodiumKit

/// A member acting on the vault with their own keys. Obtained only for a key that is on the
/// signed roster and not revoked. A session holds who acts and where; each concern (cases,
/// roster, policy, handovers, audit) is its own type over it, and `Session+Operations.swift`
/// is the one public entry to them, logging every refusal itself.
public struct Session: Sendable {
    public let vault: Vault
    public let member: RosterEntry
    let identity: any MemberKeys
    /// This member's clock (the vault's unless given): dates what they write, and bounds how far
    /// ahead what they read may be.
    public let clock: any VaultClock
    /// The client's pinned root and remembered state (nil: a library caller that keeps none).
    public let anchor: ClientAnchor?
    /// Set for a resident's key: the one case it is bound to (`member` is then its pseudonym).
    public let residentCase: CaseID?

    /// Opens a session for `identity`. A key that is not on the roster, a recipient's key or a
    /// revoked member's key is refused, and the attempt is logged under `command` before the
    /// error is thrown, whoever the caller is.
    public init(vault: Vault, identity: any MemberKeys, command: String = "session",
                clock: (any VaultClock)? = nil, anchor: ClientAnchor? = nil) throws(VaultError) {
        do throws(VaultError) {
            let roster = try vault.roster()
            // A resident's key is on no roster: it acts as the pseudonym its case binding names.
            let binding = roster.entry(for: identity.publicIdentity) == nil ? try vault.residentBinding(for: identity.publicIdentity) : nil
            guard let entry = roster.entry(for: identity.publicIdentity) ?? binding?.entry else {
                throw VaultError.denied("this key is not on the vault's signed roster")
            }
            guard entry.kind == .member else { throw VaultError.denied("\(entry.id) is an external recipient, not a member of this vault") }
            guard !entry.isRevoked else { throw VaultError.denied("\(entry.id) has been revoked") }
            self.vault = vault
            self.member = entry
            self.residentCase = binding?.caseID
            self.identity = identity
            self.clock = clock ?? vault.clock
            self.anchor = anchor
        } catch {
            vault.logRefusedAttempt(presented: identity.publicIdentity, signingKey: identity.signer, command: command, error: error)
            throw error
        }
    }

    /// The same member with other keys (the root joined to theirs): nothing is checked again.
    init(vault: Vault, member: RosterEntry, identity: any MemberKeys, clock: any VaultClock, anchor: ClientAnchor?) {
        self.vault = vault
        self.member = member
        self.identity = identity
        self.clock = clock
        self.anchor = anchor
        self.residentCase = nil  // only staff hold the root
    }
}

/// What every concern type reads from the session it works for.
protocol SessionBound {
    var session: Session { get }
}

extension Session {
    /// Ends a command that succeeded: this client remembers what it saw (the client state file,
    /// docs/FORMAT.md part 7a), so that the next command refuses a vault that went back. Never
    /// after a failure: a failed command may have noted a write its transaction rolled back.
    public func complete() throws(VaultError) { try anchor?.save(vault: vault) }
}

extension Vault {
    /// Runs one command in a session opened with `keys` under this key file's pin and client
    /// state, and completes the session when `body` succeeds: a caller cannot forget to.
    public func withSession<T>(keyFile: String, keys: any MemberKeys, command: String,
                               _ body: (Session) throws -> T) throws -> T {
        let session = try openSession(keyFile: keyFile, keys: keys, command: command)
        let result = try body(session)
        try session.complete()
        return result
    }
}

extension Session: SessionBound {
    var session: Session { self }
}

extension SessionBound {
    var vault: Vault { session.vault }
    var member: RosterEntry { session.member }
    var identity: any MemberKeys { session.identity }
    var clock: any VaultClock { session.clock }
    var anchor: ClientAnchor? { session.anchor }

    /// The vault's state for this transaction, after checking that this member is still on the
    /// roster and not revoked: a session opened before a revocation acts no further.
    func currentState(_ db: StoreTransaction) throws -> VaultState {
        let state = try vault.loadState(db)
        if session.residentCase != nil {
            try vault.requireStillBound(member, db: db, state: state)
            try anchor?.checkForward(roster: state.roster.serial, policy: UInt64(state.policy.serial))
            return state
        }
        guard let now = state.roster.entry(member.id), now.identity == member.identity, now.kind == .member else {
            throw VaultError.denied("\(member.id) is no longer on the roster")
        }
        guard now.revoked == nil else { throw VaultError.denied("\(member.id) has been revoked") }
        try anchor?.checkForward(roster: state.roster.serial, policy: UInt64(state.policy.serial))
        try anchor?.catchUp(vault: vault, db: db)
        return state
    }

    /// The centre root key, or a refusal naming what needs it.
    func requireRoot(for action: String) throws(VaultError) -> SigningSecretKey {
        guard let root = identity.centreRootKey, root.publicKey == vault.rootKey else {
            throw .denied("\(action) needs the centre root key: give its key file with --root-key FILE")
        }
        return root
    }
}
