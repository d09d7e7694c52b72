import SodiumKit

/// Key IDs and vkey strings (c2sp.org/signed-note): the ID is the first four bytes of
/// SHA-256(name ‖ 0x0A ‖ signature type ‖ public key), read big-endian.
enum KeyIdentity {
    static let ed25519: UInt8 = 0x01
    static let cosignatureV1: UInt8 = 0x04

    static func keyID(name: String, type: UInt8, publicKey: [UInt8]) -> UInt32 {
        let digest = SHA256.hash(Array(name.utf8) + [TextRules.newline, type] + publicKey)
        return read(digest[0..<4])
    }

    static func read(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }

    static func bytes(_ id: UInt32) -> [UInt8] {
        [UInt8(id >> 24), UInt8(id >> 16 & 0xff), UInt8(id >> 8 & 0xff), UInt8(id & 0xff)]
    }

    /// `name+hhhhhhhh+base64(type ‖ key)`, the form Go's sumdb/note and the C2SP tools exchange.
    static func vkey(name: String, keyID: UInt32, type: UInt8, publicKey: SigningPublicKey) -> String {
        "\(name)+\(Hex.encode(bytes(keyID)))+\(Base64.encode([type] + publicKey.bytes))"
    }

    /// Parses a vkey of the given type. The key ID in the string must equal the derived one, so a
    /// vkey cannot smuggle in an ID that some other key would answer to.
    static func parseVkey(_ text: String, type: UInt8) throws(LogError) -> (name: String, publicKey: SigningPublicKey) {
        // The name holds no '+', so the first two '+' are separators; base64 may contain more.
        let parts = text.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .invalidVerifierKey }
        let name = String(parts[0])
        guard TextRules.isValidKeyName(name) else { throw .invalidVerifierKey }
        guard parts[1].utf8.count == 8, let idBytes = Hex.decode(String(parts[1])),
              let material = Base64.decode(parts[2]), material.count == 1 + SigningPublicKey.byteCount,
              material[0] == type, let publicKey = try? SigningPublicKey(bytes: Array(material.dropFirst()))
        else { throw .invalidVerifierKey }
        guard read(idBytes[...]) == keyID(name: name, type: type, publicKey: publicKey.bytes) else {
            throw .invalidVerifierKey
        }
        return (name, publicKey)
    }
}
