import AccessPolicy
import Foundation
import SodiumKit

/// One centre's vault: a folder holding `vault.sqlite` and `Keys/keyring.txt`.
public final class Vault: Sendable {
    /// Format 2: every log entry that changes state names it by number and hash (docs/FORMAT.md).
    public static let formatVersion = "2"
    /// The format `vault migrate` converts from; no other command opens it.
    static let migratableFormat = "1"
    static let migrateFormatOneError = "vault format 1 must be migrated: run `casevault vault migrate` (needs the centre root key)"

    public let directory: String
    let store: VaultStore
    /// Where every timestamp the vault writes comes from.
    let clock: any VaultClock
    public let vaultID: VaultID
    public let centreName: String
    public let rootKey: SigningPublicKey
    /// A test vault accepts synthetic identity numbers; production vaults refuse them.
    public let isTestVault: Bool
    /// The format the vault was opened in: `formatVersion`, or `migratableFormat` when the caller allowed it.
    public let format: String

    var keyringPath: String { directory + "/Keys/keyring.txt" }
    /// The database file's name inside the vault folder.
    public static var databaseFileName: String { VaultStore.fileName }

    private convenience init(directory: String, store: VaultStore, clock: (any VaultClock)?, allowingFormat1: Bool) throws(VaultError) {
        let meta: [String: String]
        do { meta = try store.read { try $0.meta() } } catch { throw .io("cannot read the vault's metadata", cause: error) }
        try self.init(directory: directory, store: store, meta: meta, clock: clock, allowingFormat1: allowingFormat1)
    }

    private init(directory: String, store: VaultStore, meta: [String: String], clock: (any VaultClock)?, allowingFormat1: Bool = false) throws(VaultError) {
        self.directory = directory
        self.store = store
        guard let version = meta["format"] else { throw .format("vault metadata is missing") }
        if version == Self.migratableFormat, !allowingFormat1 { throw .format(Self.migrateFormatOneError) }
        guard version == Self.formatVersion || version == Self.migratableFormat else {
            throw .format("vault format \(version) is not supported (this program reads \(Self.formatVersion))")
        }
        format = version
        guard let id = meta["vault_id"].flatMap(VaultID.init(hex:)), let name = meta["centre"],
              let rootBytes = meta["root_key"].flatMap({ Base64.decode($0) }), let root = try? SigningPublicKey(bytes: rootBytes)
        else { throw .format("vault metadata is malformed") }
        vaultID = id
        centreName = name
        rootKey = root
        isTestVault = meta["test_vault"] == "1"
        self.clock = clock ?? TestClockOverride.clock(forTestVault: isTestVault) ?? SystemClock()
    }

    /// Opens an existing vault. `clock` is for tests; a vault otherwise reads the system clock.
    /// A format-1 vault is refused unless `allowingFormat1` (only `vault info` and `vault migrate`).
    public static func open(at directory: String, clock: (any VaultClock)? = nil, allowingFormat1: Bool = false) throws(VaultError) -> Vault {
        let path = directory + "/" + VaultStore.fileName
        guard FileManager.default.fileExists(atPath: path) else { throw .notFound("no vault at \(directory) (run `casevault init` first)") }
        let vault = try Vault(directory: directory, store: try VaultStore.open(path: path, create: false), clock: clock, allowingFormat1: allowingFormat1)
        vault.tightenKeyringMode()
        if let pinned = TrustPin.rootFingerprint, !Fingerprint.matches(pinned, Fingerprint.root(vault.rootKey)) {
            throw .auth("the vault's centre root key does not match the pinned fingerprint")
        }
        return vault
    }

    /// Creates a vault with its centre root key and first leader, and installs the default policy.
    public static func create(at directory: String, centreName: String, testVault: Bool,
                              leaderID: String, leaderName: String, leader: SecretIdentity,
                              clock: (any VaultClock)? = nil) throws(VaultError) -> Vault {
        guard let root = leader.centreRootKey else { throw .input("the first leader's identity must hold the centre root key") }
        try RosterEntry.validate(id: leaderID)
        try RosterEntry.validate(name: leaderName)
        try RosterEntry.validate(name: centreName)
        let fm = FileManager.default
        let path = directory + "/" + VaultStore.fileName
        guard !fm.fileExists(atPath: path) else { throw .refused("a vault already exists at \(directory)") }
        do {
            try fm.createDirectory(atPath: directory + "/Keys", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try fm.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory)
        } catch { throw .io("cannot create \(directory)", cause: error) }
        let id = VaultID.random()
        let now = (clock ?? TestClockOverride.clock(forTestVault: testVault) ?? SystemClock()).now()
        let roster = Roster(vaultID: id, centre: centreName, serial: 1, rootKey: root.publicKey, issued: now, entries: [
            RosterEntry(kind: .member, id: leaderID, name: leaderName, roles: [.leader], identity: leader.publicIdentity, added: now),
        ])
        let signedRoster = try SignedRoster(roster: roster, signedBy: root)
        let policy = Policy.makeDefault()
        let meta = [("format", formatVersion), ("vault_id", id.hex), ("centre", centreName),
                    ("root_key", Base64.encode(root.publicKey.bytes)), ("test_vault", testVault ? "1" : "0"), ("created", now.rfc3339)]
        let store = try VaultStore.open(path: path, create: true)
        do {
            let vault = try Vault(directory: directory, store: store, meta: Dictionary(uniqueKeysWithValues: meta), clock: clock)
            // One transaction: a vault is created whole, with its first log entry, or not at all.
            try vault.write { db in
                try db.insertMeta(meta)
                try db.insertRoster(serial: 1, text: signedRoster.fileText)
                try db.insertPolicy(serial: policy.serial, bytes: policy.sourceBytes, signature: PolicySigning.sign(policy, vault: id, root: root))
                let state = try vault.loadState(db)
                try vault.appendLog(db, state: state, actor: leaderID, key: leader.signingKey, checkpoint: true, action: LogAction.vaultInit.rawValue,
                                    caseID: nil, fields: [], detail: ["roster-serial": "1", "policy-serial": String(policy.serial)], reason: nil)
                try vault.ensureRoleKeys(db, actor: leaderID, signer: leader.signingKey, root: root)
            }
            try vault.exportKeyring(signedRoster)
            return vault
        } catch {
            store.close()
            for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: path + suffix) }
            try? fm.removeItem(atPath: directory + "/Keys/keyring.txt")
            throw error
        }
    }

    func exportKeyring(_ roster: SignedRoster) throws(VaultError) {
        try SecureFile.replaceAtomically(keyringPath, Array(roster.fileText.utf8), mode: 0o600)
    }
}

/// `CASEVAULT_ROOT_FINGERPRINT`: when set, a vault whose centre root key has another fingerprint is refused.
enum TrustPin {
    static var rootFingerprint: String? { Environment.value("CASEVAULT_ROOT_FINGERPRINT") }
}

extension Vault {
    /// What staff compare before trusting a vault: the centre root key's fingerprint.
    public var rootFingerprint: String { Fingerprint.root(rootKey) }
}
