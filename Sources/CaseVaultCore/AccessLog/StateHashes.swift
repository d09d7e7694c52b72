import SodiumKit

/// The hashes by which a log entry names a state change (docs/FORMAT.md, "What a log entry
/// names"): each is BLAKE2b-256 over a domain string ending in NUL and the exact stored bytes,
/// so a reader recomputes it from the row alone and no two kinds of object share a hash.
package enum StateHashes {
    static let rosterDomain = Array("casevault/v2/roster-hash\0".utf8)
    static let policyDomain = Array("casevault/v2/policy-hash\0".utf8)
    static let migrationDomain = Array("casevault/v2/migration-hash\0".utf8)
    static let caseHistoryDomain = Array("casevault/v2/case-history\0".utf8)
    static let migratedHistoryDomain = Array("casevault/v2/case-history-migrated\0".utf8)

    /// A signed roster: its stored text (`rosters.text`, the keyring file), signature line included.
    package static func roster(_ text: String) -> [UInt8] { BLAKE2b.hash(rosterDomain + Array(text.utf8)) }

    /// A signed policy: the policy file's bytes followed by its 64-byte signature.
    package static func policy(bytes: [UInt8], signature: [UInt8]) -> [UInt8] { BLAKE2b.hash(policyDomain + bytes + signature) }

    /// A migration statement: its whole stored text.
    package static func migration(_ text: String) -> [UInt8] { BLAKE2b.hash(migrationDomain + Array(text.utf8)) }

    /// A case version: its chain hash (the hash the next version names as its parent).
    package static func version(body: [UInt8], signature: [UInt8]) -> [UInt8] { CaseVersion.chainHash(body: body, signature: signature) }

    /// The running digest of every logged version of a case: it binds each version number,
    /// chain hash and author (the actor of the entry that named it), so a reader recomputing
    /// it from the stored versions knows each was logged, in order, by its author.
    package static func history(_ previous: [UInt8], version: UInt64, hash: [UInt8], author: String) -> [UInt8] {
        var w = ByteWriter()
        w.raw(caseHistoryDomain)
        w.raw(previous)
        w.u64(version)
        w.raw(hash)
        w.string(author)
        return BLAKE2b.hash(w.bytes)
    }

    /// The history digest a case starts from: zero for a case created in format 2; for a case
    /// migrated from format 1, bound to the head the root-signed migration statement names.
    package static func historyStart(caseID: CaseID, migratedHead: (version: UInt64, hash: [UInt8])?) -> [UInt8] {
        guard let head = migratedHead else { return [UInt8](repeating: 0, count: 32) }
        var w = ByteWriter()
        w.raw(migratedHistoryDomain)
        w.raw(caseID.bytes)
        w.u64(head.version)
        w.raw(head.hash)
        return BLAKE2b.hash(w.bytes)
    }
}
