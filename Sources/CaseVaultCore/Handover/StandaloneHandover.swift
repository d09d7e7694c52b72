import SodiumKit
import TransparencyLog

/// A bundle made outside a vault from the same building blocks a vault uses: the committed test
/// vector, the benchmark, and the tests that forge bundles as someone holding a member's key
/// (but not the centre's log) would. The log is `priorLog` followed by the handover's entry.
package struct StandaloneHandover {
    package var roster: SignedRoster
    package var policy: HandoverBundle.SignedPolicy
    /// Entries before the handover's (their exact bytes); the handover's index is their count.
    package var priorLog: [[UInt8]] = []

    package init(roster: SignedRoster, policy: HandoverBundle.SignedPolicy, priorLog: [[UInt8]] = []) {
        self.roster = roster
        self.policy = policy
        self.priorLog = priorLog
    }

    /// The final manifest (index, serials, fields and payload hash filled in) for `draft`.
    package func manifest(_ draft: HandoverManifest, fields: [String: FieldValue]) throws(VaultError) -> HandoverManifest {
        var m = draft
        m.logIndex = UInt64(priorLog.count)
        m.rosterSerial = roster.roster.serial
        m.policySerial = (try? PolicyCache.parse(policy.bytes)).map { UInt64($0.serial) } ?? draft.policySerial
        return HandoverBundle.prepare(m, fields: fields)
    }

    /// The log evidence for `manifest`: its `handover.create` entry signed by `sender`, and a
    /// proof to a checkpoint signed by `checkpointSigner` (by default the sender, as in a vault).
    package func evidence(for manifest: HandoverManifest, sender: any MessageSigner, approver: String?,
                          checkpointSigner: (id: String, key: any MessageSigner)? = nil) throws -> HandoverBundle.LogEvidence {
        let entry = try LogEntry.sign(
            vaultID: manifest.vaultID, index: manifest.logIndex, time: manifest.created, actor: manifest.sender, key: sender,
            action: LogAction.handoverCreate.rawValue, caseID: manifest.caseID, fields: manifest.fields,
            detail: HandoverLogCheck.detail(manifest: manifest, roster: roster, approver: approver), reasonCommitment: nil)
        let leaves = (priorLog + [entry.bytes]).flatMap(Merkle.leafHash)
        let tree = FlatMerkleTree(flatLeafHashes: leaves)
        let size = tree.size
        let checkpoint = try Checkpoint(origin: LogNames.origin(of: manifest.vaultID), size: size, rootHash: tree.subtreeHash(start: 0, count: size))
        let signer = checkpointSigner ?? (manifest.sender, sender)
        let note = try SignedNote.parse(try SignedNote.sign(text: checkpoint.body, signers: [
            NoteSigner(name: LogNames.memberKeyName(vault: manifest.vaultID, member: signer.id), secretKey: signer.key),
        ]))
        let proof = try InclusionProofFile(index: entry.index, proof: try tree.inclusionProof(index: entry.index, treeSize: size), checkpointNote: note)
        return .init(roster: roster.fileText, logEntry: entry.bytes, proof: proof.bytes)
    }

    /// Seals a bundle with a log of its own: what the vector, the benchmark and forgers use.
    package func make(_ draft: HandoverManifest, fields: [String: FieldValue], sender: any MessageSigner, approver: HandoverBundle.Signer?,
                      recipient: PublicIdentity) throws -> (bytes: [UInt8], manifest: HandoverManifest) {
        let m = try manifest(draft, fields: fields)
        let evidence = try evidence(for: m, sender: sender, approver: approver?.entry.id)
        return (try HandoverBundle.seal(manifest: m, fields: fields, sender: sender, approver: approver, policy: policy, evidence: evidence,
                                        recipient: recipient), m)
    }
}
