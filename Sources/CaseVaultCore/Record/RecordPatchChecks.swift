import AccessPolicy

/// What a patch may not do to the record it is applied to: address an entry past the end of
/// its group (a phantom "barn 6"), add an entry identical to one already there, or leave
/// values that contradict each other. Contradictions the record already held are not blamed
/// on the patch, so an old record can still be corrected one field at a time.
extension RecordPatch {
    /// Write permission is checked first, so someone who may not write a field learns nothing
    /// about what the rest of the record holds from a validation message.
    func refuseProblems(in opened: OpenedCase, change: (written: [String: FieldValue], removed: Set<String>),
                        writer: RosterEntry, access: CaseAccess, today: CalendarDate) throws(VaultError) {
        for path in Array(change.written.keys) + Array(change.removed) {
            if case let .denied(reason) = access.writeDecision(writer, path: path) { throw .denied(reason) }
        }
        let sealed = Set(opened.sealedFields.map(\.path))
        let existing = Set(opened.fields.keys).union(sealed)
        let list = ProblemList()
        list.items = parseProblems
        list.items += indexProblems(existing: existing)
        list.items += duplicateAdds(opened.fields, sealed: sealed)
        list.items += RecordWriteRules(today: today).futureDates(in: change.written) + RecordWriteRules.importOnly(in: change.written)
        var after = opened.fields
        for path in change.removed { after[path] = nil }
        for (path, value) in change.written { after[path] = value }
        let before = Set(RecordConsistency(fields: opened.fields, sealed: sealed).problems())
        list.items += RecordConsistency(fields: after, sealed: sealed.subtracting(change.removed)).problems().filter { !before.contains($0) }
        try list.throwIfAny()
    }

    /// Each index a `set` path names must exist, or be the next free one of its group.
    func indexProblems(existing: Set<String>) -> [String] {
        var problems: [String] = []
        var known = existing
        for path in set.keys.sorted(by: { $0.utf8.count < $1.utf8.count || ($0.utf8.count == $1.utf8.count && $0 < $1) }) {
            for (group, index) in Self.indexedGroups(of: path) {
                let taken = Set(known.compactMap { Self.index(of: $0, in: group) })
                if !taken.contains(index) && index != (taken.max() ?? -1) + 1 {
                    problems.append("\(path): \(group) has no entry \(index) (use add for a new entry)")
                    break
                }
            }
            known.insert(path)
        }
        return problems
    }

    /// An `add` entry equal, field for field, to an entry already in its group (or added
    /// earlier in the same patch). Entries with fields sealed from the writer are not compared.
    func duplicateAdds(_ fields: [String: FieldValue], sealed: Set<String>) -> [String] {
        var problems: [String] = []
        var seen: [String: [[String: FieldValue]]] = [:]
        for (group, item) in add {
            let entry = Dictionary(uniqueKeysWithValues: item.map { (String($0.key.dropFirst(group.count + 3)), $0.value) })
            if seen[group] == nil { seen[group] = Self.entries(of: group, in: fields, sealed: sealed) }
            if seen[group]!.contains(entry) {
                problems.append("add \(group): an identical entry is already there")
            } else {
                seen[group]!.append(entry)
            }
        }
        return problems
    }

    private static func entries(of group: String, in fields: [String: FieldValue], sealed: Set<String>) -> [[String: FieldValue]] {
        var byIndex: [Int: [String: FieldValue]] = [:]
        for (path, value) in fields {
            guard let i = index(of: path, in: group) else { continue }
            let suffix = String(path.dropFirst(group.count + 2 + String(i).count))
            byIndex[i, default: [:]][suffix] = value
        }
        let hidden = Set(sealed.compactMap { index(of: $0, in: group) })
        return byIndex.filter { !hidden.contains($0.key) }.map(\.value)
    }

    /// The groups a path indexes into, outermost first: `threats[0].perpetrators[2].name` →
    /// (threats, 0), (threats[0].perpetrators, 2).
    static func indexedGroups(of path: String) -> [(group: String, index: Int)] {
        var out: [(String, Int)] = []
        var search = path.startIndex
        while let open = path[search...].firstIndex(of: "["), let close = path[open...].firstIndex(of: "]") {
            if let i = Int(path[path.index(after: open)..<close]) { out.append((String(path[..<open]), i)) }
            search = path.index(after: close)
        }
        return out
    }

    static func index(of path: String, in group: String) -> Int? {
        guard path.hasPrefix(group + "[") else { return nil }
        let rest = path.dropFirst(group.count + 1)
        guard let close = rest.firstIndex(of: "]") else { return nil }
        return Int(rest[..<close])
    }
}
