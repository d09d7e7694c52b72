import AccessPolicy
import SodiumKit

/// The one place that says who a class key is sealed to, as envelope labels: `role:<role>#<epoch>`
/// for each centre-wide reader role (its current role key: members holding the role, now or
/// later, open it), and the member id of each member who reaches the case only through a
/// case-assigned reader role. A centre-wide role without a key yet (a vault from before role
/// keys) falls back to its members' own envelopes. Labels are sorted; a class whose envelopes
/// name other labels than these is stale.
struct Recipients {
    let access: CaseAccess
    /// Current record of each centre-wide role that has one.
    private let roleRecords: [Role: RoleKeyRecord]

    init(access: CaseAccess, state: VaultState) throws(VaultError) {
        self.access = access
        var records: [Role: RoleKeyRecord] = [:]
        for role in access.policy.centreWide {
            if let r = try state.roleKeys.current(role, state: state) { records[role] = r }
        }
        roleRecords = records
    }

    /// Recipient labels of the key of the fields matching `pattern`, sorted.
    func labels(of pattern: String) -> [String] {
        let readers = access.policy.readers(of: pattern)
        guard !readers.isEmpty else { return [] }
        let covered = readers.filter { roleRecords[$0] != nil }
        var out = covered.map { roleRecords[$0]!.label }
        for m in access.roster.entries where m.kind == .member && m.revoked == nil {
            // A member gets an envelope of their own only for a reader role no role key covers.
            if access.effectiveRoles(of: m).contains(where: { readers.contains($0) && !covered.contains($0) }) { out.append(m.id) }
        }
        return out.sorted()
    }

    /// The X25519 key an envelope with `label` is sealed to.
    func boxKey(for label: String) -> BoxPublicKey? {
        if let (role, epoch) = RoleKeys.parseLabel(label) {
            return roleRecords[role].flatMap { $0.epoch == epoch ? $0.publicKey : nil }
        }
        return access.roster.entry(label)?.identity.boxKey
    }
}
