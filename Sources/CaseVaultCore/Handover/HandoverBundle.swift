import AccessPolicy
import SodiumKit

/// A sealed, signed handover (docs/FORMAT.md, "Handover bundle"). Sign-then-encrypt: the
/// sender signs the manifest (which names the recipient and hashes the payload), then the
/// whole inner part is encrypted under a fresh key sealed to the recipient alone. Inside travel
/// the centre's signed roster and policy, and the `handover.create` log entry that records the
/// disclosure with an inclusion proof to a signed checkpoint, so the recipient checks offline
/// who sent it, that their role may send it, and that the disclosure is in the centre's log.
public enum HandoverBundle {
    static let magic = Array("CVBUNDLE".utf8)
    static let version: UInt8 = 2
    static let innerMagic = Array("CVBI\u{2}".utf8)
    package static let senderDomain = Array("casevault/v2/handover\0".utf8)
    package static let approvalDomain = Array("casevault/v2/handover-approval\0".utf8)
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
        static let rosterBytes = 1 << 22
        static let logEntryBytes = 1 << 16
        static let proofBytes = 1 << 16
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

    /// The centre's policy in force, with the root's signature: the recipient checks sender,
    /// approval and field rules against it, so a sender cannot simply claim what the policy says.
    public struct SignedPolicy: Sendable {
        public let bytes: [UInt8]
        public let signature: [UInt8]
        public init(bytes: [UInt8], signature: [UInt8]) {
            self.bytes = bytes
            self.signature = signature
        }
    }

    /// What proves the disclosure is in the centre's log: the signed roster in force at the entry
    /// (full file text), the `handover.create` entry's exact bytes, and a c2sp.org/tlog-proof of it.
    public struct LogEvidence: Sendable {
        public let roster: String
        public let logEntry: [UInt8]
        public let proof: [UInt8]
        public init(roster: String, logEntry: [UInt8], proof: [UInt8]) {
            self.roster = roster
            self.logEntry = logEntry
            self.proof = proof
        }
    }

    /// Fills in `fields` and `payload` from the fields: the manifest is then final, and its hash
    /// can be written into the log entry before the bundle is sealed.
    package static func prepare(_ manifest: HandoverManifest, fields: [String: FieldValue]) -> HandoverManifest {
        var manifest = manifest
        manifest.fields = CaseRecord.order(Array(fields.keys))
        var payload = encodePayload(fields, order: manifest.fields)
        defer { Memory.zero(&payload) }
        manifest.payloadHash = payloadHash(payload)
        return manifest
    }

    /// Seals a bundle whose manifest `prepare` made final.
    public static func seal(manifest: HandoverManifest, fields: [String: FieldValue], sender: any MessageSigner, approver: Signer?,
                            policy: SignedPolicy, evidence: LogEvidence, recipient: PublicIdentity,
                            request: ApprovalEvidence? = nil, attachments: [Attachment] = []) throws(VaultError) -> [UInt8] {
        guard manifest.fields == CaseRecord.order(Array(fields.keys)) else { throw .input("the bundle's manifest does not list its fields") }
        var payload = encodePayload(fields, order: manifest.fields)
        defer { Memory.zero(&payload) }
        guard payloadHash(payload) == manifest.payloadHash else { throw .input("the bundle's manifest does not hash its payload") }
        // The recipient's own checks: a bundle whose documents and streams disagree is never made.
        try BundleDocuments(fields: fields, order: manifest.fields).check(attachments)
        try checkLimits(attachments)
        let streamBytes = attachments.reduce(0) { $0 + $1.stream.count + 20 }
        let manifestBytes = Array(manifest.text.utf8)
        var inner = ByteWriter(reservingCapacity: payload.count + streamBytes + manifestBytes.count + policy.bytes.count + evidence.roster.utf8.count + 8192)
        inner.raw(attachments.isEmpty ? innerMagic : documentInnerMagic)
        inner.data(manifestBytes)
        inner.data(payload)
        if !attachments.isEmpty { write(attachments, to: &inner) }
        inner.string(evidence.roster)
        inner.string(approver?.entry.certifiedText ?? "")
        let approval: [UInt8], senderSignature: [UInt8]
        do {
            approval = request != nil ? [] : try approver.map { try $0.key.signature(for: approvalDomain + manifestBytes) } ?? []
            senderSignature = try sender.signature(for: senderDomain + manifestBytes)
        } catch let e as VaultError { throw e } catch { throw .io("cannot sign the bundle: \(error)") }
        inner.data(approval)
        inner.data(policy.bytes)
        inner.data(policy.signature)
        inner.data(evidence.logEntry)
        inner.data(evidence.proof)
        inner.data(senderSignature)
        request?.append(to: &inner)
        var innerBytes = inner.bytes
        defer { Memory.zero(&innerBytes) }
        for (what, size, limit) in [("manifest", manifestBytes.count, Limits.manifestBytes), ("payload", payload.count, Limits.payloadBytes),
                                    ("field count", fields.count, Limits.payloadFields), ("policy", policy.bytes.count, Limits.policyBytes),
                                    ("roster", evidence.roster.utf8.count, Limits.rosterBytes),
                                    ("log entry", evidence.logEntry.count, Limits.logEntryBytes), ("log proof", evidence.proof.count, Limits.proofBytes),
                                    ("approver entry", approver?.entry.certifiedText.utf8.count ?? 0, Limits.certifiedEntryBytes),
                                    ("bundle", innerBytes.count + XChaCha20Poly1305.tagByteCount, Limits.ciphertextBytes)] where size > limit {
            throw .input("the bundle's \(what) would be \(size), over the \(limit) a recipient accepts; include fewer fields")
        }
        do {
            let key = try SymmetricKey.generate()
            let nonce = XChaCha20Poly1305.randomNonce()
            var outer = ByteWriter(reservingCapacity: innerBytes.count + 200)
            outer.raw(magic)
            outer.u8(attachments.isEmpty ? version : documentVersion)
            outer.raw(PublicIdentity.fingerprintBytes(boxKey: recipient.boxKey.bytes, signingKey: recipient.signingKey.bytes))
            outer.raw(try SealedBox.seal(key, to: recipient.boxKey))
            outer.raw(nonce)
            let ct = try XChaCha20Poly1305.seal(innerBytes, key: key, nonce: nonce, associatedData: outer.bytes)
            outer.data(ct)
            return outer.bytes
        } catch { throw .io("cannot seal the bundle: \(error)") }
    }
}

extension HandoverBundle {
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
