import SodiumKit
import TransparencyLog

/// The recipient's check that a bundle's disclosure is in the centre's log: the carried
/// `handover.create` entry is the sender's, names exactly this bundle and case, was made under
/// the carried roster at the manifest's `created` time, and is included in a checkpoint signed
/// by an active member of that roster.
struct HandoverLogCheck {
    let manifest: HandoverManifest
    let roster: SignedRoster
    let sender: RosterEntry
    /// The approving leader's id, when the bundle carries an approval.
    let approver: String?

    /// The detail a `handover.create` entry carries about its bundle (docs/FORMAT.md, "Handover bundle").
    static func detail(manifest: HandoverManifest, roster: SignedRoster, approver: String?) -> [String: String] {
        var d = ["recipient": manifest.recipient, "role": manifest.recipientRole.rawValue, "basis": manifest.basis.rawValue,
                 "bundle": manifest.bundleID, "manifest": Hex.encode(manifest.hash), "version": String(manifest.caseVersion),
                 "roster": String(roster.roster.serial), "roster-hash": Hex.encode(roster.hash), "policy": String(manifest.policySerial)]
        if let approver { d["approved-by"] = approver }
        return d
    }

    /// Returns the checkpoint the proof reaches.
    func verify(entry bytes: [UInt8], proof proofBytes: [UInt8]) throws(VaultError) -> LogPosition {
        let entry = try LogEntry.parse(bytes)
        try entry.verifySignature()
        guard entry.vaultID == manifest.vaultID, entry.index == manifest.logIndex, entry.actor == sender.id,
              entry.signer == sender.identity.signingKey, entry.action == LogAction.handoverCreate.rawValue, entry.caseID == manifest.caseID
        else { throw .auth("the bundle's log entry is not the sender's record of this handover") }
        guard entry.time == manifest.created else {
            throw .auth("the bundle's created time \(manifest.created.rfc3339) is not its log entry's time \(entry.time.rfc3339)")
        }
        let expected = Self.detail(manifest: manifest, roster: roster, approver: approver)
        guard entry.detail.count == expected.count, entry.detail.allSatisfy({ expected[$0.key] == $0.value }), entry.fields == manifest.fields else {
            throw .auth("the bundle's log entry does not name this bundle, its manifest and the roster it carries")
        }
        let file: InclusionProofFile
        do { file = try InclusionProofFile.parse(proofBytes) } catch { throw .format("the bundle's log proof is malformed: \(error)", cause: error) }
        guard file.index == manifest.logIndex else { throw .auth("the bundle's log proof is for another entry") }
        let vault = manifest.vaultID
        let verifiers = roster.roster.members.filter { !$0.isRevoked }.compactMap {
            try? NoteVerifier(name: LogNames.memberKeyName(vault: vault, member: $0.id), publicKey: $0.identity.signingKey)
        }
        do { _ = try file.verify(leafEntry: bytes, verifiers: verifiers, origin: LogNames.origin(of: vault)) } catch {
            throw .auth("the bundle's disclosure is not proven to be in the centre's log: \(error)", cause: error)
        }
        return LogPosition(size: file.checkpoint.size, rootHash: file.checkpoint.rootHash)
    }
}
