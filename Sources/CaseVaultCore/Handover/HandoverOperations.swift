import AccessPolicy
import Foundation
import SodiumKit
import TransparencyLog

/// What `handover create` asks for.
public struct HandoverRequest: Sendable {
    public var caseID: CaseID
    public var recipientID: String
    public var purpose: String
    public var basis: HandoverManifest.Basis
    public var consentReference: String?
    public var expires: Timestamp?
    /// The protected address leaves the centre only when explicitly asked for (docs/FORMAT.md,
    /// "Inner layer"): the police need the new address only when measures at the new home do.
    public var includeAddress: Bool
    /// The sender's choice (`--field`): paths or prefixes of them, within the policy maximum for
    /// the recipient's role; nil sends the whole maximum.
    public var fields: [String]?

    public init(caseID: CaseID, recipientID: String, purpose: String, basis: HandoverManifest.Basis,
                consentReference: String?, expires: Timestamp?, includeAddress: Bool, fields: [String]? = nil) {
        self.caseID = caseID
        self.recipientID = recipientID
        self.purpose = purpose
        self.basis = basis
        self.consentReference = consentReference
        self.expires = expires
        self.includeAddress = includeAddress
        self.fields = fields
    }
}

/// Handing a case's fields over to a registered recipient as a signed bundle.
struct HandoverOperations: SessionBound {
    let session: Session

    /// Builds a bundle holding only what the recipient's role may see, records it as a
    /// disclosure in the case (a new version) and in the access log, all in one transaction,
    /// and returns the bundle's bytes only after that commit.
    func createHandover(_ request: HandoverRequest, approver: SecretIdentity?) throws(VaultError) -> (bytes: [UInt8], manifest: HandoverManifest, withheld: Int) {
        try HandoverManifest.validateOneLine(request.purpose, "the purpose")
        switch (request.basis, request.consentReference) {
        case (.consent, nil): throw .input("a handover on the basis of consent needs a consent reference (--consent-file)")
        case let (_, ref?): try HandoverManifest.validateOneLine(ref, "the consent reference")
        default: break
        }
        if let expires = request.expires, expires <= vault.clock.now() { throw .input("the expiry must lie in the future") }
        try HandoverFieldChoice.validate(request.fields)
        return try vault.write { db in
            let state = try currentState(db)
            guard let recipient = state.roster.entry(request.recipientID), recipient.kind == .recipient else {
                throw VaultError.notFound("no registered recipient \(request.recipientID) (see `casevault recipient list`)")
            }
            guard !recipient.isRevoked else { throw VaultError.denied("recipient \(recipient.id) has been removed") }
            guard let role = recipient.roles.first else { throw VaultError.format("recipient \(recipient.id) has no role on the roster") }
            let senderRoles = state.roster.entry(member.id)?.roles ?? []
            if case let .denied(reason) = state.policy.maySendHandover(from: senderRoles, to: role) {
                throw VaultError.denied("you may not send a bundle to \(recipient.id): \(reason)")
            }
            let opened = try open(request.caseID, state: state, db: db)
            try DisclosureBasis(basis: request.basis, consentReference: request.consentReference, recipientRole: role)
                .verify(against: opened.fields, today: vault.clock.now().osloDate)
            let choice = HandoverFieldChoice(policy: state.policy, role: role, includeAddress: request.includeAddress)
            let allowed = try choice.select(from: opened.fields, chosen: request.fields)
            guard !allowed.isEmpty else { throw VaultError.denied("nothing in this case that you can read may go to \(role.rawValue)") }
            let withheld = choice.withheld(opened, chosen: request.fields)
            let needsApproval = state.policy.approvalRequired.contains(role)
            var approverSigner: HandoverBundle.Signer?
            if needsApproval {
                guard let approver else { throw VaultError.denied("a handover to \(role.rawValue) needs a leader's approval: pass --approver-identity") }
                guard let entry = state.roster.entry(for: approver.publicIdentity), entry.kind == .member, !entry.isRevoked,
                      entry.holds(.approveHandover), entry.id != member.id else {
                    throw VaultError.denied("the approver must be an active leader on the roster other than the sender")
                }
                approverSigner = .init(entry: entry, key: approver.signingKey)
            }
            // The bundle's `created` is its log entry's time, and its manifest names the entry's index.
            let index = try db.logFrontier().size
            let time = max(vault.clock.now(), try db.logLastTime() ?? Timestamp(seconds: 0))
            guard let policySignature = try db.policySignature(serial: state.policy.serial), let roster = state.rosters.last,
                  let policySerial = UInt64(exactly: state.policy.serial) else {
                throw VaultError.format("the policy in force has no signature")
            }
            let manifest = HandoverBundle.prepare(HandoverManifest(
                bundleID: Hex.encode(Random.bytes(16)), vaultID: vault.vaultID, caseID: request.caseID, caseVersion: opened.latest.version + 1,
                sender: member.id, recipient: recipient.id, recipientRole: role, recipientFingerprint: recipient.identity.fingerprint,
                purpose: request.purpose, basis: request.basis, consentReference: request.consentReference, approvalRequired: needsApproval,
                created: time, expires: DisclosureBasis.expiry(request.expires, now: time), logIndex: index, rosterSerial: roster.roster.serial,
                policySerial: policySerial, fields: [], payloadHash: []), fields: allowed)
            let attachments = try BundleDocuments.attachments(for: allowed, order: manifest.fields, caseID: request.caseID, db: db)
            let entry = try recordDisclosure(db: db, state: state, opened: opened, manifest: manifest, roster: roster, approver: approverSigner?.entry.id)
            let evidence = HandoverBundle.LogEvidence(roster: roster.fileText, logEntry: entry.bytes, proof: try inclusionProof(db: db, entry: entry))
            let bytes = try HandoverBundle.seal(manifest: manifest, fields: allowed, sender: identity.signer, approver: approverSigner,
                                                policy: .init(bytes: state.policy.sourceBytes, signature: policySignature), evidence: evidence,
                                                recipient: recipient.identity, attachments: attachments)
            return (bytes, manifest, withheld)
        }
    }

    /// The disclosure in the case (a new version) and in the log, at the manifest's time and index.
    func recordDisclosure(db: StoreTransaction, state: VaultState, opened: OpenedCase, manifest: HandoverManifest,
                                  roster: SignedRoster, approver: String?) throws -> LogEntry {
        let existing = Set(opened.fields.keys).union(opened.sealedFields.map(\.path))
        var entry: [String: FieldValue] = [
            "disclosures[0].bundle": .text(manifest.bundleID), "disclosures[0].recipient": .text(manifest.recipient),
            "disclosures[0].recipient_role": .text(manifest.recipientRole.rawValue), "disclosures[0].date": .text(manifest.created.osloDateField),
            "disclosures[0].basis": .text(manifest.basis.rawValue), "disclosures[0].purpose": .text(manifest.purpose),
            "disclosures[0].fields": .list(manifest.fields),
        ]
        if let ref = manifest.consentReference { entry["disclosures[0].consent_ref"] = .text(ref) }
        if let expires = manifest.expires { entry["disclosures[0].expires"] = .text(expires.osloDateField) }
        if let approver { entry["disclosures[0].approved_by"] = .text(approver) }
        var patch = RecordPatch()
        patch.add.append((group: "disclosures", fields: entry))
        let change = try patch.resolve(existingPaths: existing)
        guard opened.latest.version + 1 == manifest.caseVersion else { throw VaultError.format("the disclosure's case version is not the one its bundle names") }
        let logged = try writeVersion(db: db, state: state, opened: opened, written: change.written, removed: [], assignments: opened.latest.assignments,
                                      log: VersionLogEntry(action: .handoverCreate, fields: manifest.fields,
                                                           detail: HandoverLogCheck.detail(manifest: manifest, roster: roster, approver: approver),
                                                           reason: manifest.purpose, time: manifest.created)).entry
        try db.insertDisclosure(bundleID: manifest.bundleID, caseID: opened.caseID, recipient: manifest.recipient,
                                manifestHash: manifest.hash, created: manifest.created)
        guard logged.index == manifest.logIndex else { throw VaultError.format("the disclosure's log entry is not at the index its bundle names") }
        return logged
    }

    /// A c2sp.org/tlog-proof of `entry` against the checkpoint its own append signed.
    func inclusionProof(db: StoreTransaction, entry: LogEntry) throws -> [UInt8] {
        guard let note = try vault.storedCheckpoint(db), try Checkpoint.parse(note.text).size == entry.index + 1 else {
            throw VaultError.format("the disclosure's checkpoint is missing")
        }
        let tree = FlatMerkleTree(flatLeafHashes: try db.leafHashes(size: entry.index + 1))
        return try InclusionProofFile(index: entry.index, proof: try tree.inclusionProof(index: entry.index, treeSize: entry.index + 1),
                                      checkpointNote: note).bytes
    }
}

/// Confirming a recipient's signed receipt for a bundle sent from this vault.
struct ReceiptOperations: SessionBound {
    let session: Session

    /// Checks a recipient's receipt and records it in the case and the access log. A receipt
    /// already confirmed is refused.
    func confirmReceipt(_ text: String) throws(VaultError) -> HandoverReceipt {
        let receipt = try HandoverReceipt.parse(text)
        guard receipt.vaultID == vault.vaultID else { throw .auth("the receipt is for another vault") }
        try vault.write { db in
            let state = try currentState(db)
            guard let recipient = state.roster.entry(receipt.recipient), recipient.kind == .recipient else {
                throw VaultError.auth("the receipt names \(receipt.recipient), who is not a registered recipient")
            }
            try receipt.verify(by: recipient.identity.signingKey)
            guard let sent = try db.disclosure(bundleID: receipt.bundleID) else {
                throw VaultError.notFound("no bundle \(receipt.bundleID) was sent from this vault")
            }
            guard sent.recipient == receipt.recipient, Memory.constantTimeEquals(sent.manifestHash, receipt.manifestHash) else {
                throw VaultError.auth("the receipt does not match the bundle that was sent")
            }
            guard try !db.hasReceipt(bundleID: receipt.bundleID) else {
                throw VaultError.refused("the receipt for bundle \(receipt.bundleID) has already been confirmed")
            }
            let caseID = sent.caseID
            let opened = try open(caseID, state: state, db: db)
            guard let index = opened.fields.first(where: { $0.key.hasPrefix("disclosures[") && $0.key.hasSuffix("].bundle") && $0.value == .text(receipt.bundleID) })?.key.dropLast(".bundle".count) else {
                throw VaultError.denied("only a member who can read and write the case's disclosures (its contact person, or the leader) may confirm this receipt")
            }
            try writeVersion(db: db, state: state, opened: opened, written: ["\(index).receipt": .text(receipt.received.osloDateField)],
                             removed: [], assignments: opened.latest.assignments,
                             log: VersionLogEntry(action: .handoverConfirm, detail: ["bundle": receipt.bundleID, "recipient": receipt.recipient]))
            try db.insertReceipt(bundleID: receipt.bundleID, text: receipt.text, confirmed: vault.clock.now())
        }
        return receipt
    }
}

extension Vault {
    /// The policy in force with the centre root's signature, as a bundle carries it.
    public func signedPolicy() throws(VaultError) -> HandoverBundle.SignedPolicy {
        try read { db in
            let state = try loadState(db)
            guard let sig = try db.policySignature(serial: state.policy.serial) else {
                throw VaultError.format("the policy in force has no signature")
            }
            return HandoverBundle.SignedPolicy(bytes: state.policy.sourceBytes, signature: sig)
        }
    }
}
