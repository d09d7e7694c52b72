import AccessPolicy
import SodiumKit

/// A bundle that has passed every check, ready to show.
public struct OpenedBundle: Sendable {
    public let manifest: HandoverManifest
    public let fields: [String: FieldValue]
    public let sender: RosterEntry
    public let approver: RosterEntry?
    /// The centre's name from its signed roster (nil for a version-1 roster, which has none).
    public let centre: String?
    /// The signed roster the bundle carries, and the checkpoint its log proof reaches.
    public let roster: SignedRoster
    public let checkpoint: LogPosition
    /// Set when the bundle had expired and the recipient chose to open it anyway.
    public let openedAfterExpiry: Bool
    /// The stored streams of the documents it hands over, by document index, each already
    /// checked against its signed reference (`document(_:)` decrypts one).
    var attachments: [Int: [UInt8]] = [:]
}

/// One point of a centre's log: its size and root hash.
public struct LogPosition: Sendable, Equatable {
    public let size: UInt64
    public let rootHash: [UInt8]
}

extension HandoverBundle {
    /// Verifies everything before returning anything. `trustedRoot` is the centre root
    /// fingerprint the recipient holds; `keyring` (the centre's exported, signed keyring), when
    /// given, also catches a sender revoked since; `seen` is what the recipient's state file
    /// remembers of this centre (docs/FORMAT.md, "Handover bundle", lists the checks in order).
    public static func open(_ bytes: [UInt8], identity: SecretIdentity, trustedRoot: String, now: Timestamp = .now(),
                            allowExpired: Bool = false, keyring: String? = nil, seen: RecipientMemory.Centre? = nil) throws(VaultError) -> OpenedBundle {
        try open(bytes, identity: identity, trustedRoot: trustedRoot, now: now, allowExpired: allowExpired, keyring: keyring) { _ in seen }
    }

    /// `memory` gives what the recipient remembers of the centre with the vault id the manifest names.
    static func open(_ bytes: [UInt8], identity: SecretIdentity, trustedRoot: String, now: Timestamp, allowExpired: Bool, keyring: String?,
                     memory: (VaultID) throws(VaultError) -> RecipientMemory.Centre?) throws(VaultError) -> OpenedBundle {
        var r = ByteReader(bytes)
        let fingerprint: [UInt8], sealedKey: [UInt8], nonce: [UInt8], ciphertext: [UInt8], header: [UInt8], bundleVersion: UInt8
        do {
            guard try r.raw(magic.count) == magic else { throw VaultError.format("not a CaseVault handover bundle") }
            let v = try r.u8()
            guard v != 1 else {
                throw VaultError.format("this is a version-1 handover bundle, which carries no proof that it was logged: ask the sender to send it again with a current CaseVault")
            }
            guard v == version || v == documentVersion else {
                throw VaultError.format("handover bundle version \(v) is not supported (this program reads versions \(version) and \(documentVersion))")
            }
            bundleVersion = v
            fingerprint = try r.raw(16)
            sealedKey = try r.raw(SymmetricKey.byteCount + SealedBox.overhead)
            nonce = try r.raw(XChaCha20Poly1305.nonceByteCount)
            header = Array(bytes.prefix(r.offset))
            ciphertext = try r.data(max: Limits.ciphertextBytes)
            try r.expectEnd()
        } catch let e as VaultError { throw e } catch { throw .format("handover bundle is truncated or malformed") }
        let mine = identity.publicIdentity
        guard fingerprint == PublicIdentity.fingerprintBytes(boxKey: mine.boxKey.bytes, signingKey: mine.signingKey.bytes) else {
            throw .denied("this bundle is addressed to another recipient, not to \(mine.fingerprint)")
        }
        let inner: SecureBytes
        do {
            let key = try SymmetricKey(secret: try SealedBox.open(sealedKey, with: identity.boxKey))
            inner = try XChaCha20Poly1305.open(ciphertext, key: key, nonce: nonce, associatedData: header)
        } catch { throw .auth("the bundle failed to decrypt: it was altered, or is not for this key") }
        return try verifyInner(inner, version: bundleVersion, recipient: mine, trustedRoot: trustedRoot, now: now, allowExpired: allowExpired,
                               keyring: keyring, memory: memory)
    }

    /// The inner part's pieces, as they stand (FORMAT.md's inner-layer table).
    struct InnerParts {
        var manifest = "", roster = "", approverEntry = ""
        var payload: [UInt8] = [], approval: [UInt8] = [], policy: [UInt8] = [], policySignature: [UInt8] = []
        var logEntry: [UInt8] = [], proof: [UInt8] = [], senderSignature: [UInt8] = []
        /// Present only in a bundle sent from an approved request.
        var requestEvidence: ApprovalEvidence?
        /// Present only in a version-3 bundle, which hands over documents.
        var attachments: [Attachment] = []

        init(_ bytes: [UInt8], version: UInt8) throws(VaultError) {
            var r = ByteReader(bytes)
            do {
                let magic = version == documentVersion ? documentInnerMagic : innerMagic
                guard try r.raw(magic.count) == magic else { throw VaultError.format("handover bundle's inner format is not supported") }
                manifest = try r.string(max: Limits.manifestBytes)
                payload = try r.data(max: Limits.payloadBytes)
                if version == documentVersion { attachments = try readAttachments(from: &r) }
                roster = try r.string(max: Limits.rosterBytes)
                approverEntry = try r.string(max: Limits.certifiedEntryBytes)
                approval = try r.data(max: Limits.signatureBytes)
                policy = try r.data(max: Limits.policyBytes)
                policySignature = try r.data(max: Limits.signatureBytes)
                logEntry = try r.data(max: Limits.logEntryBytes)
                proof = try r.data(max: Limits.proofBytes)
                senderSignature = try r.data(max: Limits.signatureBytes)
                requestEvidence = try ApprovalEvidence.read(from: &r)
                try r.expectEnd()
            } catch let e as VaultError { throw e } catch { throw .format("handover bundle's inner part is malformed") }
        }

        mutating func zero() { Memory.zero(&payload) }
    }

    static func verifyInner(_ inner: SecureBytes, version: UInt8, recipient: PublicIdentity, trustedRoot: String, now: Timestamp,
                            allowExpired: Bool, keyring: String?,
                            memory: (VaultID) throws(VaultError) -> RecipientMemory.Centre?) throws(VaultError) -> OpenedBundle {
        var bytes = inner.withUnsafeBytes { Array($0) }
        defer { Memory.zero(&bytes) }
        var parts = try InnerParts(bytes, version: version)
        defer { parts.zero() }
        let manifest = try HandoverManifest.parse(parts.manifest)
        let manifestBytes = Array(parts.manifest.utf8)
        let seen = try memory(manifest.vaultID)
        // The roster decides the centre, its name and who may act for it.
        let signedRoster = try RosterCache.verified(parts.roster, trustedFingerprint: trustedRoot)
        let roster = signedRoster.roster
        guard roster.vaultID == manifest.vaultID, roster.serial == manifest.rosterSerial else {
            throw .auth("the bundle's roster is not the one its manifest names")
        }
        if let seen, roster.serial < seen.rosterSerial {
            throw .auth("the bundle carries roster \(roster.serial), older than roster \(seen.rosterSerial) you already saw from this centre: ask the centre to send it again")
        }
        guard let sender = roster.entry(manifest.sender), sender.kind == .member, sender.isActive(at: manifest.created) else {
            throw .auth("the sender \(manifest.sender) is not an active member on the centre's roster")
        }
        do { try sender.identity.signingKey.verify(parts.senderSignature, for: senderDomain + manifestBytes) } catch {
            throw .auth("the sender's signature does not verify")
        }
        guard manifest.recipientFingerprint == recipient.fingerprint, let me = roster.entry(manifest.recipient), me.kind == .recipient,
              me.identity == recipient, me.roles.contains(manifest.recipientRole) else {
            throw .denied("the bundle was signed for another recipient")
        }
        try PolicySigning.verify(parts.policy, signature: parts.policySignature, vault: manifest.vaultID, root: roster.rootKey)
        let policy = try PolicyCache.parse(parts.policy)
        guard UInt64(exactly: policy.serial) == manifest.policySerial else { throw .auth("the bundle's policy is not the one its manifest names") }
        if case let .denied(reason) = policy.maySendHandover(from: sender.roles, to: manifest.recipientRole) {
            throw .auth("\(sender.id) may not send this bundle: \(reason)")
        }
        guard manifest.approvalRequired == policy.approvalRequired.contains(manifest.recipientRole) else {
            throw .auth("the bundle's approval requirement does not match the centre's signed policy")
        }
        let approver = try verifyApproval(parts, manifest: manifest, roster: roster)
        let checkpoint = try HandoverLogCheck(manifest: manifest, roster: signedRoster, sender: sender, approver: approver?.id)
            .verify(entry: parts.logEntry, proof: parts.proof)
        if let seen, seen.checkpoint.size == checkpoint.size, !Memory.constantTimeEquals(seen.checkpoint.rootHash, checkpoint.rootHash) {
            throw .auth("this bundle's log is not the one you saw at size \(checkpoint.size) in an earlier bundle from this centre (a forked log)")
        }
        if let keyring { try checkKeyring(keyring, roster: roster, people: [sender] + (approver.map { [$0] } ?? [])) }
        guard Memory.constantTimeEquals(payloadHash(parts.payload), manifest.payloadHash) else { throw .auth("the bundle's payload does not match its manifest") }
        let (fields, order, patterns) = try decodePayload(parts.payload)
        guard order == manifest.fields else { throw .auth("the bundle's fields do not match its manifest") }
        let granted = Set(policy.readablePatterns(for: manifest.recipientRole))
        if let extra = zip(order, patterns).first(where: { !granted.contains($0.1) }) {
            throw .auth("the bundle holds \(extra.0), which the centre's policy does not grant to \(manifest.recipientRole.rawValue)")
        }
        let attachments = try verifiedDocuments(parts.attachments, fields: fields, manifest: manifest)
        var expired = false
        if let expires = manifest.expires, expires <= now {
            guard allowExpired else { throw .denied("the bundle expired at \(expires.osloText); open it with --force-expired to read it anyway") }
            expired = true
        }
        return OpenedBundle(manifest: manifest, fields: fields, sender: sender, approver: approver, centre: roster.centre,
                            roster: signedRoster, checkpoint: checkpoint, openedAfterExpiry: expired, attachments: attachments)
    }

    /// Each document's stream: one per document, matching its signed digest, and every chunk
    /// decrypting under its key with this vault, case and blob id. A version-2 bundle carries
    /// none, so a document reference in one is refused as coming without its content.
    private static func verifiedDocuments(_ attachments: [Attachment], fields: [String: FieldValue],
                                          manifest: HandoverManifest) throws(VaultError) -> [Int: [UInt8]] {
        let documents = try BundleDocuments(fields: fields, order: manifest.fields)
        try documents.check(attachments)
        var streams: [Int: [UInt8]] = [:]
        for (entry, a) in zip(documents.entries, attachments) {
            _ = try documents.open(entry, stream: a.stream, manifest: manifest)
            streams[entry.index] = a.stream
        }
        return streams
    }

    /// The leader's approval: a certified entry that the carried roster lists, active, as a leader.
    private static func verifyApproval(_ parts: InnerParts, manifest: HandoverManifest, roster: Roster) throws(VaultError) -> RosterEntry? {
        guard !parts.approverEntry.isEmpty else {
            if manifest.approvalRequired || !parts.approval.isEmpty || parts.requestEvidence != nil {
                throw .auth("the bundle needs a leader's approval and carries none")
            }
            return nil
        }
        let a = try RosterEntry.parseCertified(parts.approverEntry, vault: manifest.vaultID, root: roster.rootKey)
        guard a.holds(.approveHandover), a.id != manifest.sender, let listed = roster.entry(a.id), listed.identity == a.identity,
              listed.kind == .member, listed.holds(.approveHandover), listed.isActive(at: manifest.created) else {
            throw .auth("the approver is not an active leader on the centre's roster")
        }
        if let evidence = parts.requestEvidence {
            guard parts.approval.isEmpty, let sender = roster.entry(manifest.sender) else { throw .auth("the bundle carries two approvals") }
            try evidence.verify(manifest: manifest, sender: sender, approver: listed)
            return listed
        }
        do { try a.identity.signingKey.verify(parts.approval, for: approvalDomain + Array(parts.manifest.utf8)) } catch {
            throw .auth("the leader's approval signature does not verify")
        }
        return listed
    }

    /// With the centre's current keyring: anyone revoked since cannot be told apart offline from
    /// someone who forged a log of their own after revocation, so their bundles are refused.
    private static func checkKeyring(_ keyring: String, roster: Roster, people: [RosterEntry]) throws(VaultError) {
        let current = try SignedRoster(fileText: keyring, trustedRoot: roster.rootKey).roster
        guard current.vaultID == roster.vaultID, current.serial >= roster.serial else {
            throw .auth("the keyring you gave is older than the roster in the bundle, or from another centre")
        }
        for person in people {
            guard let now = current.entry(person.id), now.identity == person.identity else {
                throw .auth("\(person.id) is not on the centre's keyring")
            }
            if let revoked = now.revoked {
                throw .auth("\(person.id) was revoked at \(revoked.rfc3339); a bundle they made cannot be checked offline: ask the centre to send it again")
            }
        }
    }
}
