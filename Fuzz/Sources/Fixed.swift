import AccessPolicy
@testable import CaseVaultCore
import SodiumKit
import TransparencyLog

/// Keys the targets check against. Public test keys only: the handover test vector's police
/// recipient (derived from public labels, see Tests/.../handover-vector/README.md) and keys
/// made from constant seeds, so committed seeds signed with them stay valid.
enum Fixed {
    static func secret(hex: String) -> SecureBytes {
        var bytes = Hex.decode(hex)!
        return try! SecureBytes(consuming: &bytes)
    }
    static func secret(repeating byte: UInt8) -> SecureBytes {
        var bytes = [UInt8](repeating: byte, count: 32)
        return try! SecureBytes(consuming: &bytes)
    }

    /// The handover vector's recipient, so the vector's bundle opens and mutations of it reach deep.
    static let recipient = SecretIdentity(
        boxKey: try! BoxSecretKey(secret: secret(hex: "b4999bd4e147fa8cbbe8e98d1ba810fc0cc21b610e3205e113b7f144fac7f0e9")),
        signingKey: try! SigningSecretKey(seed: secret(hex: "8d01a66c963347cdb3c4c17e2dda53f60c32e9cbaaed546a228f52dd3924f2ad")))
    static let vectorTrustedRoot = "3cd6 bcdf c3e6 da56 cafe 7fb5 51d8 abb5"
    static let vectorOpenAt = Timestamp(rfc3339: "2026-11-25T12:00:00Z")!

    static let vaultID = VaultID(unchecked: [UInt8](repeating: 7, count: 16))
    static let root = try! SigningSecretKey(seed: secret(repeating: 3))
    static let witness = try! SigningSecretKey(seed: secret(repeating: 4))
    static let member = SecretIdentity(boxKey: try! BoxSecretKey(secret: secret(repeating: 5)),
                                       signingKey: try! SigningSecretKey(seed: secret(repeating: 6)))
    static let origin = LogNames.origin(of: vaultID)
    static let logVerifier = try! NoteVerifier(name: origin, publicKey: root.publicKey)
    static let logSigner = try! NoteSigner(name: origin, secretKey: root)
    static let cosigner = try! CosignatureVerifier(name: "witness.example", publicKey: witness.publicKey)
}
