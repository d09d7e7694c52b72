import AccessPolicy

/// Who gets an envelope for a class key: the one place recipient labels are computed, used by
/// the Sealer (whom to seal to) and by the stale check (who should no longer hold a key).
enum Recipients {
    /// The labels (member ids today) of everyone who may read fields of `pattern` in this case.
    static func labels(forPattern pattern: String, in access: CaseAccess) -> [String] {
        access.readers(of: pattern)
    }

    static func isMemberLabel(_ label: String) -> Bool { !label.contains(":") && !label.contains("#") }

    /// The classes referenced by `head`'s fields that hold an envelope for a label that is no
    /// longer a recipient of one of their paths (revoked, unassigned, role dropped, policy
    /// narrowed). A recipient missing from a class is not staleness: grants add readers.
    /// `granted` adds the holders of authentic grants: a key granted to someone since removed is stale too.
    static func staleClasses(of head: CaseVersion, in chain: [CaseVersion], access: CaseAccess,
                             granted: [CaseVersion.KeyRef: Set<String>] = [:]) -> Set<CaseVersion.KeyRef> {
        var current: [String: Set<String>] = [:]
        var pathsOf: [CaseVersion.KeyRef: [String]] = [:]
        for f in head.fields { pathsOf[f.key, default: []].append(f.path) }
        var stale = Set<CaseVersion.KeyRef>()
        for (ref, paths) in pathsOf {
            guard ref.generation >= 1, ref.generation <= UInt64(chain.count),
                  let cls = chain[Int(ref.generation - 1)].classes.first(where: { $0.index == ref.index }) else { continue }
            // Only member labels: role, recovery and break-glass labels (which hold ':' or '#',
            // never in a member id) are renewed by their own epochs, not by re-sealing a case.
            let held = Set(cls.envelopes.map(\.member).filter(Recipients.isMemberLabel)).union(granted[ref] ?? [])
            for path in paths {
                let pattern = FieldCatalog.pattern(ofPath: path) ?? path
                let now = current[pattern] ?? Set(labels(forPattern: pattern, in: access))
                current[pattern] = now
                if !held.isSubset(of: now) { stale.insert(ref); break }
            }
        }
        return stale
    }
}
