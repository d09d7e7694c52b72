import CaseVaultCore
import Foundation
import Logging
import PostgresNIO
import SodiumKit

/// The PostgreSQL backend of the shared vault: the only place the server writes SQL. Every call
/// runs under `deadline`; pushes are sequenced per vault by `SELECT … FOR UPDATE` on the vault's
/// row, so any number of `serve` processes can share one database.
final class PostgresVaultStore: Sendable {
    let client: PostgresClient
    let logger: Logger
    let deadline: Duration

    init(client: PostgresClient, logger: Logger, deadline: Duration) {
        self.client = client
        self.logger = logger
        self.deadline = deadline
    }

    struct StoredVault: Sendable {
        let rootKey: SigningPublicKey
        let head: VaultHead
    }

    private func run<T: Sendable>(_ what: String, _ body: @escaping @Sendable (PostgresClient, Logger) async throws -> T) async throws -> T {
        let client = client, logger = logger
        return try await withDeadline(deadline, what) { try await body(client, logger) }
    }

    func ping() async throws {
        try await run("ready") { c, l in
            for try await v in try await c.query("SELECT version FROM casevault_schema", logger: l).decode(Int32.self) where v != ServerSchema.version {
                throw ServerFailure(.serviceUnavailable, "schema version \(v)")
            }
        }
    }

    func register(_ id: VaultID, rootKey: SigningPublicKey, roster: String, now: Timestamp) async throws -> Bool {
        let vid = Data(id.bytes), root = Data(rootKey.bytes)
        return try await run("register") { c, l in
            var inserted = false
            for try await _ in try await c.query("""
                INSERT INTO vaults (vault_id, root_key, roster, created) VALUES (\(vid), \(root), \(roster), \(now.seconds))
                ON CONFLICT (vault_id) DO NOTHING RETURNING 1
                """, logger: l) { inserted = true }
            return inserted
        }
    }

    func vault(_ id: VaultID) async throws -> StoredVault? {
        let vid = Data(id.bytes)
        return try await run("vault") { c, l in
            let rows = try await c.query("SELECT root_key, roster, log_size, last_time, policy_serial FROM vaults WHERE vault_id = \(vid)", logger: l)
            for try await (root, roster, size, last, policy) in rows.decode((Data, String, Int64, Int64?, Int64?).self) {
                return try Self.storedVault(root, roster, size, last, policy)
            }
            return nil
        }
    }

    private static func storedVault(_ root: Data, _ roster: String, _ size: Int64, _ last: Int64?, _ policy: Int64?) throws -> StoredVault {
        StoredVault(rootKey: try SigningPublicKey(bytes: [UInt8](root)),
                    head: VaultHead(logSize: UInt64(size), lastTime: last.map(Timestamp.init(seconds:)), rosterText: roster,
                                    policySerial: policy.map { UInt64($0) }))
    }

    // MARK: Authentication

    func addChallenge(_ nonce: [UInt8], vault: VaultID, member: String, expires: Timestamp) async throws {
        let n = Data(nonce), vid = Data(vault.bytes)
        try await run("challenge") { c, l in
            try await c.query("DELETE FROM challenges WHERE expires < \(expires.seconds - 3600)", logger: l)
            try await c.query("INSERT INTO challenges (nonce, vault_id, member, expires) VALUES (\(n), \(vid), \(member), \(expires.seconds))", logger: l)
        }
    }

    /// Consumes a challenge: true once, when it was issued to this member of this vault and has not expired.
    func takeChallenge(_ nonce: [UInt8], vault: VaultID, member: String, now: Timestamp) async throws -> Bool {
        let n = Data(nonce), vid = Data(vault.bytes)
        return try await run("challenge") { c, l in
            var found = false
            for try await (v, m, e) in try await c.query("DELETE FROM challenges WHERE nonce = \(n) RETURNING vault_id, member, expires", logger: l)
                .decode((Data, String, Int64).self) { found = v == vid && m == member && e >= now.seconds }
            return found
        }
    }

    func failures(vault: VaultID, member: String, since: Timestamp) async throws -> Int {
        let vid = Data(vault.bytes)
        return try await run("failures") { c, l in
            var n: Int64 = 0
            for try await count in try await c.query(
                "SELECT count(*) FROM auth_failures WHERE vault_id = \(vid) AND member = \(member) AND at >= \(since.seconds)", logger: l).decode(Int64.self) { n = count }
            return Int(n)
        }
    }

    func addFailure(vault: VaultID, member: String, at: Timestamp) async throws {
        let vid = Data(vault.bytes)
        try await run("failures") { c, l in
            try await c.query("INSERT INTO auth_failures (vault_id, member, at) VALUES (\(vid), \(member), \(at.seconds))", logger: l)
        }
    }

    func addSession(tokenHash: [UInt8], vault: VaultID, member: String, expires: Timestamp) async throws {
        let t = Data(tokenHash), vid = Data(vault.bytes)
        try await run("session") { c, l in
            try await c.query("DELETE FROM sessions WHERE expires < \(expires.seconds - 86400)", logger: l)
            try await c.query("DELETE FROM auth_failures WHERE at < \(expires.seconds - 86400)", logger: l)
            try await c.query("INSERT INTO sessions (token_hash, vault_id, member, expires) VALUES (\(t), \(vid), \(member), \(expires.seconds))", logger: l)
        }
    }

    /// The member a live session token belongs to, in this vault.
    func session(tokenHash: [UInt8], vault: VaultID, now: Timestamp) async throws -> String? {
        let t = Data(tokenHash), vid = Data(vault.bytes)
        return try await run("session") { c, l in
            for try await member in try await c.query(
                "SELECT member FROM sessions WHERE token_hash = \(t) AND vault_id = \(vid) AND expires >= \(now.seconds)", logger: l).decode(String.self) {
                return member
            }
            return nil
        }
    }

    // MARK: Rows

    /// Sequences a push: locks the vault's row, refuses a push whose base is not the head, lets
    /// `check` (the core's rules) judge the rows against the stored ones, then stores them.
    func push(_ vault: VaultID, base: UInt64, rows: [SyncRow],
              check: @escaping @Sendable (StoredVault, [String: SyncRow]) throws -> VaultHead) async throws -> VaultHead {
        let vid = Data(vault.bytes)
        return try await run("push") { c, l in
            try await c.withTransaction(logger: l) { tx in
                var current: StoredVault?
                var seq: Int64 = 0
                for try await (root, roster, size, last, policy, next) in try await tx.query(
                    "SELECT root_key, roster, log_size, last_time, policy_serial, next_seq FROM vaults WHERE vault_id = \(vid) FOR UPDATE", logger: l)
                    .decode((Data, String, Int64, Int64?, Int64?, Int64).self) {
                    current = try Self.storedVault(root, roster, size, last, policy)
                    seq = next
                }
                guard let current else { throw ServerFailure(.notFound, "no such vault on this server") }
                guard current.head.logSize == base else {
                    throw ServerFailure(.conflict, "the vault moved on (log at \(current.head.logSize) entries, this push was made at \(base)): pull and retry")
                }
                let tables = rows.map(\.table), keys = rows.map(\.keyText)
                var stored: [String: SyncRow] = [:]
                for try await (t, k, v) in try await tx.query(
                    "SELECT tbl, key, vals FROM vault_rows WHERE vault_id = \(vid) AND (tbl, key) IN (SELECT * FROM unnest(\(tables)::text[], \(keys)::text[]))",
                    logger: l).decode((String, String, String?).self) {
                    stored[PushCheck.storedKey(t, k)] = try RowCoding.row(table: t, key: k, values: v)
                }
                let after = try check(current, stored)
                for row in rows where stored[PushCheck.storedKey(row.table, row.keyText)] != row {
                    let vals = try row.values.map(RowCoding.valuesText)
                    try await tx.query("""
                        INSERT INTO vault_rows (vault_id, tbl, key, vals, seq) VALUES (\(vid), \(row.table), \(row.keyText), \(vals), \(seq))
                        ON CONFLICT (vault_id, tbl, key) DO UPDATE SET vals = EXCLUDED.vals, seq = EXCLUDED.seq
                        """, logger: l)
                    seq += 1
                }
                try await tx.query("""
                    UPDATE vaults SET log_size = \(Int64(after.logSize)), last_time = \(after.lastTime?.seconds), roster = \(after.rosterText ?? ""),
                    policy_serial = \(after.policySerial.map { Int64($0) }), next_seq = \(seq) WHERE vault_id = \(vid)
                    """, logger: l)
                return after
            }
        }
    }

    /// The rows changed after sequence number `after`, oldest first, at most `limit`.
    func pull(_ vault: VaultID, after: Int64, limit: Int) async throws -> (rows: [SyncRow], next: Int64, more: Bool) {
        let vid = Data(vault.bytes)
        return try await run("pull") { c, l in
            var rows: [SyncRow] = []
            var next = after
            for try await (t, k, v, s) in try await c.query(
                "SELECT tbl, key, vals, seq FROM vault_rows WHERE vault_id = \(vid) AND seq > \(after) ORDER BY seq LIMIT \(limit + 1)", logger: l)
                .decode((String, String, String?, Int64).self) {
                guard rows.count < limit else { return (rows, next, true) }
                rows.append(try RowCoding.row(table: t, key: k, values: v))
                next = s
            }
            return (rows, next, false)
        }
    }

    // MARK: Inbox

    func deliver(id: String, vault: VaultID, to: String, from: String, data: [UInt8], at: Timestamp) async throws {
        let vid = Data(vault.bytes), d = Data(data)
        try await run("inbox") { c, l in
            try await c.query("INSERT INTO inbox (id, vault_id, addressee, sender, data, posted) VALUES (\(id), \(vid), \(to), \(from), \(d), \(at.seconds))", logger: l)
        }
    }

    func inbox(vault: VaultID, addressees: [String]) async throws -> [SyncWire.InboxItem] {
        let vid = Data(vault.bytes)
        return try await run("inbox") { c, l in
            var items: [SyncWire.InboxItem] = []
            for try await (id, from, size, posted) in try await c.query(
                "SELECT id, sender, length(data), posted FROM inbox WHERE vault_id = \(vid) AND addressee = ANY(\(addressees)::text[]) ORDER BY posted, id", logger: l)
                .decode((String, String, Int32, Int64).self) {
                items.append(.init(id: id, from: from, size: Int(size), posted: posted))
            }
            return items
        }
    }

    func inboxItem(vault: VaultID, id: String, addressees: [String]) async throws -> [UInt8]? {
        let vid = Data(vault.bytes)
        return try await run("inbox") { c, l in
            for try await d in try await c.query(
                "SELECT data FROM inbox WHERE vault_id = \(vid) AND id = \(id) AND addressee = ANY(\(addressees)::text[])", logger: l).decode(Data.self) {
                return [UInt8](d)
            }
            return nil
        }
    }
}

/// A row's key and values as the server stores them: the wire strings (key joined by line feeds, values as a JSON array).
enum RowCoding {
    static func valuesText(_ values: [SyncValue]) throws -> String {
        String(decoding: try JSONEncoder().encode(values.map(\.wire)), as: UTF8.self)
    }

    static func row(table: String, key: String, values: String?) throws -> SyncRow {
        var k: [SyncValue] = []
        for part in key.split(separator: "\n", omittingEmptySubsequences: false) { k.append(try SyncValue(wire: String(part))) }
        let v = try values.map { try JSONDecoder().decode([String].self, from: Data($0.utf8)).map { w in try SyncValue(wire: w) } }
        return SyncRow(table: table, key: k, values: v)
    }
}
