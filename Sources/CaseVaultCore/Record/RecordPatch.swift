import AccessPolicy

/// A change to a case (docs/FORMAT.md, "Patch"): paths to set, groups to add to, paths to remove.
/// Path-based so a writer who cannot read the rest of the record can still add to it.
///
/// ```yaml
/// set:
///   person.language: arabisk
///   children[1]: {school: Nyskolen}
/// add:
///   notes: {date: 2026-11-25, text: Ringte kl. 02.10}
/// remove: [address.current, children[2]]
/// ```
public struct RecordPatch: Sendable {
    var set: [String: FieldValue] = [:]
    var add: [(group: String, fields: [String: FieldValue])] = []
    var remove: [String] = []
    /// Bad `set` and `add` entries, reported together with the checks against the record.
    var parseProblems: [String] = []

    static func parse(_ text: String, allowSyntheticIDs: Bool) throws(VaultError) -> RecordPatch {
        guard case let .object(pairs) = try InputNode.parse(text) else {
            throw .input("a patch must be an object with \"set\", \"add\" and/or \"remove\"")
        }
        let problems = ProblemList()
        let parser = RecordParser(allowSyntheticIDs: allowSyntheticIDs, problems: problems)
        var patch = RecordPatch()
        for (key, node) in pairs {
            switch (key, node) {
            case let ("set", .object(entries)):
                for (path, value) in entries {
                    if case .null = value { throw .input("set \(path.prefix(80)): use remove to delete a field") }
                    try parser.noting { () throws(VaultError) in
                        try validatePath(path)
                        try parser.flatten(value, at: path, into: &patch.set)
                    }
                }
            case let ("add", .object(entries)):
                for (group, value) in entries {
                    guard let pattern = FieldCatalog.pattern(ofPath: group), RecordParser.isGroup(pattern: pattern) else {
                        throw .input("add: \"\(group.prefix(80))\" is not a repeated group such as notes or children")
                    }
                    let items: [InputNode]
                    if case let .array(list) = value { items = list } else { items = [value] }
                    guard items.count <= RecordLimits.maxListItems else { throw .input("add \(group): at most \(RecordLimits.maxListItems) entries") }
                    for item in items {
                        guard case .object = item else { throw .input("add \(group): expected an object") }
                        var fields: [String: FieldValue] = [:]
                        let before = problems.items.count
                        try parser.flatten(item, at: group + "[0]", into: &fields)
                        if problems.items.count == before { patch.add.append((group, fields)) }
                    }
                }
            case let ("remove", .array(items)):
                for item in items {
                    guard case let .scalar(path, _) = item else { throw .input("remove: expected a list of field paths") }
                    try validatePath(path)
                    patch.remove.append(path)
                }
            case ("set", _), ("add", _): throw .input("\(key): expected an object")
            case ("remove", _): throw .input("remove: expected a list of field paths")
            default: throw .input("unknown patch key \"\(key.prefix(40))\" (expected set, add or remove)")
            }
        }
        guard !patch.set.isEmpty || !patch.add.isEmpty || !patch.remove.isEmpty else {
            try problems.throwIfAny()
            throw .input("the patch changes nothing")
        }
        patch.parseProblems = problems.items
        return patch
    }

    private static func validatePath(_ path: String) throws(VaultError) {
        guard let pattern = FieldCatalog.pattern(ofPath: path),
              FieldCatalog.spec(forPattern: pattern) != nil || RecordParser.hasChildren(pattern: pattern)
        else { throw .input("unknown field \"\(path.prefix(80))\"") }
    }

    /// Applies the patch to the set of existing paths. Returns the paths written and removed;
    /// `add` takes the next free index of its group so existing entries are never overwritten.
    func resolve(existingPaths: Set<String>) throws(VaultError) -> (written: [String: FieldValue], removed: Set<String>) {
        var written: [String: FieldValue] = [:]
        var removed = Set<String>()
        for prefix in remove {
            for p in existingPaths where p == prefix || p.hasPrefix(prefix + ".") || p.hasPrefix(prefix + "[") {
                removed.insert(p)
            }
        }
        for (path, value) in set {
            written[path] = value
            removed.remove(path)
        }
        var nextIndex: [String: Int] = [:]
        for (group, fields) in add {
            let taken = (existingPaths.union(written.keys)).compactMap { Self.index(of: $0, in: group) }
            let next = max(nextIndex[group] ?? 0, (taken.max() ?? -1) + 1)
            nextIndex[group] = next + 1
            // Indices have at most four digits (FORMAT.md, "Field paths and plaintext"): a full group is bad input.
            guard FieldCatalog.pattern(ofPath: "\(group)[\(next)]") != nil else {
                throw .input("add \(group): the group already has its largest index; remove entries instead")
            }
            for (path, value) in fields {
                let suffix = path.dropFirst(group.count + 3)  // drop "group[0]"
                written["\(group)[\(next)]\(suffix)"] = value
            }
        }
        return (written, removed)
    }
}
