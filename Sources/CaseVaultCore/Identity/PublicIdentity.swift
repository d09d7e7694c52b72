import SodiumKit

/// The public half of a person's or office's identity: where to seal keys, and how to check signatures.
public struct PublicIdentity: Hashable, Sendable {
    public let boxKey: BoxPublicKey
    public let signingKey: SigningPublicKey

    public init(boxKey: BoxPublicKey, signingKey: SigningPublicKey) {
        self.boxKey = boxKey
        self.signingKey = signingKey
    }

    static let textPrefix = "casevault-identity-v1"

    /// One line to publish and paste: `casevault-identity-v1 <base64 X25519> <base64 Ed25519>`.
    public var text: String { "\(Self.textPrefix) \(Base64.encode(boxKey.bytes)) \(Base64.encode(signingKey.bytes))" }

    public init(text: String) throws(VaultError) {
        let parts = text.trimmingSuffixNewline().split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == Self.textPrefix,
              let box = Base64.decode(parts[1]), let sign = Base64.decode(parts[2]),
              let boxKey = try? BoxPublicKey(bytes: box), let signingKey = try? SigningPublicKey(bytes: sign)
        else { throw .input("not a CaseVault public identity (expected \"\(Self.textPrefix) <box key> <signing key>\")") }
        self.init(boxKey: boxKey, signingKey: signingKey)
    }

    /// What people compare out loud before trusting a key: BLAKE2b-256 over a domain string and
    /// both public keys, first 16 bytes, as eight groups of four hex digits.
    public var fingerprint: String { Fingerprint.format(Self.fingerprintBytes(boxKey: boxKey.bytes, signingKey: signingKey.bytes)) }

    static func fingerprintBytes(boxKey: [UInt8], signingKey: [UInt8]) -> [UInt8] {
        Array(BLAKE2b.hash(Array("casevault/v1/identity-fingerprint\0".utf8) + boxKey + signingKey).prefix(16))
    }
}

package enum Fingerprint {
    static func format(_ bytes: [UInt8]) -> String {
        let hex = Array(Hex.encode(bytes))
        return stride(from: 0, to: hex.count, by: 4).map { String(hex[$0..<min($0 + 4, hex.count)]) }.joined(separator: " ")
    }

    /// The centre root's fingerprint: BLAKE2b-256 over a domain string and the Ed25519 key, 16 bytes.
    package static func root(_ key: SigningPublicKey) -> String {
        format(Array(BLAKE2b.hash(Array("casevault/v1/root-fingerprint\0".utf8) + key.bytes).prefix(16)))
    }
}

extension StringProtocol {
    func trimmingSuffixNewline() -> String {
        var s = String(self)
        while s.hasSuffix("\n") || s.hasSuffix("\r") { s.removeLast() }
        return s
    }
}
