import AccessPolicy

/// A case's plaintext, flattened: one entry per field path (`children[0].name`). Lives in
/// memory only; each value is encrypted on its own when a version is sealed.
public struct CaseRecord: Equatable, Sendable {
    public var fields: [String: FieldValue]

    public init(fields: [String: FieldValue] = [:]) { self.fields = fields }

    /// Paths in the catalogue's order, indices ascending: the order people read a case in.
    public var orderedPaths: [String] { Self.order(Array(fields.keys)) }

    static func order(_ paths: [String]) -> [String] {
        // Each key is worked out once per path, not once per comparison.
        paths.map { (SortKey(path: $0), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    private static let rank: [String: Int] = Dictionary(uniqueKeysWithValues: FieldCatalog.fields.enumerated().map { ($1.pattern, $0) })
    private static let sectionRank: [String: Int] = Dictionary(uniqueKeysWithValues: FieldCatalog.sections.enumerated().map { ($1.key, $0) })

    private struct SortKey: Comparable {
        let section: Int, indices: [Int], rank: Int, path: String
        init(path: String) {
            let pattern = FieldCatalog.pattern(ofPath: path) ?? path
            let sectionName = FieldSpec(pattern, "", .text).section
            section = CaseRecord.sectionRank[sectionName] ?? Int.max
            indices = path.split(whereSeparator: { $0 == "[" || $0 == "]" }).compactMap { Int($0) }
            self.rank = CaseRecord.rank[pattern] ?? Int.max
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
