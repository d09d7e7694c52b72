import AccessPolicy
import Foundation
import SodiumKit

/// An imported answer: the case version it became.
public struct ImportedAnswer: Sendable {
    public let manifest: AnswerManifest
    public let version: UInt64
}

/// Where a version came from when it holds an imported answer: shown by `case history`.
public struct AnswerSource: Sendable, Equatable {
    public let recipient: String
    public let role: Role
    public let answerID: String
}

/// Importing a recipient's answer into the case it answers, as a new version.
struct HandoverAnswerOperations: SessionBound {
    let session: Session

    /// Verifies the answer completely (sealed to this member, signed by a recipient on the
    /// roster, bound to a bundle this vault sent for this case, not imported before), then
    /// writes it into the case as a new `answers[]` entry with the recipient as its source.
    func importAnswer(_ bytes: [UInt8]) throws(VaultError) -> ImportedAnswer {
        try vault.write { db in
            let state = try currentState(db)
            let opened = try HandoverAnswer.open(bytes, keys: identity) { m throws(VaultError) in
                guard m.vaultID == vault.vaultID else { throw .auth("the answer is for another vault") }
                guard let r = state.roster.entry(m.recipient), r.kind == .recipient else {
                    throw .auth("the answer names \(m.recipient), who is not a registered recipient")
                }
                guard !r.isRevoked else { throw .denied("recipient \(r.id) has been removed") }
                guard r.identity.fingerprint == m.recipientFingerprint, r.roles.first == m.recipientRole else {
                    throw .auth("the answer's recipient key or role is not the one on the roster")
                }
                return r.identity.signingKey
            }
            let m = opened.manifest
            guard m.to == member.id else { throw VaultError.auth("the answer names \(m.to) as its addressee, not \(member.id)") }
            guard let sent = try db.disclosure(bundleID: m.bundleID) else { throw VaultError.notFound("no bundle \(m.bundleID) was sent from this vault") }
            guard sent.caseID == m.caseID, sent.recipient == m.recipient, Memory.constantTimeEquals(sent.manifestHash, m.bundleManifestHash) else {
                throw VaultError.auth("the answer does not match the bundle that was sent")
            }
            guard try !db.hasHandoverAnswer(m.answerID) else { throw VaultError.refused("answer \(m.answerID) has already been imported") }
            let caseOpened = try open(m.caseID, state: state, db: db)
            var entry = opened.fields
            entry["answers[0].answer"] = .text(m.answerID)
            entry["answers[0].bundle"] = .text(m.bundleID)
            entry["answers[0].from"] = .text(m.recipient)
            entry["answers[0].from_role"] = .text(m.recipientRole.rawValue)
            entry["answers[0].received"] = .text(m.created.osloDateField)
            var patch = RecordPatch()
            patch.add.append((group: "answers", fields: entry))
            let change = try patch.resolve(existingPaths: Set(caseOpened.fields.keys).union(caseOpened.sealedFields.map(\.path)))
            let version = try writeVersion(db: db, state: state, opened: caseOpened, written: change.written, removed: [],
                                           assignments: caseOpened.latest.assignments,
                                           log: VersionLogEntry(action: .handoverAnswerImport, fields: CaseRecord.order(Array(change.written.keys)),
                                                                detail: ["answer": m.answerID, "bundle": m.bundleID, "recipient": m.recipient])).version
            try db.insertHandoverAnswer(HandoverAnswerRecord(
                answerID: m.answerID, bundleID: m.bundleID, caseID: Data(m.caseID.bytes), version: Int64(version), recipient: m.recipient,
                recipientRole: m.recipientRole.rawValue, answer: Data(bytes), imported: clock.now().seconds))
            return ImportedAnswer(manifest: m, version: version)
        }
    }

    /// Versions of a case that hold an imported answer, by version number. A row counts only
    /// where its version wrote that answer's entry (the version itself is signed and verified).
    func answerSources(_ caseID: CaseID) throws(VaultError) -> [UInt64: AnswerSource] {
        try vault.read { db in
            let state = try currentState(db)
            let chain = try verifiedChain(caseID, state: state, db: db)
            guard let latest = chain.last else { throw VaultError.notFound("case \(caseID) not found") }
            try requireReach(latest, state: state)
            var out: [UInt64: AnswerSource] = [:]
            for row in try db.handoverAnswers(caseID: caseID) {
                guard let version = chain.first(where: { $0.version == UInt64(row.version) }),
                      version.written.contains(where: { $0.hasPrefix("answers[") && $0.hasSuffix("].answer") }),
                      let role = Role(rawValue: row.recipientRole) else { continue }
                out[version.version] = AnswerSource(recipient: row.recipient, role: role, answerID: row.answerID)
            }
            return out
        }
    }
}

extension Session {
    /// Imports a recipient's answer into the case it answers, as a new version; logged.
    public func importAnswer(_ bytes: [UInt8]) throws(VaultError) -> ImportedAnswer {
        try loggingRefusal("handover.answer-import") { () throws(VaultError) in try HandoverAnswerOperations(session: self).importAnswer(bytes) }
    }

    /// Which versions of a case came from a recipient's answer (for `case history`).
    public func answerSources(_ caseID: CaseID) throws(VaultError) -> [UInt64: AnswerSource] {
        try HandoverAnswerOperations(session: self).answerSources(caseID)
    }
}
