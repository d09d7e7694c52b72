import SodiumKit

/// A trusted Ed25519 note key (signed-note signature type 0x01), as configured by the verifier.
public struct NoteVerifier: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public let publicKey: SigningPublicKey
    public let keyID: UInt32

    public init(name: String, publicKey: SigningPublicKey) throws(LogError) {
        guard TextRules.isValidKeyName(name) else { throw .invalidKeyName }
        self.name = name
        self.publicKey = publicKey
        keyID = KeyIdentity.keyID(name: name, type: KeyIdentity.ed25519, publicKey: publicKey.bytes)
    }

    /// Parses `name+hhhhhhhh+base64(0x01 ‖ key)`; the embedded key ID must match the key.
    public init(vkey: String) throws(LogError) {
        let (name, publicKey) = try KeyIdentity.parseVkey(vkey, type: KeyIdentity.ed25519)
        try self.init(name: name, publicKey: publicKey)
    }

    public var vkey: String {
        KeyIdentity.vkey(name: name, keyID: keyID, type: KeyIdentity.ed25519, publicKey: publicKey)
    }

    public var description: String { "NoteVerifier(\(vkey))" }

    /// A signature line is this key's if, and only if, both name and key ID match.
    func claims(_ signature: NoteSignature) -> Bool {
        signature.keyID == keyID && TextRules.sameBytes(signature.keyName, name)
    }
}

/// An Ed25519 note signing key with its name. Holds the secret key; never printed.
public struct NoteSigner: Sendable, CustomStringConvertible {
    public let name: String
    public let keyID: UInt32
    private let secretKey: any MessageSigner

    public init(name: String, secretKey: any MessageSigner) throws(LogError) {
        guard TextRules.isValidKeyName(name) else { throw .invalidKeyName }
        self.name = name
        self.secretKey = secretKey
        keyID = KeyIdentity.keyID(name: name, type: KeyIdentity.ed25519, publicKey: secretKey.publicKey.bytes)
    }

    public var verifier: NoteVerifier {
        // The name was validated above, so this cannot fail.
        try! NoteVerifier(name: name, publicKey: secretKey.publicKey)
    }

    /// The Ed25519 signature over the note text, as a signature line's content.
    func signature(forText text: String) throws(LogError) -> NoteSignature {
        do { return NoteSignature(unchecked: name, keyID: keyID, signature: try secretKey.signature(for: Array(text.utf8))) } catch {
            throw .signerUnavailable
        }
    }

    public var description: String { "NoteSigner(\(name), keyID: \(Hex.encode(KeyIdentity.bytes(keyID))))" }
}

/// One signature line of a note, verified or not: `— <key name> base64(key ID ‖ signature)`.
public struct NoteSignature: Hashable, Sendable {
    public let keyName: String
    public let keyID: UInt32
    /// The bytes after the key ID; their meaning depends on the key's signature type.
    public let signature: [UInt8]

    public init(keyName: String, keyID: UInt32, signature: [UInt8]) throws(LogError) {
        guard TextRules.isValidKeyName(keyName) else { throw .invalidKeyName }
        guard !signature.isEmpty else { throw .noteSignatureTooShort }
        self.init(unchecked: keyName, keyID: keyID, signature: signature)
    }

    init(unchecked keyName: String, keyID: UInt32, signature: [UInt8]) {
        self.keyName = keyName
        self.keyID = keyID
        self.signature = signature
    }

    /// The line without its final newline.
    public var line: String {
        "\(SignedNote.signaturePrefix)\(keyName) \(Base64.encode(KeyIdentity.bytes(keyID) + signature))"
    }
}
