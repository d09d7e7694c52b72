import CSodium

/// Non-secret random bytes (nonces, ids, salts) from `randombytes_buf`.
public enum Random {
    public static func bytes(_ count: Int) -> [UInt8] {
        precondition((try? Sodium.ready()) != nil, "libsodium could not be initialised")
        var out = [UInt8](repeating: 0, count: count)
        if count > 0 { randombytes_buf(&out, count) }
        return out
    }
}
