import SodiumKit
import TransparencyLog

/// Checkpoint checks against the verified entries: who signed, what they cover, and whether
/// they agree with the re-hashed leaves and with an earlier checkpoint.
struct CheckpointContext {
    let origin: String
    let members: [(id: String, verifier: NoteVerifier)]
    let facts: [EntryFacts]
    let timeline: RosterTimeline
    let tree: FlatMerkleTree

    struct Opened {
        let note: SignedNote
        let checkpoint: Checkpoint
        let signers: [String]
    }

    /// Parses strictly (before any signature is checked, so a malformed note is reported as
    /// such), checks the origin and a member's signature, that the entries it covers exist, and
    /// that their re-hash gives its root.
    func open(_ bytes: [UInt8], subject: String, requireActiveSigner: Bool) throws(AuditFailure) -> Opened {
        let opened = try verifySignature(bytes, subject: subject)
        let size = opened.checkpoint.size
        guard size > 0 else { throw .failed(subject, "covers no entries") }
        guard size <= UInt64(facts.count) else {
            throw .entry(UInt64(facts.count), "is missing: \(subject) covers \(size) entries, the export holds \(facts.count)")
        }
        if requireActiveSigner {
            // A checkpoint is signed by the member whose append it ends, under the roster in force then.
            let last = Int(size) - 1
            let roster = timeline.roster(at: last)
            let time = Timestamp(seconds: facts[last].time)
            guard opened.signers.contains(where: { id in roster.byID[id].map { $0.kind == .member && $0.isActive(at: time) } ?? false }) else {
                throw .failed(subject, "is signed by \(opened.signers.joined(separator: ", ")), not by a member active on roster \(roster.serial) at entry \(last)")
            }
        }
        guard let root = try? tree.root(atSize: size), Memory.constantTimeEquals(root, opened.checkpoint.rootHash) else {
            throw .failed(subject, "root hash does not match a re-hash of entries 0–\(size - 1)")
        }
        return opened
    }

    /// The format and signature part of `open`, for a checkpoint that need not match the entries.
    func verifySignature(_ bytes: [UInt8], subject: String) throws(AuditFailure) -> Opened {
        let note: SignedNote, checkpoint: Checkpoint
        do {
            note = try SignedNote.parse(bytes)
            checkpoint = try Checkpoint.parse(note.text)
        } catch { throw .malformed(subject, error.description) }
        guard checkpoint.origin.utf8.elementsEqual(origin.utf8) else { throw .failed(subject, "names another log (\(checkpoint.origin.prefix(80)))") }
        let keys: [NoteVerifier]
        do { keys = try note.verify(by: members.map(\.verifier)) } catch {
            if case .noKnownSignature = error { throw .failed(subject, "has no signature by a member of any roster") }
            throw .failed(subject, error.description)
        }
        let signers = members.filter { m in keys.contains(m.verifier) }.map(\.id)
        return Opened(note: note, checkpoint: checkpoint, signers: signers)
    }

    /// The named witnesses' cosignatures on a note. A line a named witness claims must verify.
    func cosignatures(on note: SignedNote, subject: String, witnesses: [CosignatureVerifier]) throws(AuditFailure) -> [AuditReport.Cosignature] {
        let size = (try? Checkpoint.parse(note.text).size) ?? 0
        do {
            return try note.cosignatures(by: witnesses).map { AuditReport.Cosignature(witness: $0.cosigner.name, size: size, timestamp: $0.timestamp) }
        } catch { throw .failed(subject, error.description) }
    }

    /// Checks that `latest` extends the earlier checkpoint (a note, or a witness state file),
    /// with a consistency proof computed from the re-hashed leaves. Returns the earlier size.
    func checkConsistency(earlier bytes: [UInt8], latest: Checkpoint) throws(AuditFailure) -> UInt64 {
        var noteBytes = bytes
        if WitnessState.looksLikeState(bytes) {
            do { noteBytes = try WitnessState.parse(bytes).note.bytes } catch { throw .malformed("earlier checkpoint", error.message) }
        }
        let old = try verifySignature(noteBytes, subject: "earlier checkpoint").checkpoint
        let count = UInt64(facts.count)
        guard old.size <= count else {
            throw .entry(count, "is missing: the earlier checkpoint covers \(old.size) entries, the export holds \(count): the log was cut")
        }
        guard old.size <= latest.size else {
            throw .failed("checkpoint", "size \(latest.size) is smaller than the earlier checkpoint's \(old.size): the checkpoint was rolled back")
        }
        do { try latest.verifyConsistency(from: old, proof: try tree.consistencyProof(oldSize: old.size, newSize: latest.size)) } catch {
            throw .failed("checkpoint", "is not consistent with the earlier checkpoint of size \(old.size) (\(error)): the log's history was rewritten or forked")
        }
        return old.size
    }
}
