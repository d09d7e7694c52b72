import Foundation
import SodiumKit
import TransparencyLog

/// Reading the stored log inside one transaction: the latest checkpoint with the cosignatures
/// the vault holds for it, and the leaf hashes the witness and the proofs are computed from.
extension Vault {
    /// The latest checkpoint note as its signer stored it (highest size), without cosignatures.
    func storedCheckpoint(_ db: StoreTransaction) throws -> SignedNote? {
        guard let bytes = try db.latestCheckpoint() else { return nil }
        return try Self.parseNote(bytes, what: "stored checkpoint")
    }

    /// The latest checkpoint note, with every stored cosignature on the same text merged in.
    func latestCheckpointNote(_ db: StoreTransaction) throws -> SignedNote? {
        guard var note = try storedCheckpoint(db) else { return nil }
        let size = (try? Checkpoint.parse(note.text).size) ?? 0
        for cosigned in try db.cosignatures(size: size) {
            let other = try Self.parseNote(cosigned, what: "stored cosignature")
            // A cosignature belongs to the exact text it signed; one on another text is left out here.
            guard other.text.utf8.elementsEqual(note.text.utf8) else { continue }
            for line in other.signatures where !note.signatures.contains(line) && note.signatures.count < SignedNote.maxSignatures {
                note = try note.adding(line)
            }
        }
        return note
    }

    static func parseNote(_ bytes: [UInt8], what: String) throws(VaultError) -> SignedNote {
        do { return try SignedNote.parse(bytes) } catch { throw .format("\(what) is malformed: \(error)", cause: error) }
    }

    /// Note verifiers for every member on any roster: who may sign this log's checkpoints.
    func checkpointVerifiers(_ state: VaultState) -> [NoteVerifier] {
        RosterTimeline(rosters: state.rosters.map(\.roster)).checkpointVerifiers(vaultID: vaultID).map(\.verifier)
    }
}

extension SessionBound {
    /// The log is for the auditor and the leaders. Anyone else is refused, and the refusal logged.
    func requireAuditRole(_ command: String, caseID: CaseID? = nil) throws(VaultError) {
        guard member.holds(.superviseLog) else {
            let error = VaultError.denied("\(command) is for the auditor or a leader, and \(member.id) is neither")
            session.recordRefusal(command: command, caseID: caseID, error: error)
            throw error
        }
    }
}
