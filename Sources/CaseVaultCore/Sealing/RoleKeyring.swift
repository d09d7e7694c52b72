import AccessPolicy
import SodiumKit

/// The role secret keys one reader holds, by envelope label: unlocked once per command from the
/// reader's newest seed wrap of each centre-wide role they hold, walking `prev` back to epoch 1.
package struct RoleKeyring: Sendable {
    let keys: [String: BoxSecretKey]
    /// With a key agent: the seed wraps it opens itself, and the envelope labels they reach.
    var sealedSeeds: [CaseKeyRequest.RoleSeed] = []
    var sealedLabels: Set<String> = []

    static let none = RoleKeyring(keys: [:])

    func key(for label: String) -> BoxSecretKey? { keys[label] }

    /// Unwraps `reader`'s seeds (all roles in one call to `opener`: one agent round trip) and
    /// checks every seed, newest to oldest, against its signed public key.
    static func unlock(_ db: StoreTransaction, vault: Vault, state: VaultState, reader: RosterEntry,
                       opener: any SealedBoxOpener) throws(VaultError) -> RoleKeyring {
        let roles = reader.roles.filter { state.policy.scope(of: $0) == .centreWide }
        guard !roles.isEmpty, state.roster.entry(reader.id)?.revoked == nil else { return .none }
        let directory = try vault.roleKeyDirectory(db)
        let wraps: [StoredSeedWrap]
        do { wraps = try db.seedWraps(holder: reader.id) } catch let e as VaultError { throw e } catch { throw .io("cannot read seed wraps", cause: error) }
        // The newest epoch of each role with a wrap for this reader.
        var wanted: [(record: RoleKeyRecord, sealed: [UInt8])] = []
        for role in roles {
            let mine = wraps.filter { $0.keyName == RoleKeys.keyName(role) }.max { $0.epoch < $1.epoch }
            guard let mine, let record = directory.record(role, epoch: mine.epoch) else { continue }
            wanted.append((record, mine.sealed))
        }
        guard !wanted.isEmpty else { return .none }
        // A key agent keeps the seeds: they go to it sealed, with every request for a case's keys.
        if opener is any CaseKeyOpener {
            var ring = RoleKeyring.none
            for w in wanted {
                let records = (1...w.record.epoch).compactMap { directory.record(w.record.role, epoch: $0) }
                ring.sealedSeeds.append(.init(wrap: w.sealed, records: records.map { $0.encoded() }))
                ring.sealedLabels.formUnion(records.map(\.label))
            }
            return ring
        }
        let opened: [SecureBytes?]
        do { opened = try opener.openSealedBoxes(wanted.map(\.sealed)) } catch {
            throw .auth("a role key seed sealed to \(reader.id) failed to open", cause: error)
        }
        guard opened.count == wanted.count else { throw .auth("the key opener answered for the wrong number of role seeds") }
        var keys: [String: BoxSecretKey] = [:]
        for (w, seed) in zip(wanted, opened) {
            guard var seed else { throw .auth("\(w.record.label): the seed sealed to \(reader.id) does not open (tampered)") }
            var record = w.record
            while true {
                keys[record.label] = try RoleKeys.check(seed, against: record)
                guard record.epoch > 1, let older = directory.record(record.role, epoch: record.epoch - 1) else { break }
                seed = try RoleKeys.openPrevious(record, seed: seed)
                record = older
            }
        }
        return RoleKeyring(keys: keys)
    }
}
