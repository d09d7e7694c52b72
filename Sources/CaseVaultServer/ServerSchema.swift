import Logging
import PostgresNIO

/// The server's PostgreSQL schema. It holds per vault: the registration (root key, newest
/// roster), the replicated rows exactly as the vault stores them (signed texts, sealed boxes,
/// ids), one-time challenges, session-token hashes, failed attempts and inbox items (sealed
/// bundles and answers). Never a secret key, a passphrase or a plaintext.
enum ServerSchema {
    /// The schema's version, kept in `casevault_schema`; a database of another version is refused.
    static let version: Int32 = 1

    /// Any fixed number: the advisory lock that serialises creating the schema across processes.
    private static let migrationLock: Int64 = 0x6361_7365_7661_756c

    static let create: [PostgresQuery] = [
        """
        CREATE TABLE vaults (
            vault_id bytea PRIMARY KEY, root_key bytea NOT NULL, roster text NOT NULL,
            log_size bigint NOT NULL DEFAULT 0, last_time bigint, policy_serial bigint,
            next_seq bigint NOT NULL DEFAULT 1, created bigint NOT NULL)
        """,
        """
        CREATE TABLE vault_rows (
            vault_id bytea NOT NULL REFERENCES vaults, tbl text NOT NULL, key text NOT NULL, vals text, seq bigint NOT NULL,
            PRIMARY KEY (vault_id, tbl, key))
        """,
        "CREATE INDEX vault_rows_by_seq ON vault_rows (vault_id, seq)",
        "CREATE TABLE challenges (nonce bytea PRIMARY KEY, vault_id bytea NOT NULL, member text NOT NULL, expires bigint NOT NULL)",
        "CREATE TABLE sessions (token_hash bytea PRIMARY KEY, vault_id bytea NOT NULL, member text NOT NULL, expires bigint NOT NULL)",
        "CREATE TABLE auth_failures (vault_id bytea NOT NULL, member text NOT NULL, at bigint NOT NULL)",
        "CREATE INDEX auth_failures_by_member ON auth_failures (vault_id, member, at)",
        """
        CREATE TABLE inbox (
            id text PRIMARY KEY, vault_id bytea NOT NULL REFERENCES vaults, addressee text NOT NULL, sender text NOT NULL,
            data bytea NOT NULL, posted bigint NOT NULL)
        """,
        "CREATE INDEX inbox_by_addressee ON inbox (vault_id, addressee, posted)",
    ]

    /// Creates the schema in an empty database, or checks the version of an existing one.
    static func prepare(_ client: PostgresClient, logger: Logger) async throws {
        try await client.withTransaction(logger: logger) { c in
            try await c.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
            try await c.query("CREATE TABLE IF NOT EXISTS casevault_schema (version integer NOT NULL)", logger: logger)
            var found: Int32?
            for try await v in try await c.query("SELECT version FROM casevault_schema", logger: logger).decode(Int32.self) { found = v }
            if let found {
                guard found == version else {
                    throw ServerFailure(.serviceUnavailable, "the database holds CaseVault server schema \(found); this program reads \(version)")
                }
                return
            }
            for q in create { try await c.query(q, logger: logger) }
            try await c.query("INSERT INTO casevault_schema (version) VALUES (\(version))", logger: logger)
        }
    }
}
