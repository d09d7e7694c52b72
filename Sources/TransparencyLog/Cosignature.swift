import SodiumKit

/// tlog-cosignature v1.0.1, Ed25519 (signature type 0x04). A witness signs
/// `cosignature/v1\ntime <t>\n` followed by the checkpoint body, and its signature line carries
/// key ID ‖ t (8 bytes, big-endian) ‖ Ed25519 signature (64 bytes).
enum CosignatureV1 {
    static let header = "cosignature/v1\n"
    static let payloadByteCount = 8 + SigningPublicKey.signatureByteCount
    /// The spec caps timestamps at 2^63−1 so they fit a signed 64-bit integer everywhere.
    static let maxTimestamp = UInt64(Int64.max)

    static func message(body: String, timestamp: UInt64) -> [UInt8] {
        Array("\(header)time \(timestamp)\n\(body)".utf8)
    }

    static func timestampBytes(_ timestamp: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: timestamp >> (56 - 8 * UInt64($0))) }
    }
}

/// A witness's Ed25519 cosigning key, as configured by whoever relies on its cosignatures.
public struct CosignatureVerifier: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public let publicKey: SigningPublicKey
    public let keyID: UInt32

    public init(name: String, publicKey: SigningPublicKey) throws(LogError) {
        guard TextRules.isValidKeyName(name) else { throw .invalidKeyName }
        self.name = name
        self.publicKey = publicKey
        keyID = KeyIdentity.keyID(name: name, type: KeyIdentity.cosignatureV1, publicKey: publicKey.bytes)
    }

    /// Parses `name+hhhhhhhh+base64(0x04 ‖ key)`; the embedded key ID must match the key.
    public init(vkey: String) throws(LogError) {
        let (name, publicKey) = try KeyIdentity.parseVkey(vkey, type: KeyIdentity.cosignatureV1)
        try self.init(name: name, publicKey: publicKey)
    }

    public var vkey: String {
        KeyIdentity.vkey(name: name, keyID: keyID, type: KeyIdentity.cosignatureV1, publicKey: publicKey)
    }

    public var description: String { "CosignatureVerifier(\(vkey))" }

    /// Verifies this witness's cosignature on a checkpoint note and returns its timestamp (the
    /// latest, should the witness have signed twice). Every line this key claims must verify.
    public func verify(_ note: SignedNote) throws(LogError) -> UInt64 {
        _ = try Checkpoint.parse(note.text)
        var latest: UInt64?
        for signature in note.signatures where claims(signature) {
            let timestamp = try verify(signature, body: note.text)
            latest = max(latest ?? 0, timestamp)
        }
        guard let latest else { throw .cosignatureMissing(cosigner: name) }
        return latest
    }

    func claims(_ signature: NoteSignature) -> Bool {
        signature.keyID == keyID && TextRules.sameBytes(signature.keyName, name)
    }

    private func verify(_ signature: NoteSignature, body: String) throws(LogError) -> UInt64 {
        let payload = signature.signature
        guard payload.count == CosignatureV1.payloadByteCount else { throw .cosignatureMalformed }
        let timestamp = payload[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard timestamp <= CosignatureV1.maxTimestamp else { throw .cosignatureTimestampOutOfRange }
        let message = CosignatureV1.message(body: body, timestamp: timestamp)
        guard publicKey.isValidSignature(Array(payload[8...]), for: message) else {
            throw .cosignatureInvalid(cosigner: name)
        }
        return timestamp
    }
}

/// A witness's Ed25519 cosigning key. Holds the secret key; never printed.
public struct CosignatureSigner: Sendable, CustomStringConvertible {
    public let name: String
    public let keyID: UInt32
    private let secretKey: any MessageSigner

    public init(name: String, secretKey: any MessageSigner) throws(LogError) {
        guard TextRules.isValidKeyName(name) else { throw .invalidKeyName }
        self.name = name
        self.secretKey = secretKey
        keyID = KeyIdentity.keyID(name: name, type: KeyIdentity.cosignatureV1, publicKey: secretKey.publicKey.bytes)
    }

    public var verifier: CosignatureVerifier {
        // The name was validated above, so this cannot fail.
        try! CosignatureVerifier(name: name, publicKey: secretKey.publicKey)
    }

    /// The cosignature line for `checkpoint` at `timestamp` (POSIX seconds), ready for
    /// `SignedNote.adding(_:)`. The witness must have checked consistency before calling this.
    public func cosign(_ checkpoint: Checkpoint, timestamp: UInt64) throws(LogError) -> NoteSignature {
        guard timestamp <= CosignatureV1.maxTimestamp else { throw .cosignatureTimestampOutOfRange }
        let message = CosignatureV1.message(body: checkpoint.body, timestamp: timestamp)
        let signature: [UInt8]
        do { signature = try secretKey.signature(for: message) } catch { throw .signerUnavailable }
        let payload = CosignatureV1.timestampBytes(timestamp) + signature
        return NoteSignature(unchecked: name, keyID: keyID, signature: payload)
    }

    public var description: String { "CosignatureSigner(\(name), keyID: \(Hex.encode(KeyIdentity.bytes(keyID))))" }
}

/// A cosignature that verified, with the time the witness vouched for the checkpoint.
public struct VerifiedCosignature: Hashable, Sendable {
    public let cosigner: CosignatureVerifier
    public let timestamp: UInt64
}

extension SignedNote {
    /// The valid cosignatures on this checkpoint note from the given witnesses, at most one per
    /// public key. A witness with no line is skipped; a line that a witness's name and key ID
    /// claim but that fails throws. One key counts once even if configured under two names:
    /// the v1 message does not commit to the name, so a line could be copied under the other.
    public func cosignatures(by cosigners: [CosignatureVerifier]) throws(LogError) -> [VerifiedCosignature] {
        var found: [VerifiedCosignature] = []
        for cosigner in cosigners where signatures.contains(where: cosigner.claims) {
            let timestamp = try cosigner.verify(self)
            if !found.contains(where: { $0.cosigner.publicKey == cosigner.publicKey }) {
                found.append(VerifiedCosignature(cosigner: cosigner, timestamp: timestamp))
            }
        }
        return found
    }
}
