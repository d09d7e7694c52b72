import SodiumKit

/// The passphrase-protected key file (docs/FORMAT.md, "Key file"). Argon2id derives a key that
/// XChaCha20-Poly1305 uses to seal the secret seeds; the whole clear header is the AEAD's
/// associated data. A trailing unkeyed BLAKE2b checksum tells a corrupt file from a wrong passphrase.
public enum KeyFile {
    static let magic = Array("CVKEY\u{0}\u{0}\u{0}".utf8)
    static let version: UInt8 = 1
    static let kdfArgon2id13: UInt8 = 1
    static let checksumDomain = Array("casevault/v1/keyfile-checksum\0".utf8)

    /// Serialises `identity` under `passphrase` with fresh salt and nonce.
    public static func encode(_ identity: SecretIdentity, passphrase: SecureBytes,
                              limits: PasswordKDF.Limits? = nil) throws(VaultError) -> [UInt8] {
        let limits = limits ?? KDFSettings.forNewFiles
        let salt = Random.bytes(PasswordKDF.saltByteCount)
        let nonce = XChaCha20Poly1305.randomNonce()
        var header = ByteWriter()
        header.raw(magic)
        header.u8(version)
        header.u8(kdfArgon2id13)
        header.u64(limits.opsLimit)
        header.u64(limits.memLimit)
        header.raw(salt)
        header.raw(nonce)
        header.raw(identity.boxKey.publicKey.bytes)
        header.raw(identity.signingKey.publicKey.bytes)
        if let root = identity.centreRootKey {
            header.u8(1)
            header.raw(root.publicKey.bytes)
        } else {
            header.u8(0)
        }
        do {
            let key = try PasswordKDF.deriveKey(passphrase: passphrase, salt: salt, limits: limits)
            let plaintext = try secretPayload(identity)
            let ct = try plaintext.withUnsafeBytes { p throws(CryptoError) in
                try XChaCha20Poly1305.seal(bytes: p, key: key, nonce: nonce, associatedData: header.bytes)
            }
            var out = header
            out.data(ct)
            out.raw(BLAKE2b.hash(checksumDomain + out.bytes))
            return out.bytes
        } catch { throw .io("cannot protect the key file: \(error)") }
    }

    /// The public half, readable without the passphrase (for `identity show`).
    public static func publicIdentity(of bytes: [UInt8]) throws(VaultError) -> PublicIdentity {
        try parse(bytes).publicIdentity
    }

    public static func decode(_ bytes: [UInt8], passphrase: SecureBytes) throws(VaultError) -> SecretIdentity {
        let parsed = try parse(bytes)
        guard parsed.limits.isAtLeast(KDFSettings.minimumAccepted) else {
            throw .refused("key file uses a password-hashing work factor below the interactive minimum")
        }
        guard KDFSettings.maximumAccepted.isAtLeast(parsed.limits) else {
            throw .format("key file asks for a password-hashing work factor above the accepted maximum")
        }
        let plaintext: SecureBytes
        do {
            let key = try PasswordKDF.deriveKey(passphrase: passphrase, salt: parsed.salt, limits: parsed.limits)
            plaintext = try XChaCha20Poly1305.open(parsed.ciphertext, key: key, nonce: parsed.nonce, associatedData: parsed.header)
        } catch CryptoError.authenticationFailed {
            throw .auth("wrong passphrase for this key file", cause: WrongPassphrase())
        } catch { throw .io("cannot open the key file: \(error)") }
        let expected = 64 + (parsed.rootKey == nil ? 0 : 32)
        guard plaintext.count == expected else { throw .format("key file is corrupt (payload length)") }
        do {
            let box = try BoxSecretKey(secret: try slice(plaintext, 0, 32))
            let sign = try SigningSecretKey(seed: try slice(plaintext, 32, 32))
            let root = parsed.rootKey == nil ? nil : try SigningSecretKey(seed: try slice(plaintext, 64, 32))
            let identity = SecretIdentity(boxKey: box, signingKey: sign, centreRootKey: root)
            guard identity.publicIdentity == parsed.publicIdentity, root?.publicKey == parsed.rootKey else {
                throw VaultError.format("key file is corrupt (public keys do not match the secret keys)")
            }
            return identity
        } catch let e as VaultError { throw e } catch { throw .format("key file is corrupt") }
    }

    private struct Parsed {
        var header: [UInt8]
        var limits: PasswordKDF.Limits
        var salt: [UInt8]
        var nonce: [UInt8]
        var publicIdentity: PublicIdentity
        var rootKey: SigningPublicKey?
        var ciphertext: [UInt8]
    }

    private static func parse(_ bytes: [UInt8]) throws(VaultError) -> Parsed {
        guard bytes.count > magic.count + 1, Array(bytes.prefix(magic.count)) == magic else {
            throw .format("not a CaseVault key file")
        }
        guard bytes[magic.count] == version else {
            throw .format("key file version \(bytes[magic.count]) is not supported (this program reads version \(version))")
        }
        guard bytes.count > 32 else { throw .format("key file is corrupt (truncated)") }
        let body = Array(bytes.dropLast(32))
        guard Memory.constantTimeEquals(BLAKE2b.hash(checksumDomain + body), Array(bytes.suffix(32))) else {
            throw .format("key file is corrupt (checksum mismatch)")
        }
        var r = ByteReader(body)
        do {
            _ = try r.raw(magic.count + 1)
            guard try r.u8() == kdfArgon2id13 else { throw VaultError.format("key file names an unknown key-derivation function") }
            let limits = PasswordKDF.Limits(opsLimit: try r.u64(), memLimit: try r.u64())
            let salt = try r.raw(PasswordKDF.saltByteCount)
            let nonce = try r.raw(XChaCha20Poly1305.nonceByteCount)
            let identity = PublicIdentity(boxKey: try BoxPublicKey(bytes: try r.raw(32)), signingKey: try SigningPublicKey(bytes: try r.raw(32)))
            let hasRoot = try r.u8()
            guard hasRoot <= 1 else { throw VaultError.format("key file is corrupt (flag)") }
            let root = hasRoot == 1 ? try SigningPublicKey(bytes: try r.raw(32)) : nil
            let header = Array(body.prefix(r.offset))
            let ct = try r.data(max: 4096)
            try r.expectEnd()
            return Parsed(header: header, limits: limits, salt: salt, nonce: nonce, publicIdentity: identity, rootKey: root, ciphertext: ct)
        } catch let e as VaultError { throw e } catch { throw .format("key file is corrupt (layout)") }
    }

    private static func secretPayload(_ identity: SecretIdentity) throws(CryptoError) -> SecureBytes {
        let total = 64 + (identity.centreRootKey == nil ? 0 : 32)
        return try SecureBytes(count: total) { out in
            identity.boxKey.withUnsafeSecretBytes { out.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: 32) }
            identity.signingKey.withUnsafeSeedBytes { (out.baseAddress! + 32).copyMemory(from: $0.baseAddress!, byteCount: 32) }
            identity.centreRootKey?.withUnsafeSeedBytes { (out.baseAddress! + 64).copyMemory(from: $0.baseAddress!, byteCount: 32) }
        }
    }

    private static func slice(_ s: SecureBytes, _ from: Int, _ n: Int) throws(CryptoError) -> SecureBytes {
        try SecureBytes(count: n) { out in
            s.withUnsafeBytes { out.baseAddress!.copyMemory(from: $0.baseAddress! + from, byteCount: n) }
        }
    }
}

extension KeyFile {
    /// Writes a new key file: refuses Keys/ folders, creates with O_EXCL and mode 0600.
    public static func write(_ identity: SecretIdentity, to path: String, passphrase: SecureBytes) throws(VaultError) {
        try SecureFile.refuseKeysFolder(path)
        let bytes = try encode(identity, passphrase: passphrase)
        try SecureFile.createExclusive(path, bytes)
    }

    /// Loads a key file after checking that only its owner can read it.
    public static func load(from path: String, passphrase: SecureBytes) throws(VaultError) -> SecretIdentity {
        try decode(try SecureFile.readPrivate(path, what: "key file"), passphrase: passphrase)
    }

    public static func loadPublic(from path: String) throws(VaultError) -> PublicIdentity {
        try publicIdentity(of: try SecureFile.read(path, what: "key file"))
    }
}

/// The cause of a key file that did not open with the passphrase given (as opposed to any other
/// refusal met while opening a session), so a caller can say where the passphrase came from.
public struct WrongPassphrase: Error {}
