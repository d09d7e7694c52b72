import GRDB

/// The vault's SQLite schema (WAL). Tables hold only ids, public keys, signatures and
/// ciphertexts; docs/FORMAT.md, "Database", lists them. One record type per table sits in
/// `*Record.swift` beside this file.
enum VaultSchema {

    static func migrator() -> DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-core") { db in
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) STRICT;
                CREATE TABLE rosters (serial INTEGER PRIMARY KEY NOT NULL, text TEXT NOT NULL) STRICT;
                CREATE TABLE policies (serial INTEGER PRIMARY KEY NOT NULL, text BLOB NOT NULL, signature BLOB NOT NULL) STRICT;
                CREATE TABLE case_versions (
                    case_id BLOB NOT NULL, version INTEGER NOT NULL, body BLOB NOT NULL, signature BLOB NOT NULL,
                    PRIMARY KEY (case_id, version)) STRICT;
                """)
        }
        m.registerMigration("v2-access-log") { db in
            try db.execute(sql: """
                CREATE TABLE log_entries (idx INTEGER PRIMARY KEY NOT NULL, entry BLOB NOT NULL, leaf_hash BLOB NOT NULL) STRICT;
                CREATE TABLE log_frontier (id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1), size INTEGER NOT NULL, hashes BLOB NOT NULL) STRICT;
                CREATE TABLE log_checkpoints (size INTEGER PRIMARY KEY NOT NULL, note BLOB NOT NULL) STRICT;
                CREATE TABLE log_cosignatures (
                    size INTEGER NOT NULL, witness TEXT NOT NULL, note BLOB NOT NULL, PRIMARY KEY (size, witness)) STRICT;
                CREATE TABLE log_reasons (idx INTEGER PRIMARY KEY NOT NULL, sealed BLOB NOT NULL) STRICT;
                """)
        }
        m.registerMigration("v3-handover") { db in
            // Ids and hashes only: the manifest itself (purpose, fields) lives in the case's sealed disclosures.
            try db.execute(sql: """
                CREATE TABLE handover_disclosures (
                    bundle_id TEXT PRIMARY KEY NOT NULL, case_id BLOB NOT NULL, recipient TEXT NOT NULL,
                    manifest_hash BLOB NOT NULL, created INTEGER NOT NULL) STRICT;
                CREATE TABLE handover_receipts (
                    bundle_id TEXT PRIMARY KEY NOT NULL REFERENCES handover_disclosures(bundle_id),
                    receipt TEXT NOT NULL, confirmed INTEGER NOT NULL) STRICT;
                """)
        }
        m.registerMigration("v4-grants") { db in
            // A grant row is signed (docs/FORMAT.md, "Grants"); `format` is its version. The
            // pending table is only a hint for the next current reader's client: readers decide
            // from the case's head, never from it.
            try db.execute(sql: """
                CREATE TABLE case_grants (
                    case_id BLOB NOT NULL, generation INTEGER NOT NULL, class INTEGER NOT NULL, recipient TEXT NOT NULL,
                    format INTEGER NOT NULL, sealed BLOB NOT NULL, granter TEXT NOT NULL, basis TEXT NOT NULL,
                    created INTEGER NOT NULL, signature BLOB NOT NULL,
                    PRIMARY KEY (case_id, generation, class, recipient)) STRICT;
                CREATE TABLE pending_grants (
                    case_id BLOB NOT NULL, member TEXT NOT NULL, PRIMARY KEY (case_id, member)) STRICT;
                """)
        }
        m.registerMigration("v5-escrow") { db in
            // Recovery (k of n trustees) and break-glass: root-signed key records, nested wraps of
            // their seeds, signed requests and statements, peel blobs and released class keys.
            // Every secret here is a sealed box; EscrowRecords.swift reads and writes these tables.
            try db.execute(sql: """
                CREATE TABLE escrow_keys (kind TEXT NOT NULL, epoch INTEGER NOT NULL, record TEXT NOT NULL, PRIMARY KEY (kind, epoch)) STRICT;
                CREATE TABLE escrow_wraps (
                    kind TEXT NOT NULL, epoch INTEGER NOT NULL, holder TEXT NOT NULL, wrap BLOB NOT NULL,
                    PRIMARY KEY (kind, epoch, holder)) STRICT;
                CREATE TABLE escrow_requests (
                    request TEXT PRIMARY KEY NOT NULL, kind TEXT NOT NULL, case_id BLOB NOT NULL, text TEXT NOT NULL, log_idx INTEGER NOT NULL) STRICT;
                CREATE TABLE escrow_statements (
                    request TEXT NOT NULL REFERENCES escrow_requests(request), kind TEXT NOT NULL, author TEXT NOT NULL,
                    text TEXT NOT NULL, log_idx INTEGER NOT NULL, PRIMARY KEY (request, kind, author)) STRICT;
                CREATE TABLE recovery_peels (
                    request TEXT NOT NULL REFERENCES escrow_requests(request), step INTEGER NOT NULL, blob BLOB NOT NULL,
                    PRIMARY KEY (request, step)) STRICT;
                CREATE TABLE released_keys (
                    request TEXT NOT NULL REFERENCES escrow_requests(request), case_id BLOB NOT NULL, generation INTEGER NOT NULL,
                    class INTEGER NOT NULL, holder TEXT NOT NULL, grant_text TEXT NOT NULL,
                    PRIMARY KEY (request, generation, class, holder)) STRICT;
                CREATE INDEX released_keys_by_case ON released_keys (case_id, holder);
                """)
        }
        m.registerMigration("v5-resident-bindings") { db in
            // Residents are not on the roster: each resident's key is bound to one case under a pseudonym.
            try db.execute(sql: """
                CREATE TABLE resident_bindings (
                    pseudonym TEXT PRIMARY KEY NOT NULL, format INTEGER NOT NULL, case_id BLOB NOT NULL,
                    box_key BLOB NOT NULL, sign_key BLOB NOT NULL UNIQUE, binder TEXT NOT NULL, bound_at INTEGER NOT NULL,
                    signature BLOB NOT NULL, unbound_at INTEGER) STRICT;
                CREATE INDEX resident_bindings_case ON resident_bindings(case_id);
                """)
        }
        m.registerMigration("v5-handover-requests-answers") { db in
            // Requests and decisions are signed texts carrying their own version line; the purpose
            // is sealed (to the requester and the approvers), never stored in the clear. An answer
            // is kept as received, still sealed, so its signature can be re-checked later.
            try db.execute(sql: """
                CREATE TABLE handover_requests (
                    request_id TEXT PRIMARY KEY NOT NULL, case_id BLOB NOT NULL, request TEXT NOT NULL,
                    purpose_sealed BLOB NOT NULL, reviewed_by TEXT NOT NULL DEFAULT '', decision TEXT, reason_sealed BLOB,
                    bundle_id TEXT, created INTEGER NOT NULL) STRICT;
                CREATE TABLE handover_answers (
                    answer_id TEXT PRIMARY KEY NOT NULL, bundle_id TEXT NOT NULL REFERENCES handover_disclosures(bundle_id),
                    case_id BLOB NOT NULL, version INTEGER NOT NULL, recipient TEXT NOT NULL, recipient_role TEXT NOT NULL,
                    answer BLOB NOT NULL, imported INTEGER NOT NULL) STRICT;
                """)
        }
        registerRoleKeys(&m)
        m.registerMigration("v6-log-count") { db in
            // Every client counts the stored entries at open: through this narrow index SQLite
            // counts index pages instead of reading every entry.
            try db.execute(sql: "CREATE INDEX log_entries_count ON log_entries(idx)")
        }
        registerDocuments(&m)
        return m
    }

    static func configuration() -> Configuration {
        var c = Configuration()
        // Bound values can hold ciphertext or ids; keep them out of error messages (GRDB's default, stated on purpose).
        c.publicStatementArguments = false
        c.foreignKeysEnabled = true
        c.busyMode = .timeout(10)
        c.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        return c
    }
}
