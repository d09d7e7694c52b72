import Foundation
import TransparencyLog

/// Proving one log entry's inclusion, for use away from the vault.
struct ProofOperation: SessionBound {
    let session: Session

    /// An offline proof that entry `index` is in the log: a C2SP tlog-proof file against the
    /// latest checkpoint, with the cosignatures the vault holds, and the entry's own bytes in its
    /// `extra` line so the file stands alone (the proof, not the extra line, is what vouches for
    /// them). The request is logged first, so the proof covers its own log entry too.
    func prove(index: UInt64) throws(VaultError) -> [UInt8] {
        try requireAuditRole(LogAction.auditProve.rawValue)
        return try vault.write { db in
            let state = try vault.loadState(db)
            try vault.appendLog(db, state: state, session: session, action: .auditProve, caseID: nil, fields: [],
                                detail: ["index": String(index)], reason: nil)
            guard let note = try vault.latestCheckpointNote(db) else { throw VaultError.notFound("the log has no checkpoint yet") }
            let size = try Checkpoint.parse(note.text).size
            guard index < size, let entry = try db.logEntry(at: index) else {
                throw VaultError.notFound("entry \(index) is not in the log's latest checkpoint (size \(size))")
            }
            let tree = FlatMerkleTree(flatLeafHashes: try db.leafHashes(size: size))
            let file = try InclusionProofFile(index: index, proof: try tree.inclusionProof(index: index, treeSize: size),
                                              checkpointNote: note, extra: entry)
            // Never hand out a proof that does not verify (a damaged stored leaf hash, say).
            do { _ = try file.verify(leafEntry: entry, verifiers: vault.checkpointVerifiers(state), origin: vault.logOrigin) } catch {
                throw VaultError.format("the stored log does not prove entry \(index): \(error)", cause: error)
            }
            return file.bytes
        }
    }
}
