import AccessPolicy
import Foundation
import SodiumKit

extension HandoverRequestOperations {
    /// Sends an approved request: the bundle holds exactly the approved selection, carries the
    /// request and the approval, and is recorded like any handover. Refused when the approval is
    /// missing, rejected or does not verify, when the request was sent before, when the sender
    /// is not the requester, or when the case changed what the selection holds.
    func sendRequested(_ requestID: String) throws(VaultError) -> (bytes: [UInt8], manifest: HandoverManifest, withheld: Int) {
        try vault.write { db in
            let state = try currentState(db)
            let v = try load(requestID, state: state, db: db)
            let request = v.request
            guard request.requester == member.id else { throw VaultError.denied("only \(request.requester), who made the request, may send it") }
            guard v.record.bundleID == nil else { throw VaultError.refused("request \(requestID) has already been sent") }
            guard let decision = v.decision else { throw VaultError.denied("request \(requestID) has not been approved") }
            guard decision.verdict == .approve else { throw VaultError.denied("request \(requestID) was rejected by \(decision.approver)") }
            guard let approver = state.roster.entry(decision.approver), !approver.isRevoked else {
                throw VaultError.denied("the approver \(decision.approver) is no longer an active member")
            }
            let now = clock.now()
            guard request.expires > now else { throw VaultError.refused("request \(requestID) asked for an expiry that has passed") }
            guard let purpose = try openPurpose(v.record, request: request) else { throw VaultError.denied("the request's purpose is not sealed to you") }
            let opened = try open(request.caseID, state: state, db: db)
            let ask = HandoverRequest(caseID: request.caseID, recipientID: request.recipient, purpose: purpose, basis: request.basis,
                                      consentReference: request.consentReference, expires: request.expires,
                                      includeAddress: request.fields.contains { $0.hasPrefix("address.") }, fields: request.fields)
            let selection: HandoverSelection
            // A chosen path that the case or the policy no longer holds for the recipient is a change since the approval.
            do { selection = try HandoverSelection(ask: ask, state: state, opened: opened, today: now.osloDate) } catch let e as VaultError where e.kind == .invalidInput {
                throw VaultError.refused("the case has changed what request \(requestID) would send since it was approved; make a new request")
            }
            let changed = opened.chain.filter { $0.version > request.caseVersion }.flatMap { $0.written + $0.removed }
            guard selection.paths == request.fields, selection.role == request.recipientRole, Set(changed).isDisjoint(with: request.fields) else {
                throw VaultError.refused("the case has changed what request \(requestID) would send since it was approved; make a new request")
            }
            let senderRoles = state.roster.entry(member.id)?.roles ?? []
            if case let .denied(reason) = state.policy.maySendHandover(from: senderRoles, to: request.recipientRole) {
                throw VaultError.denied("you may not send a bundle to \(request.recipient): \(reason)")
            }
            // As `handover create`: the bundle's `created` is its log entry's time and index.
            let index = try db.logFrontier().size
            let time = max(clock.now(), try db.logLastTime() ?? Timestamp(seconds: 0))
            guard let policySignature = try db.policySignature(serial: state.policy.serial), let roster = state.rosters.last,
                  let policySerial = UInt64(exactly: state.policy.serial) else {
                throw VaultError.format("the policy in force has no signature")
            }
            let manifest = HandoverBundle.prepare(HandoverManifest(
                bundleID: Hex.encode(Random.bytes(16)), vaultID: vault.vaultID, caseID: request.caseID, caseVersion: opened.latest.version + 1,
                sender: member.id, recipient: request.recipient, recipientRole: request.recipientRole,
                recipientFingerprint: selection.recipient.identity.fingerprint, purpose: purpose, basis: request.basis,
                consentReference: request.consentReference, approvalRequired: state.policy.approvalRequired.contains(request.recipientRole),
                created: time, expires: request.expires, logIndex: index, rosterSerial: roster.roster.serial, policySerial: policySerial,
                fields: [], payloadHash: []), fields: selection.values)
            let attachments = try BundleDocuments.attachments(for: selection.values, order: manifest.fields, caseID: request.caseID, db: db)
            let handover = HandoverOperations(session: session)
            let entry = try handover.recordDisclosure(db: db, state: state, opened: opened, manifest: manifest, roster: roster, approver: approver.id)
            let evidence = HandoverBundle.LogEvidence(roster: roster.fileText, logEntry: entry.bytes, proof: try handover.inclusionProof(db: db, entry: entry))
            // The approver's key is not used: with a request, the approval is the signed decision.
            let bytes = try HandoverBundle.seal(
                manifest: manifest, fields: selection.values, sender: identity.signer, approver: .init(entry: approver, key: identity.signer),
                policy: .init(bytes: state.policy.sourceBytes, signature: policySignature), evidence: evidence,
                recipient: selection.recipient.identity, request: .init(request: request.text, decision: decision.text), attachments: attachments)
            var row = v.record
            row.bundleID = manifest.bundleID
            try db.updateHandoverRequest(row)
            let withheld = selection.choice.withheld(opened, chosen: request.fields)
            return (bytes, manifest, withheld)
        }
    }
}
