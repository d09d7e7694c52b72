import AccessPolicy
import SodiumKit

extension HandoverBundle {
    /// A bundle sent from an approved request carries the signed request and the approver's
    /// signed decision (docs/FORMAT.md, "Approval carried in a bundle"), so the recipient checks
    /// that a leader approved exactly this selection: the approver signed the request's hash,
    /// and the request (signed by the sender) names the case, recipient, basis, consent, expiry
    /// and every field path the bundle holds.
    public struct ApprovalEvidence: Sendable, Equatable {
        public let request: String
        public let decision: String

        static let maxBytes = ApprovalRequest.maxBytes

        func append(to w: inout ByteWriter) {
            w.string(request)
            w.string(decision)
        }

        /// Nothing after the sender's signature means the bundle carries no request.
        static func read(from r: inout ByteReader) throws(ByteReader.DecodingFailure) -> ApprovalEvidence? {
            guard r.remaining > 0 else { return nil }
            return ApprovalEvidence(request: try r.string(max: maxBytes), decision: try r.string(max: maxBytes))
        }

        /// The recipient's checks. `sender` and `approver` are already certified by the centre root.
        func verify(manifest m: HandoverManifest, sender: RosterEntry, approver: RosterEntry) throws(VaultError) {
            let request = try ApprovalRequest.parse(self.request)
            let decision = try ApprovalDecision.parse(self.decision)
            guard request.requester == sender.id else { throw .auth("the bundle's request was made by \(request.requester), not by its sender") }
            try request.verify(by: sender.identity.signingKey)
            guard decision.approver == approver.id else { throw .auth("the bundle's approval names someone other than its approver") }
            try decision.verify(by: approver.identity.signingKey, for: request)
            guard decision.verdict == .approve else { throw .auth("the bundle's request was rejected, not approved") }
            guard approver.id != sender.id, approver.holds(.approveHandover), approver.isActive(at: decision.decided) else {
                throw .auth("the bundle's approval is not by an active leader other than the sender")
            }
            guard request.created <= decision.decided, decision.decided <= m.created else {
                throw .auth("the bundle's approval is dated outside its request and the bundle")
            }
            guard request.vaultID == m.vaultID, request.caseID == m.caseID, request.recipient == m.recipient,
                  request.recipientRole == m.recipientRole, request.basis == m.basis, request.consentReference == m.consentReference,
                  m.expires == request.expires, request.fields == m.fields
            else { throw .auth("the bundle does not hold exactly what the approved request names") }
        }
    }
}
