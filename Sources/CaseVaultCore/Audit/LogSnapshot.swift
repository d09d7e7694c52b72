import Foundation
import GRDB
import SodiumKit
import TransparencyLog

/// Reading the stored log inside one transaction: the latest checkpoint with the cosignatures
/// the vault holds for it, and the leaf hashes the witness and the proofs are computed from.
extension Vault {
    /// The latest checkpoint note as its signer stored it (highest size), without cosignatures.
    func storedCheckpoint(_ db: Database) throws -> SignedNote? {
        guard let data = try Data.fetchOne(db, sql: "SELECT note FROM log_checkpoints ORDER BY size DESC LIMIT 1") else { return nil }
        return try Self.parseNote(data, what: "stored checkpoint")
    }

    /// The latest checkpoint note, with every stored cosignature on the same text merged in.
    func latestCheckpointNote(_ db: Database) throws -> SignedNote? {
        guard var note = try storedCheckpoint(db) else { return nil }
        let size = Int64((try? Checkpoint.parse(note.text).size) ?? 0)
        for cosigned in try Data.fetchAll(db, sql: "SELECT note FROM log_cosignatures WHERE size = ? ORDER BY witness", arguments: [size]) {
            let other = try Self.parseNote(cosigned, what: "stored cosignature")
            // A cosignature belongs to the exact text it signed; one on another text is left out here.
            guard other.text.utf8.elementsEqual(note.text.utf8) else { continue }
            for line in other.signatures where !note.signatures.contains(line) && note.signatures.count < SignedNote.maxSignatures {
                note = try note.adding(line)
            }
        }
        return note
    }

    /// The stored leaf hashes of entries 0..<size, back to back.
    func leafHashes(_ db: Database, size: UInt64) throws -> [UInt8] {
        var flat = [UInt8]()
        flat.reserveCapacity(Int(size) * 32)
        var expected: Int64 = 0
        let rows = try Row.fetchCursor(db, sql: "SELECT idx, leaf_hash FROM log_entries WHERE idx < ? ORDER BY idx", arguments: [Int64(size)])
        while let row = try rows.next() {
            let hash = row["leaf_hash"] as Data
            guard row["idx"] as Int64 == expected, hash.count == 32 else { throw VaultError.format("stored log entry \(expected) is missing or damaged") }
            flat += hash
            expected += 1
        }
        guard expected == Int64(size) else { throw VaultError.format("the stored log holds \(expected) entries, fewer than its checkpoint's \(size)") }
        return flat
    }

    static func parseNote(_ data: Data, what: String) throws(VaultError) -> SignedNote {
        do { return try SignedNote.parse([UInt8](data)) } catch { throw .format("\(what) is malformed: \(error)") }
    }

    /// Note verifiers for every member on any roster: who may sign this log's checkpoints.
    func checkpointVerifiers(_ state: VaultState) -> [NoteVerifier] {
        RosterTimeline(rosters: state.rosters.map(\.roster)).checkpointVerifiers(vaultID: vaultID).map(\.verifier)
    }
}

extension Session {
    /// The log is for the auditor and the leaders. Anyone else is refused, and the refusal logged.
    func requireAuditRole(_ command: String, caseID: CaseID? = nil) throws(VaultError) {
        guard member.roles.contains(.auditor) || member.roles.contains(.leader) else {
            let error = VaultError.denied("\(command) is for the auditor or a leader, and \(member.id) is neither")
            recordRefusal(command: command, caseID: caseID, error: error)
            throw error
        }
    }
}
