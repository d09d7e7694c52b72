import AccessPolicy
import GRDB
import SodiumKit

/// A member acting on the vault with their own keys. Obtained only for a key that is on the
/// signed roster and not revoked.
public struct Session: Sendable {
    public let vault: Vault
    public let member: RosterEntry
    let identity: any MemberKeys

    public init(vault: Vault, identity: any MemberKeys) throws(VaultError) {
        let roster = try vault.roster()
        guard let entry = roster.entry(for: identity.publicIdentity) else {
            throw .denied("this key is not on the vault's signed roster")
        }
        guard entry.kind == .member else { throw .denied("\(entry.id) is an external recipient, not a member of this vault") }
        guard !entry.isRevoked else { throw .denied("\(entry.id) has been revoked") }
        self.vault = vault
        self.member = entry
        self.identity = identity
    }

    /// The centre root key, or a refusal naming what needs it.
    func requireRoot(for action: String) throws(VaultError) -> SigningSecretKey {
        guard let root = identity.centreRootKey, root.publicKey == vault.rootKey else {
            throw .denied("\(action) needs the centre root key, which this key file does not hold")
        }
        return root
    }
}

extension Session {
    /// The vault's state for this transaction, after checking that this member is still on the
    /// roster and not revoked: a session opened before a revocation acts no further.
    func currentState(_ db: Database) throws -> VaultState {
        let state = try vault.loadState(db)
        guard let now = state.roster.entry(member.id), now.identity == member.identity, now.kind == .member else {
            throw VaultError.denied("\(member.id) is no longer on the roster")
        }
        guard now.revoked == nil else { throw VaultError.denied("\(member.id) has been revoked") }
        return state
    }
}
