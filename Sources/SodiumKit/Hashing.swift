import CSodium

/// SHA-256 (`crypto_hash_sha256`), used where a standard demands it (RFC 6962, C2SP key ids).
public enum SHA256 {
    public static let byteCount = 32

    public static func hash(_ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: byteCount)
        _ = crypto_hash_sha256(&out, data, UInt64(data.count))
        return out
    }

    /// Hashes `prefix ‖ a ‖ b` without building the concatenation (Merkle nodes).
    public static func hash(prefix: UInt8, _ a: [UInt8], _ b: [UInt8] = []) -> [UInt8] {
        var state = crypto_hash_sha256_state()
        _ = crypto_hash_sha256_init(&state)
        var p = prefix
        _ = crypto_hash_sha256_update(&state, &p, 1)
        _ = crypto_hash_sha256_update(&state, a, UInt64(a.count))
        if !b.isEmpty { _ = crypto_hash_sha256_update(&state, b, UInt64(b.count)) }
        var out = [UInt8](repeating: 0, count: byteCount)
        _ = crypto_hash_sha256_final(&state, &out)
        return out
    }
}

/// BLAKE2b (`crypto_generichash`), used for CaseVault's own hashes, commitments and fingerprints.
public enum BLAKE2b {
    /// Unkeyed BLAKE2b with the given output length (16…64).
    public static func hash(_ data: [UInt8], outputLength: Int = 32) -> [UInt8] {
        checkOutputLength(outputLength)
        var out = [UInt8](repeating: 0, count: outputLength)
        let rc = crypto_generichash(&out, outputLength, data, UInt64(data.count), nil, 0)
        precondition(rc == 0, "crypto_generichash failed")
        return out
    }

    /// Keyed BLAKE2b: a MAC, or a commitment to a secret key that reveals nothing about it.
    public static func hash(_ data: [UInt8], key: SymmetricKey, outputLength: Int = 32) -> [UInt8] {
        checkOutputLength(outputLength)
        var out = [UInt8](repeating: 0, count: outputLength)
        let rc = key.withUnsafeBytes { k in
            crypto_generichash(&out, outputLength, data, UInt64(data.count), k.bindMemory(to: UInt8.self).baseAddress!, k.count)
        }
        precondition(rc == 0, "crypto_generichash failed")
        return out
    }

    /// Keyed BLAKE2b with a key held in secure memory (salted commitments).
    public static func hash(_ data: [UInt8], secretKey: SecureBytes, outputLength: Int = 32) -> [UInt8] {
        checkOutputLength(outputLength)
        // libsodium rejects keys over 64 bytes (leaving `out` zeroed); an empty key would silently
        // give the unkeyed hash. Either would make every commitment predictable.
        precondition((1...crypto_generichash_keybytes_max()).contains(secretKey.count),
                     "BLAKE2b key must be 1...\(crypto_generichash_keybytes_max()) bytes")
        var out = [UInt8](repeating: 0, count: outputLength)
        let rc = secretKey.withUnsafeBytes { k in
            crypto_generichash(&out, outputLength, data, UInt64(data.count), k.bindMemory(to: UInt8.self).baseAddress!, k.count)
        }
        precondition(rc == 0, "crypto_generichash failed")
        return out
    }

    /// libsodium leaves the output all zeros for a length outside 16…64; never return that as a hash.
    private static func checkOutputLength(_ n: Int) {
        precondition((crypto_generichash_bytes_min()...crypto_generichash_bytes_max()).contains(n),
                     "BLAKE2b output length must be 16...64, got \(n)")
    }
}
