import AccessPolicy

/// A case's plaintext, flattened: one entry per field path (`children[0].name`). Lives in
/// memory only; each value is encrypted on its own when a version is sealed.
public struct CaseRecord: Equatable, Sendable {
    public var fields: [String: FieldValue]

    public init(fields: [String: FieldValue] = [:]) { self.fields = fields }

    /// Paths in the catalogue's order, indices ascending: the order people read a case in.
    public var orderedPaths: [String] { Self.order(Array(fields.keys)) }

    static func order(_ paths: [String]) -> [String] {
        let rank = Dictionary(uniqueKeysWithValues: FieldCatalog.fields.enumerated().map { ($1.pattern, $0) })
        return paths.sorted { a, b in
            let ka = SortKey(path: a, rank: rank), kb = SortKey(path: b, rank: rank)
            return ka < kb
        }
    }

    private struct SortKey: Comparable {
        let section: Int, indices: [Int], rank: Int, path: String
        init(path: String, rank: [String: Int]) {
            let pattern = FieldCatalog.pattern(ofPath: path) ?? path
            let sectionName = FieldSpec(pattern, "", .text).section
            section = FieldCatalog.sections.firstIndex { $0.key == sectionName } ?? Int.max
            indices = path.split(whereSeparator: { $0 == "[" || $0 == "]" }).compactMap { Int($0) }
            self.rank = rank[pattern] ?? Int.max
            self.path = path
        }
        static func < (a: SortKey, b: SortKey) -> Bool {
            if a.section != b.section { return a.section < b.section }
            if a.indices != b.indices { return a.indices.lexicographicallyPrecedes(b.indices) }
            if a.rank != b.rank { return a.rank < b.rank }
            return a.path < b.path
        }
    }
}
