import AccessPolicy
import SodiumKit

/// A sealed, signed handover (docs/FORMAT.md, "Handover bundle"). Sign-then-encrypt: the
/// sender signs the manifest (which names the recipient and hashes the payload), then the
/// whole inner part is encrypted under a fresh key sealed to the recipient alone. The sender's
/// roster entry, certified by the centre root, travels inside so the recipient can check the
/// origin offline against the root fingerprint it trusts.
public enum HandoverBundle {
    static let magic = Array("CVBUNDLE".utf8)
    static let version: UInt8 = 1
    static let innerMagic = Array("CVBI\u{1}".utf8)
    package static let senderDomain = Array("casevault/v1/handover\0".utf8)
    package static let approvalDomain = Array("casevault/v1/handover-approval\0".utf8)
    package static let payloadDomain = Array("casevault/v1/handover-payload\0".utf8)

    /// What `open` accepts; `seal` refuses to make anything larger, so every bundle made opens.
    enum Limits {
        static let ciphertextBytes = 1 << 28
        static let manifestBytes = 1 << 20
        static let payloadBytes = 1 << 27
        static let payloadFields = 100_000
        static let certifiedEntryBytes = 8192
        static let signatureBytes = 64
        static let policyBytes = 1 << 20
    }

    /// A signer with their certified roster entry.
    public struct Signer: Sendable {
        public let entry: RosterEntry
        public let key: any MessageSigner
        public init(entry: RosterEntry, key: any MessageSigner) {
            self.entry = entry
            self.key = key
        }
    }

    package static func encodePayload(_ fields: [String: FieldValue], order: [String]? = nil) -> [UInt8] {
        var w = ByteWriter(reservingCapacity: 64 * fields.count + 4096)
        w.u32(UInt32(fields.count))
        for path in order ?? CaseRecord.order(Array(fields.keys)) {
            w.string(path)
            w.data(fields[path]!.encoded())
        }
        return w.bytes
    }

    static func payloadHash(_ payload: [UInt8]) -> [UInt8] { BLAKE2b.hash(payloadDomain + payload) }

    /// Seals a bundle. `manifest.payloadHash` and `manifest.fields` are filled in from `fields`.
    /// The centre's policy in force, with the root's signature: the recipient checks approval
    /// and field rules against it, so a sender cannot simply claim no approval was needed.
    public struct SignedPolicy: Sendable {
        public let bytes: [UInt8]
        public let signature: [UInt8]
        public init(bytes: [UInt8], signature: [UInt8]) {
            self.bytes = bytes
            self.signature = signature
        }
    }

    public static func seal(manifest: HandoverManifest, fields: [String: FieldValue], sender: Signer, approver: Signer?,
                            policy: SignedPolicy, recipient: PublicIdentity,
                            evidence: ApprovalEvidence? = nil) throws(VaultError) -> (bytes: [UInt8], manifest: HandoverManifest) {
        var manifest = manifest
        manifest.fields = CaseRecord.order(Array(fields.keys))
        var payload = encodePayload(fields, order: manifest.fields)
        defer { Memory.zero(&payload) }
        manifest.payloadHash = payloadHash(payload)
        let manifestBytes = Array(manifest.text.utf8)
        var inner = ByteWriter(reservingCapacity: payload.count + manifestBytes.count + policy.bytes.count + 2048)
        inner.raw(innerMagic)
        inner.data(manifestBytes)
        inner.data(payload)
        inner.string(sender.entry.certifiedText)
        inner.string(approver?.entry.certifiedText ?? "")
        let approval: [UInt8], senderSignature: [UInt8]
        do {
            approval = evidence != nil ? [] : try approver.map { try $0.key.signature(for: approvalDomain + manifestBytes) } ?? []
            senderSignature = try sender.key.signature(for: senderDomain + manifestBytes)
        } catch let e as VaultError { throw e } catch { throw .io("cannot sign the bundle: \(error)") }
        inner.data(approval)
        inner.data(policy.bytes)
        inner.data(policy.signature)
        inner.data(senderSignature)
        evidence?.append(to: &inner)
        var innerBytes = inner.bytes
        defer { Memory.zero(&innerBytes) }
        for (what, size, limit) in [("manifest", manifestBytes.count, Limits.manifestBytes), ("payload", payload.count, Limits.payloadBytes),
                                    ("field count", fields.count, Limits.payloadFields), ("policy", policy.bytes.count, Limits.policyBytes),
                                    ("sender entry", sender.entry.certifiedText.utf8.count, Limits.certifiedEntryBytes),
                                    ("approver entry", approver?.entry.certifiedText.utf8.count ?? 0, Limits.certifiedEntryBytes),
                                    ("bundle", innerBytes.count + XChaCha20Poly1305.tagByteCount, Limits.ciphertextBytes)] where size > limit {
            throw .input("the bundle's \(what) would be \(size), over the \(limit) a recipient accepts; include fewer fields")
        }
        do {
            let key = try SymmetricKey.generate()
            let nonce = XChaCha20Poly1305.randomNonce()
            var outer = ByteWriter(reservingCapacity: innerBytes.count + 200)
            outer.raw(magic)
            outer.u8(version)
            outer.raw(PublicIdentity.fingerprintBytes(boxKey: recipient.boxKey.bytes, signingKey: recipient.signingKey.bytes))
            outer.raw(try SealedBox.seal(key, to: recipient.boxKey))
            outer.raw(nonce)
            let ct = try XChaCha20Poly1305.seal(innerBytes, key: key, nonce: nonce, associatedData: outer.bytes)
            outer.data(ct)
            return (outer.bytes, manifest)
        } catch { throw .io("cannot seal the bundle: \(error)") }
    }
}

/// A bundle that has passed every check, ready to show.
public struct OpenedBundle: Sendable {
    public let manifest: HandoverManifest
    public let fields: [String: FieldValue]
    public let sender: RosterEntry
    public let approver: RosterEntry?
    /// Set when the bundle had expired and the recipient chose to open it anyway.
    public let openedAfterExpiry: Bool
}

extension HandoverBundle {
    /// Verifies everything before returning anything. `trustedRoot` is the centre root
    /// fingerprint the recipient holds; `keyring` (the centre's exported, signed keyring), when
    /// given, also catches a sender revoked before the bundle was made.
    public static func open(_ bytes: [UInt8], identity: SecretIdentity, trustedRoot: String, now: Timestamp = .now(),
                            allowExpired: Bool = false, keyring: String? = nil) throws(VaultError) -> OpenedBundle {
        var r = ByteReader(bytes)
        let fingerprint: [UInt8], sealedKey: [UInt8], nonce: [UInt8], ciphertext: [UInt8], header: [UInt8]
        do {
            guard try r.raw(magic.count) == magic else { throw VaultError.format("not a CaseVault handover bundle") }
            let v = try r.u8()
            guard v == version else { throw VaultError.format("handover bundle version \(v) is not supported (this program reads version \(version))") }
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
        return try verifyInner(inner, recipient: mine, trustedRoot: trustedRoot, now: now, allowExpired: allowExpired, keyring: keyring)
    }

    static func verifyInner(_ inner: SecureBytes, recipient: PublicIdentity, trustedRoot: String, now: Timestamp,
                                    allowExpired: Bool, keyring: String?) throws(VaultError) -> OpenedBundle {
        var bytes = inner.withUnsafeBytes { Array($0) }
        defer { Memory.zero(&bytes) }
        var r = ByteReader(bytes)
        var payload: [UInt8] = []
        defer { Memory.zero(&payload) }
        let manifestText: String, senderText: String, approverText: String, approverSig: [UInt8], senderSig: [UInt8]
        let policyBytes: [UInt8], policySig: [UInt8], evidence: ApprovalEvidence?
        do {
            guard try r.raw(innerMagic.count) == innerMagic else { throw VaultError.format("handover bundle's inner format is not supported") }
            manifestText = try r.string(max: Limits.manifestBytes)
            payload = try r.data(max: Limits.payloadBytes)
            senderText = try r.string(max: Limits.certifiedEntryBytes)
            approverText = try r.string(max: Limits.certifiedEntryBytes)
            approverSig = try r.data(max: Limits.signatureBytes)
            policyBytes = try r.data(max: Limits.policyBytes)
            policySig = try r.data(max: Limits.signatureBytes)
            senderSig = try r.data(max: Limits.signatureBytes)
            evidence = try ApprovalEvidence.read(from: &r)
            try r.expectEnd()
        } catch let e as VaultError { throw e } catch { throw .format("handover bundle's inner part is malformed") }
        let manifest = try HandoverManifest.parse(manifestText)
        guard Fingerprint.matches(trustedRoot, Fingerprint.root(manifest.centreRoot)) else {
            throw .auth("the bundle's centre root is not the one you trust (fingerprint \(Fingerprint.root(manifest.centreRoot)))")
        }
        let manifestBytes = Array(manifestText.utf8)
        let sender = try RosterEntry.parseCertified(senderText, vault: manifest.vaultID, root: manifest.centreRoot)
        guard sender.id == manifest.sender, sender.kind == .member else { throw .auth("the bundle's sender certificate names someone else") }
        guard sender.isActive(at: manifest.created) else { throw .auth("the sender \(sender.id) was revoked when the bundle was made") }
        do { try sender.identity.signingKey.verify(senderSig, for: senderDomain + manifestBytes) } catch {
            throw .auth("the sender's signature does not verify")
        }
        guard manifest.recipientFingerprint == recipient.fingerprint else { throw .denied("the bundle was signed for another recipient") }
        try PolicySigning.verify(policyBytes, signature: policySig, vault: manifest.vaultID, root: manifest.centreRoot)
        let policy = try PolicyCache.parse(policyBytes)
        guard manifest.approvalRequired == policy.approvalRequired.contains(manifest.recipientRole) else {
            throw .auth("the bundle's approval requirement does not match the centre's signed policy")
        }
        var approver: RosterEntry?
        if !approverText.isEmpty {
            let a = try RosterEntry.parseCertified(approverText, vault: manifest.vaultID, root: manifest.centreRoot)
            guard a.roles.contains(.leader), a.isActive(at: manifest.created) else { throw .auth("the approver is not an active leader") }
            if let evidence {
                guard approverSig.isEmpty else { throw .auth("the bundle carries two approvals") }
                try evidence.verify(manifest: manifest, sender: sender, approver: a)
            } else {
                do { try a.identity.signingKey.verify(approverSig, for: approvalDomain + manifestBytes) } catch {
                    throw .auth("the leader's approval signature does not verify")
                }
            }
            approver = a
        } else if manifest.approvalRequired || !approverSig.isEmpty || evidence != nil {
            throw .auth("the bundle needs a leader's approval and carries none")
        }
        if let keyring {
            let roster = try SignedRoster(fileText: keyring, trustedRoot: manifest.centreRoot).roster
            guard roster.vaultID == manifest.vaultID, let current = roster.entry(sender.id), current.identity == sender.identity else {
                throw .auth("the sender is not on the centre's keyring")
            }
            if let revoked = current.revoked, revoked <= manifest.created {
                throw .auth("the sender \(sender.id) was revoked before the bundle was made")
            }
            if let approver {
                guard let a = roster.entry(approver.id), a.identity == approver.identity else { throw .auth("the approver is not on the centre's keyring") }
                if let revoked = a.revoked, revoked <= manifest.created { throw .auth("the approver \(approver.id) was revoked before the bundle was made") }
            }
        }
        guard Memory.constantTimeEquals(payloadHash(payload), manifest.payloadHash) else { throw .auth("the bundle's payload does not match its manifest") }
        let (fields, order, patterns) = try decodePayload(payload)
        guard order == manifest.fields else { throw .auth("the bundle's fields do not match its manifest") }
        let granted = Set(policy.readablePatterns(for: manifest.recipientRole))
        if let extra = zip(order, patterns).first(where: { !granted.contains($0.1) }) {
            throw .auth("the bundle holds \(extra.0), which the centre's policy does not grant to \(manifest.recipientRole.rawValue)")
        }
        var expired = false
        if let expires = manifest.expires, expires <= now {
            guard allowExpired else { throw .denied("the bundle expired at \(expires.rfc3339); open it with --force-expired to read it anyway") }
            expired = true
        }
        return OpenedBundle(manifest: manifest, fields: fields, sender: sender, approver: approver, openedAfterExpiry: expired)
    }

    /// The payload's fields, and their paths in the order they stand (the manifest lists that order).
    static func decodePayload(_ payload: [UInt8]) throws(VaultError) -> ([String: FieldValue], [String], [String]) {
        var r = ByteReader(payload)
        var out: [String: FieldValue] = [:]
        var order: [String] = []
        var patterns: [String] = []
        do {
            let count = try r.count(max: Limits.payloadFields)
            out.reserveCapacity(count)
            for _ in 0..<count {
                let path = try r.string(max: 256)
                let length = Int(try r.u32())
                guard length <= r.remaining else { throw VaultError.format("bundle payload is malformed") }
                let start = r.offset
                // Decode in place: the payload buffer is zeroed by the caller; no per-field copy.
                let value = try payload.withUnsafeBytes { b throws(VaultError) in
                    try FieldValue.decode(UnsafeRawBufferPointer(rebasing: b[start..<start + length]))
                }
                try r.skip(length)
                guard let pattern = FieldCatalog.pattern(ofPath: path), FieldCatalog.spec(forPattern: pattern) != nil, out[path] == nil else {
                    throw VaultError.format("bundle payload names an unknown or repeated field")
                }
                out[path] = value
                order.append(path)
                patterns.append(pattern)
            }
            try r.expectEnd()
        } catch let e as VaultError { throw e } catch { throw .format("bundle payload is malformed") }
        return (out, order, patterns)
    }
}
