/// Which fields the break-glass key opens: a case sealed before `breakglass setup` (or before
/// its latest rotation) holds no envelope for the key until a reader of its fields re-seals it,
/// which their client does by itself the next time they open the case.
enum BreakGlassCoverage {
    /// The head's fields (of `paths`, or all) whose class has no envelope for `label`.
    static func uncovered(_ paths: [String]? = nil, head: CaseVersion, chain: [CaseVersion], label: String) -> [String] {
        head.fields.filter { f in
            guard paths?.contains(f.path) ?? true else { return false }
            guard f.key.generation >= 1, f.key.generation <= UInt64(chain.count),
                  let cls = chain[Int(f.key.generation - 1)].classes.first(where: { $0.index == f.key.index }) else { return true }
            return !cls.envelopes.contains { $0.member == label }
        }.map(\.path)
    }

    /// The classes of the head without an envelope for the current break-glass key: stale for
    /// a reader who can re-seal them.
    static func uncoveredClasses(head: CaseVersion, chain: [CaseVersion], escrow: [EscrowRecipient]) -> Set<CaseVersion.KeyRef> {
        guard let label = escrow.last(where: { $0.label.hasPrefix("breakglass#") })?.label else { return [] }
        let paths = Set(uncovered(head: head, chain: chain, label: label))
        return Set(head.fields.filter { paths.contains($0.path) }.map(\.key))
    }
}

extension BreakGlassOperations {
    /// The cases whose head holds a field the break-glass key `label` does not open, read from
    /// version metadata only (nothing is decrypted).
    func casesNotCovered(label: String) throws(VaultError) -> [CaseID] {
        try vault.read { db in
            var out: [CaseID] = []
            for id in try db.caseIDs() {
                let chain = try db.caseBodies(id).map { try CaseVersion.decode($0) }
                guard let head = chain.last else { continue }
                if !BreakGlassCoverage.uncovered(head: head, chain: chain, label: label).isEmpty { out.append(id) }
            }
            return out
        }
    }
}
