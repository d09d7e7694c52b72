import SodiumKit

/// One value of a replicated row, typed as SQLite stores it. On the wire (docs/FORMAT.md,
/// "Shared vault wire protocol") it is one string: `n`, `i:<decimal>`, `s:<text>` or `b:<base64>`.
public enum SyncValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case text(String)
    case blob([UInt8])

    public var wire: String {
        switch self {
        case .null: "n"
        case .integer(let i): "i:\(i)"
        case .text(let s): "s:" + s
        case .blob(let b): "b:" + Base64.encode(b)
        }
    }

    public init(wire: String) throws(VaultError) {
        if wire == "n" { self = .null; return }
        let tag = wire.prefix(2), rest = String(wire.dropFirst(2))
        switch tag {
        case "i:":
            guard let i = Int64(rest), String(i) == rest else { throw .format("a synced integer is not canonical") }
            self = .integer(i)
        case "s:": self = .text(rest)
        case "b:":
            guard let b = Base64.decode(rest), Base64.encode(b) == rest else { throw .format("a synced blob is not canonical base64") }
            self = .blob(b)
        default: throw .format("a synced value has an unknown type")
        }
    }

    var integer: Int64? { if case .integer(let i) = self { i } else { nil } }
    var text: String? { if case .text(let s) = self { s } else { nil } }
    var blob: [UInt8]? { if case .blob(let b) = self { b } else { nil } }
}

/// One row of a replicated table, all columns in the catalogue's order; `values` nil is a deletion.
public struct SyncRow: Sendable, Hashable {
    public let table: String
    public let key: [SyncValue]
    public let values: [SyncValue]?

    public init(table: String, key: [SyncValue], values: [SyncValue]?) {
        self.table = table
        self.key = key
        self.values = values
    }

    /// The key as one string: the wire spellings joined by a line feed (text never holds one in a key).
    public var keyText: String { key.map(\.wire).joined(separator: "\n") }

    static let hashDomain = Array("casevault/v1/sync-row\0".utf8)

    /// What a workstation remembers of a row it synced: a hash of its table, key and values.
    public var contentHash: [UInt8] {
        var bytes = Self.hashDomain + Array(table.utf8) + [0]
        for v in key + (values ?? []) {
            let w = Array(v.wire.utf8)
            bytes += withUnsafeBytes(of: UInt32(w.count).bigEndian, Array.init) + w
        }
        return BLAKE2b.hash(bytes)
    }

    func value(_ column: String) -> SyncValue? {
        guard let values, let table = SyncTables.table(table), let i = table.columns.firstIndex(of: column), i < values.count else { return nil }
        return values[i]
    }
}
