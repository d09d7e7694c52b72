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

    /// `order`, reusing the keys in `memo`: a listing orders the same paths for every case.
    static func order(_ paths: [String], memo: inout [String: SortKey]) -> [String] {
        paths.map { path in
            if let key = memo[path] { return (key, path) }
            let key = SortKey(path: path)
            memo[path] = key
            return (key, path)
        }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// Catalogue pattern → (section's place, pattern's place), worked out once.
    private static let places: [String: (section: Int, rank: Int)] = {
        let sections = Dictionary(uniqueKeysWithValues: FieldCatalog.sections.enumerated().map { ($1.key, $0) })
        return Dictionary(uniqueKeysWithValues: FieldCatalog.fields.enumerated().map { i, spec in
            (spec.pattern, (sections[spec.section] ?? Int.max, i))
        })
    }()

    struct SortKey: Comparable {
        let section: Int, indices: [Int], rank: Int, path: String
        init(path: String) {
            let place = FieldCatalog.pattern(ofPath: path).flatMap { CaseRecord.places[$0] } ?? (Int.max, Int.max)
            section = place.section
            rank = place.rank
            var indices: [Int] = []
            var value = -1
            for c in path.utf8 {
                switch c {
                case UInt8(ascii: "["): value = 0
                case UInt8(ascii: "]"): indices.append(value); value = -1
                // Saturates: valid indices have four digits, and a damaged path must not trap.
                case 0x30...0x39 where value >= 0: value = min(value, Int.max / 100) * 10 + Int(c - 0x30)
                default: break
                }
            }
            self.indices = indices
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
