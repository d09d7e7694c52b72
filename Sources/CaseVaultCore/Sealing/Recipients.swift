import AccessPolicy
import SodiumKit

/// The one place that says who a class key is sealed to, as envelope labels, used by the Sealer
/// (whom to seal to) and by the stale check (who should no longer hold a key):
/// `role:<role>#<epoch>` for each centre-wide reader role (its current role key: members holding
/// the role, now or later, open it), and the member id (or resident pseudonym) of each reader who
/// reaches the case only through a case-assigned role. A centre-wide role without a key yet (a
/// vault from before role keys) falls back to its members' own envelopes. Labels are sorted.
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

    /// Recovery and break-glass envelopes are renewed by their own epochs, never by re-sealing a case.
    static func isEscrowLabel(_ label: String) -> Bool { label.hasPrefix("recovery#") || label.hasPrefix("breakglass#") }

    /// The classes referenced by `head`'s fields that hold an envelope for a label that is no
    /// longer a recipient of one of their paths (revoked, unassigned, role dropped, policy
    /// narrowed, or a role key rotated after a removal), or that lack a current role label (a
    /// policy widened for a centre-wide role: no grant reaches the role, only a re-seal). A member
    /// missing from a class is not staleness: grants and role keys add members. `granted` adds
    /// the holders of authentic grants: a key granted to someone since removed is stale too.
    func staleClasses(of head: CaseVersion, in chain: [CaseVersion],
                      granted: [CaseVersion.KeyRef: Set<String>] = [:]) -> Set<CaseVersion.KeyRef> {
        var current: [String: Set<String>] = [:]
        var pathsOf: [CaseVersion.KeyRef: [String]] = [:]
        for f in head.fields { pathsOf[f.key, default: []].append(f.path) }
        var stale = Set<CaseVersion.KeyRef>()
        for (ref, paths) in pathsOf {
            guard ref.generation >= 1, ref.generation <= UInt64(chain.count),
                  let cls = chain[Int(ref.generation - 1)].classes.first(where: { $0.index == ref.index }) else { continue }
            let held = Set(cls.envelopes.map(\.member).filter { !Self.isEscrowLabel($0) }).union(granted[ref] ?? [])
            for path in paths {
                let pattern = FieldCatalog.pattern(ofPath: path) ?? path
                let now = current[pattern] ?? Set(labels(of: pattern))
                current[pattern] = now
                if !held.isSubset(of: now) || now.contains(where: { RoleKeys.parseLabel($0) != nil && !held.contains($0) }) {
                    stale.insert(ref)
                    break
                }
            }
        }
        return stale
    }
}
