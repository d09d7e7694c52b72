@testable import CaseVaultCore
import SodiumKit

/// Decrypting a stored field with nothing but a class key and FORMAT.md, as someone reading
/// vault.sqlite directly would: no Opener, no chain checks.
enum RawField {
    /// The value of `f` under `key`, or nil when the key does not open it. `format` is that of
    /// the version that defined the field's key.
    static func open(_ f: CaseVersion.Field, key: SymmetricKey, format: UInt8, vault: VaultID, caseID: CaseID) -> FieldValue? {
        guard format >= 2 else {
            let ad = CaseVersion.associatedData(vault: vault, caseID: caseID, origin: f.origin, key: f.key, path: f.path)
            guard let plain = try? XChaCha20Poly1305.open(f.ciphertext, key: key, nonce: f.nonce, associatedData: ad) else { return nil }
            return try? FieldValue.decode(plain)
        }
        let ad = CaseVersion.associatedData(vault: vault, caseID: caseID, origin: f.origin, key: f.key, path: f.path, format: 2, vc: f.vc)
        var buffer = [UInt8](repeating: 0, count: max(0, f.ciphertext.count - 16))
        defer { Memory.zero(&buffer) }
        guard let n = try? buffer.withUnsafeMutableBytes({
            try XChaCha20Poly1305.open(f.ciphertext, key: key, subkeyContext: FieldCrypto.fieldKeyContext(f.path), nonce: f.nonce, associatedData: ad, into: $0)
        }), n > 32, let value = try? Padding.unpad(Array(buffer[32..<n]), blockSize: n - 32) else { return nil }
        return try? value.withUnsafeBytes { try FieldValue.decode($0) }
    }

    /// Every class key that one of `boxes` (a reader's own box key and the role keys whose seeds
    /// are sealed to them) opens in `chain`, by reference.
    static func classKeys(in chain: [CaseVersion], boxes: [BoxSecretKey]) -> [CaseVersion.KeyRef: SymmetricKey] {
        var keys: [CaseVersion.KeyRef: SymmetricKey] = [:]
        for v in chain {
            for cls in v.classes {
                // Every envelope, whoever it is labelled for, with every key: a label proves nothing.
                for e in cls.envelopes {
                    for box in boxes {
                        guard let s = try? SealedBox.open(e.sealedKey, with: box), let k = try? SymmetricKey(secret: s) else { continue }
                        keys[.init(generation: v.version, index: cls.index)] = k
                    }
                }
            }
        }
        return keys
    }

    /// The fields of `v` that any of `keys` opens (each key is tried on each field).
    static func readable(_ v: CaseVersion, chain: [CaseVersion], keys: [CaseVersion.KeyRef: SymmetricKey]) -> [String: FieldValue] {
        var out: [String: FieldValue] = [:]
        for f in v.fields {
            let format = Opener.format(ofGeneration: f.key.generation, in: chain)
            for key in keys.values {
                if let value = open(f, key: key, format: format, vault: v.vaultID, caseID: v.caseID) { out[f.path] = value }
            }
        }
        return out
    }
}
