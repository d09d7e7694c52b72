import CSodium

/// Argon2id (`crypto_pwhash`, `crypto_pwhash_ALG_ARGON2ID13`) turning a passphrase into a key.
public enum PasswordKDF {
    public static let saltByteCount = 16
    public static let algorithmArgon2id13 = Int32(crypto_pwhash_ALG_ARGON2ID13)

    /// Work factors stored beside each salt so a file can be opened with the factors it was made with.
    public struct Limits: Equatable, Sendable {
        public var opsLimit: UInt64
        public var memLimit: UInt64
        public init(opsLimit: UInt64, memLimit: UInt64) {
            self.opsLimit = opsLimit
            self.memLimit = memLimit
        }
        /// libsodium's interactive limits: the floor CaseVault accepts outside tests.
        public static let interactive = Limits(
            opsLimit: UInt64(crypto_pwhash_opslimit_interactive()), memLimit: UInt64(crypto_pwhash_memlimit_interactive()))
        /// libsodium's moderate limits: the default for new key files.
        public static let moderate = Limits(
            opsLimit: UInt64(crypto_pwhash_opslimit_moderate()), memLimit: UInt64(crypto_pwhash_memlimit_moderate()))
        /// libsodium's minimum limits. Only for tests, through the test-only setting.
        public static let testOnlyMinimum = Limits(
            opsLimit: UInt64(crypto_pwhash_opslimit_min()), memLimit: UInt64(crypto_pwhash_memlimit_min()))

        public func isAtLeast(_ other: Limits) -> Bool { opsLimit >= other.opsLimit && memLimit >= other.memLimit }
    }

    public static func deriveKey(passphrase: SecureBytes, salt: [UInt8], limits: Limits) throws(CryptoError) -> SymmetricKey {
        try Sodium.ready()
        try requireLength("salt", salt, saltByteCount)
        guard let memLimit = Int(exactly: limits.memLimit) else { throw .passwordHashingFailed }
        let key = try SecureBytes(count: SymmetricKey.byteCount) { (out) throws(CryptoError) in
            let rc = passphrase.withUnsafeBytes { p in
                crypto_pwhash(
                    out.bindMemory(to: UInt8.self).baseAddress!, UInt64(out.count),
                    p.bindMemory(to: CChar.self).baseAddress!, UInt64(p.count), salt,
                    limits.opsLimit, memLimit, algorithmArgon2id13)
            }
            guard rc == 0 else { throw .passwordHashingFailed }
        }
        return SymmetricKey(key)
    }
}
