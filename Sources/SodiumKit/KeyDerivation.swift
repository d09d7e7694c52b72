import CSodium

/// `crypto_kdf_derive_from_key`: keyed BLAKE2b with an 8-byte context as personalisation and a
/// 64-bit subkey id as salt. The master key must be 32 uniformly random bytes.
public enum KeyDerivation {
    public static let contextByteCount = 8
    public static let masterKeyByteCount = 32

    /// A subkey of `length` bytes (16…64) into secure memory. `context` is exactly 8 ASCII bytes.
    public static func derive(length: Int, id: UInt64, context: String, masterKey: UnsafeRawBufferPointer) throws(CryptoError) -> SecureBytes {
        try Sodium.ready()
        let ctx = Array(context.utf8)
        try requireLength("kdf context", ctx, contextByteCount)
        guard masterKey.count == masterKeyByteCount else {
            throw .invalidLength(what: "kdf master key", expected: masterKeyByteCount, actual: masterKey.count)
        }
        guard length >= 16 && length <= 64 else { throw .invalidLength(what: "kdf subkey", expected: 32, actual: length) }
        return try SecureBytes(count: length) { (out) throws(CryptoError) in
            let rc = ctx.withUnsafeBufferPointer { c in
                c.withMemoryRebound(to: CChar.self) { c in
                    crypto_kdf_derive_from_key(out.bindMemory(to: UInt8.self).baseAddress!, length, id, c.baseAddress!,
                                               masterKey.bindMemory(to: UInt8.self).baseAddress!)
                }
            }
            guard rc == 0 else { throw .invalidLength(what: "kdf subkey", expected: 32, actual: length) }
        }
    }

    public static func derive(length: Int, id: UInt64, context: String, masterKey: SecureBytes) throws(CryptoError) -> SecureBytes {
        try masterKey.withUnsafeBytes { k throws(CryptoError) in try derive(length: length, id: id, context: context, masterKey: k) }
    }
}
