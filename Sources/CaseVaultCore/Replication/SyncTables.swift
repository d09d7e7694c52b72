/// The vault tables a shared vault replicates, with their columns in a fixed order (the wire
/// order) and their primary keys. What is derived or local is not replicated: the Merkle
/// frontier (recomputed from the leaves), the last log time, GRDB's migration list.
public struct SyncTable: Sendable {
    public let name: String
    public let columns: [String]
    public let key: [String]
    /// Append-only tables: a row once stored never changes and is never deleted, on the server
    /// or on a replica. Everything signed and logged lives in one.
    public let appendOnly: Bool
}

public enum SyncTables {
    /// The replicated schema's version: a server or replica with another refuses to sync.
    public static let version = 1

    /// Parents before children (foreign keys), so rows apply in this order.
    public static let all: [SyncTable] = [
        .init(name: "meta", columns: ["key", "value"], key: ["key"], appendOnly: false),
        .init(name: "rosters", columns: ["serial", "text"], key: ["serial"], appendOnly: true),
        .init(name: "policies", columns: ["serial", "text", "signature"], key: ["serial"], appendOnly: true),
        .init(name: "case_versions", columns: ["case_id", "version", "body", "signature"], key: ["case_id", "version"], appendOnly: true),
        .init(name: "log_entries", columns: ["idx", "entry", "leaf_hash"], key: ["idx"], appendOnly: true),
        .init(name: "log_checkpoints", columns: ["size", "note"], key: ["size"], appendOnly: true),
        .init(name: "log_cosignatures", columns: ["size", "witness", "note"], key: ["size", "witness"], appendOnly: false),
        .init(name: "log_reasons", columns: ["idx", "sealed"], key: ["idx"], appendOnly: true),
        .init(name: "handover_disclosures", columns: ["bundle_id", "case_id", "recipient", "manifest_hash", "created"], key: ["bundle_id"], appendOnly: true),
        .init(name: "handover_receipts", columns: ["bundle_id", "receipt", "confirmed"], key: ["bundle_id"], appendOnly: true),
        .init(name: "case_grants", columns: ["case_id", "generation", "class", "recipient", "format", "sealed", "granter", "basis", "created", "signature"],
              key: ["case_id", "generation", "class", "recipient"], appendOnly: true),
        .init(name: "pending_grants", columns: ["case_id", "member"], key: ["case_id", "member"], appendOnly: false),
        .init(name: "role_key_records", columns: ["key", "epoch", "body", "signature"], key: ["key", "epoch"], appendOnly: true),
        .init(name: "role_key_wraps", columns: ["key", "epoch", "holder", "sealed"], key: ["key", "epoch", "holder"], appendOnly: false),
        .init(name: "escrow_keys", columns: ["kind", "epoch", "record"], key: ["kind", "epoch"], appendOnly: true),
        .init(name: "escrow_wraps", columns: ["kind", "epoch", "holder", "wrap"], key: ["kind", "epoch", "holder"], appendOnly: false),
        .init(name: "escrow_requests", columns: ["request", "kind", "case_id", "text", "log_idx"], key: ["request"], appendOnly: true),
        .init(name: "escrow_statements", columns: ["request", "kind", "author", "text", "log_idx"], key: ["request", "kind", "author"], appendOnly: true),
        .init(name: "recovery_peels", columns: ["request", "step", "blob"], key: ["request", "step"], appendOnly: false),
        .init(name: "released_keys", columns: ["request", "case_id", "generation", "class", "holder", "grant_text"],
              key: ["request", "generation", "class", "holder"], appendOnly: false),
        .init(name: "resident_bindings", columns: ["pseudonym", "format", "case_id", "box_key", "sign_key", "binder", "bound_at", "signature", "unbound_at"],
              key: ["pseudonym"], appendOnly: false),
        .init(name: "handover_requests", columns: ["request_id", "case_id", "request", "purpose_sealed", "reviewed_by", "decision", "reason_sealed", "bundle_id", "created"],
              key: ["request_id"], appendOnly: false),
        .init(name: "handover_answers", columns: ["answer_id", "bundle_id", "case_id", "version", "recipient", "recipient_role", "answer", "imported"],
              key: ["answer_id"], appendOnly: true),
    ]

    /// Meta keys each replica keeps for itself.
    public static let localMetaKeys: Set<String> = ["log_last_time"]

    private static let byName = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    public static func table(_ name: String) -> SyncTable? { byName[name] }

    /// The position of a table in `all`: rows apply in this order.
    public static func order(_ name: String) -> Int { all.firstIndex { $0.name == name } ?? all.count }

    /// Checks a row's shape against the catalogue.
    public static func check(_ row: SyncRow) throws(VaultError) {
        guard let t = table(row.table) else { throw .format("table \(row.table) is not replicated") }
        guard row.key.count == t.key.count else { throw .format("a \(row.table) row has a malformed key") }
        if let values = row.values {
            guard values.count == t.columns.count else { throw .format("a \(row.table) row has \(values.count) values, not \(t.columns.count)") }
            for (i, k) in t.key.enumerated() where values[t.columns.firstIndex(of: k)!] != row.key[i] {
                throw .format("a \(row.table) row's key does not match its values")
            }
        }
        if row.table == "meta", case .text(let k)? = row.key.first, localMetaKeys.contains(k) { throw .format("meta \(k) is not replicated") }
    }
}
