import AccessPolicy
import SodiumKit

/// What an answer says about itself (docs/FORMAT.md, "Handover answer"): which bundle it
/// answers (by id and manifest hash), who sends it, to which member it is sealed, and a hash
/// of its payload; signed by the recipient.
public struct AnswerManifest: Sendable, Equatable {
    public static let header = "casevault-handover-answer v1"
    static let keys = ["answer", "vault", "bundle", "bundle-manifest", "case", "recipient", "recipient-role", "recipient-fingerprint",
                       "to", "kind", "created", "payload"]

    public var answerID: String
    public var vaultID: VaultID
    public var bundleID: String
    public var bundleManifestHash: [UInt8]
    public var caseID: CaseID
    public var recipient: String
    public var recipientRole: Role
    public var recipientFingerprint: String
    /// The member the answer is sealed to: the bundle's sender.
    public var to: String
    public var kind: String
    public var created: Timestamp
    public var payloadHash: [UInt8]

    public var text: String {
        [Self.header, "answer \(answerID)", "vault \(vaultID.hex)", "bundle \(bundleID)", "bundle-manifest \(Base64.encode(bundleManifestHash))",
         "case \(caseID.hex)", "recipient \(recipient)", "recipient-role \(recipientRole.rawValue)",
         "recipient-fingerprint \(recipientFingerprint)", "to \(to)", "kind \(kind)", "created \(created.rfc3339)",
         "payload \(Base64.encode(payloadHash))"].joined(separator: "\n") + "\n"
    }

    static func parse(_ text: String) throws(VaultError) -> AnswerManifest {
        let v = try KeyedLines(text, header: header, keys: keys, what: "handover answer")
        guard HandoverManifest.isBundleID(v["answer"]), HandoverManifest.isBundleID(v["bundle"]), let vault = VaultID(hex: v["vault"]),
              let hash = Base64.decode(v["bundle-manifest"]), hash.count == 32, let role = Role(rawValue: v["recipient-role"]), role.isExternal,
              FieldCatalog.answerKinds.contains(v["kind"]), let created = Timestamp(rfc3339: v["created"]),
              let payload = Base64.decode(v["payload"]), payload.count == 32
        else { throw .format("handover answer has a malformed value") }
        let m = AnswerManifest(answerID: v["answer"], vaultID: vault, bundleID: v["bundle"], bundleManifestHash: hash, caseID: try CaseID(v["case"]),
                               recipient: v["recipient"], recipientRole: role, recipientFingerprint: v["recipient-fingerprint"], to: v["to"],
                               kind: v["kind"], created: created, payloadHash: payload)
        guard m.text == text else { throw .format("handover answer is not in canonical form") }
        return m
    }
}

/// A recipient's signed answer sealed to the member who sent the bundle. Sign-then-encrypt as
/// bundles are: only that member's box key opens it, and the recipient's signature inside binds
/// it to the bundle it answers.
public enum HandoverAnswer {
    static let magic = Array("CVANSWER".utf8)
    static let version: UInt8 = 1
    static let innerMagic = Array("CVAI\u{1}".utf8)
    static let signatureDomain = Array("casevault/v1/handover-answer\0".utf8)
    static let payloadDomain = Array("casevault/v1/handover-answer-payload\0".utf8)
    static let maxBytes = 1 << 18

    static func payloadHash(_ payload: [UInt8]) -> [UInt8] { BLAKE2b.hash(payloadDomain + payload) }

    /// Made by the recipient from a bundle they opened and verified, and their answer file.
    public static func make(answering bundle: OpenedBundle, answerText: String, identity: SecretIdentity,
                            now: Timestamp = .now()) throws(VaultError) -> (bytes: [UInt8], manifest: AnswerManifest) {
        let b = bundle.manifest
        guard identity.publicIdentity.fingerprint == b.recipientFingerprint else { throw .denied("this bundle was not sent to this key") }
        let fields = try AnswerContent.parse(answerText, role: b.recipientRole)
        let payload = HandoverBundle.encodePayload(fields)
        guard case let .text(kind)? = fields["answers[0].kind"] else { throw .input("the answer needs a kind") }
        let manifest = AnswerManifest(
            answerID: Hex.encode(Random.bytes(16)), vaultID: b.vaultID, bundleID: b.bundleID, bundleManifestHash: b.hash, caseID: b.caseID,
            recipient: b.recipient, recipientRole: b.recipientRole, recipientFingerprint: b.recipientFingerprint, to: bundle.sender.id,
            kind: kind, created: now, payloadHash: payloadHash(payload))
        let manifestBytes = Array(manifest.text.utf8)
        var inner = ByteWriter(reservingCapacity: payload.count + manifestBytes.count + 128)
        inner.raw(innerMagic)
        inner.string(manifest.text)
        inner.data(payload)
        inner.data(identity.signingKey.signature(for: signatureDomain + manifestBytes))
        let to = bundle.sender.identity
        do {
            let key = try SymmetricKey.generate()
            let nonce = XChaCha20Poly1305.randomNonce()
            var outer = ByteWriter(reservingCapacity: inner.bytes.count + 200)
            outer.raw(magic)
            outer.u8(version)
            outer.raw(PublicIdentity.fingerprintBytes(boxKey: to.boxKey.bytes, signingKey: to.signingKey.bytes))
            outer.raw(try SealedBox.seal(key, to: to.boxKey))
            outer.raw(nonce)
            outer.data(try XChaCha20Poly1305.seal(inner.bytes, key: key, nonce: nonce, associatedData: outer.bytes))
            return (outer.bytes, manifest)
        } catch { throw .io("cannot seal the answer: \(error)") }
    }

    /// An answer opened and its signature checked, ready for the centre's checks against the vault.
    struct Opened {
        let manifest: AnswerManifest
        let fields: [String: FieldValue]
    }

    /// Opens an answer with `keys` (the member it is sealed to) and checks it against the
    /// recipient's signing key from the centre's roster.
    static func open(_ bytes: [UInt8], keys: any MemberKeys, recipientKey: (AnswerManifest) throws(VaultError) -> SigningPublicKey) throws(VaultError) -> Opened {
        guard bytes.count <= maxBytes else { throw .input("the answer is over \(maxBytes) bytes") }
        var r = ByteReader(bytes)
        let fingerprint: [UInt8], sealedKey: [UInt8], nonce: [UInt8], header: [UInt8], ciphertext: [UInt8]
        do {
            guard try r.raw(magic.count) == magic else { throw VaultError.format("not a CaseVault handover answer") }
            let v = try r.u8()
            guard v == version else { throw VaultError.format("handover answer version \(v) is not supported (this program reads version \(version))") }
            fingerprint = try r.raw(16)
            sealedKey = try r.raw(SymmetricKey.byteCount + SealedBox.overhead)
            nonce = try r.raw(XChaCha20Poly1305.nonceByteCount)
            header = Array(bytes.prefix(r.offset))
            ciphertext = try r.data(max: maxBytes)
            try r.expectEnd()
        } catch let e as VaultError { throw e } catch { throw .format("handover answer is truncated or malformed") }
        let mine = keys.publicIdentity
        guard fingerprint == PublicIdentity.fingerprintBytes(boxKey: mine.boxKey.bytes, signingKey: mine.signingKey.bytes) else {
            throw .denied("this answer is sealed to another member (the one who sent the bundle)")
        }
        var inner: [UInt8]
        do {
            let proof = SealedKeyProof(nonce: nonce, ciphertext: ciphertext, associatedData: header)
            let key = try SymmetricKey(secret: try keys.boxOpener.openSealedKey(sealedKey, provenBy: proof))
            inner = try XChaCha20Poly1305.open(ciphertext, key: key, nonce: nonce, associatedData: header).withUnsafeBytes { Array($0) }
        } catch { throw .auth("the answer failed to decrypt: it was altered, or is not for this key") }
        defer { Memory.zero(&inner) }
        var ir = ByteReader(inner)
        let manifestText: String, payload: [UInt8], signature: [UInt8]
        do {
            guard try ir.raw(innerMagic.count) == innerMagic else { throw VaultError.format("handover answer's inner format is not supported") }
            manifestText = try ir.string(max: 1 << 14)
            payload = try ir.data(max: AnswerContent.maxPayloadBytes)
            signature = try ir.data(max: 64)
            try ir.expectEnd()
        } catch let e as VaultError { throw e } catch { throw .format("handover answer's inner part is malformed") }
        let manifest = try AnswerManifest.parse(manifestText)
        let key = try recipientKey(manifest)
        do { try key.verify(signature, for: signatureDomain + Array(manifestText.utf8)) } catch {
            throw .auth("the answer's signature does not verify under \(manifest.recipient)'s key")
        }
        guard Memory.constantTimeEquals(payloadHash(payload), manifest.payloadHash) else { throw .auth("the answer's payload does not match its manifest") }
        let (fields, _, _) = try HandoverBundle.decodePayload(payload)
        try AnswerContent.check(fields, role: manifest.recipientRole)
        guard fields["answers[0].kind"] == .text(manifest.kind) else { throw .auth("the answer's kind does not match its manifest") }
        return Opened(manifest: manifest, fields: fields)
    }
}
