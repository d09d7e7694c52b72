import SodiumKit

/// The passphrase-protected key file (docs/FORMAT.md, "Key file"). Argon2id derives a key that
/// XChaCha20-Poly1305 uses to seal the secret seeds; the whole clear header is the AEAD's
/// associated data. A trailing unkeyed BLAKE2b checksum tells a corrupt file from a wrong passphrase.
///
/// Version 2 files hold exactly one kind of key: a member's daily keys, or the centre root key
/// (kept offline, asked for only by what the root signs). Version 1 files are still read when they
/// hold a member's keys alone; one that also carries the centre root is refused until it is split.
public enum KeyFile {
    static let magic = Array("CVKEY\u{0}\u{0}\u{0}".utf8)
    static let version: UInt8 = 2
    static let legacyVersion: UInt8 = 1
    static let kdfArgon2id13: UInt8 = 1
    static let checksumDomain = Array("casevault/v1/keyfile-checksum\0".utf8)

    /// What a version 2 file holds.
    enum Kind: UInt8 {
        case member = 1
        case centreRoot = 2
    }

    /// The command that turns a version 1 file holding the root into two files.
    static let splitHint = "casevault identity split-root --identity FILE --root-key-out ROOTFILE"

    /// Serialises a member's keys under `passphrase` with fresh salt and nonce. The centre root
    /// key never goes into a member's file: `RootKeyFile` writes it to its own.
    public static func encode(_ identity: SecretIdentity, passphrase: SecureBytes,
                              limits: PasswordKDF.Limits? = nil) throws(VaultError) -> [UInt8] {
        var publicPart = identity.boxKey.publicKey.bytes
        publicPart += identity.signingKey.publicKey.bytes
        return try seal(kind: .member, publicPart: publicPart, passphrase: passphrase, limits: limits) { out in
            identity.boxKey.withUnsafeSecretBytes { out.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: 32) }
            identity.signingKey.withUnsafeSeedBytes { (out.baseAddress! + 32).copyMemory(from: $0.baseAddress!, byteCount: 32) }
        }
    }

    /// Serialises the centre root signing key alone.
    static func encodeRoot(_ root: SigningSecretKey, passphrase: SecureBytes, limits: PasswordKDF.Limits? = nil) throws(VaultError) -> [UInt8] {
        try seal(kind: .centreRoot, publicPart: root.publicKey.bytes, passphrase: passphrase, limits: limits) { out in
            root.withUnsafeSeedBytes { out.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: 32) }
        }
    }

    private static func seal(kind: Kind, publicPart: [UInt8], passphrase: SecureBytes, limits: PasswordKDF.Limits?,
                             secrets: (UnsafeMutableRawBufferPointer) -> Void) throws(VaultError) -> [UInt8] {
        let limits = limits ?? KDFSettings.forNewFiles
        let salt = Random.bytes(PasswordKDF.saltByteCount)
        let nonce = XChaCha20Poly1305.randomNonce()
        var header = ByteWriter()
        header.raw(magic)
        header.u8(version)
        header.u8(kind.rawValue)
        header.u8(kdfArgon2id13)
        header.u64(limits.opsLimit)
        header.u64(limits.memLimit)
        header.raw(salt)
        header.raw(nonce)
        header.raw(publicPart)
        do {
            let key = try PasswordKDF.deriveKey(passphrase: passphrase, salt: salt, limits: limits)
            let plaintext = try SecureBytes(count: kind.secretByteCount) { out in secrets(out) }
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
        let parsed = try parse(bytes)
        guard let identity = parsed.publicIdentity else {
            throw .input("this is the centre root key file, not a member's key file; give your own key file")
        }
        return identity
    }

    /// A member's keys. A centre root key file, or a version 1 file still holding the root, is refused.
    public static func decode(_ bytes: [UInt8], passphrase: SecureBytes) throws(VaultError) -> SecretIdentity {
        let parsed = try parse(bytes)
        guard parsed.publicIdentity != nil else {
            throw .input("this is the centre root key file, not a member's key file; give your own key file")
        }
        guard parsed.rootKey == nil else {
            throw .refused("this key file still holds the centre root key beside your own keys; move the root to its own file with `\(splitHint)`")
        }
        guard let member = try open(parsed, passphrase: passphrase).member else { throw .format("key file is corrupt") }
        return member
    }

    /// The centre root key from its own file.
    static func decodeRoot(_ bytes: [UInt8], passphrase: SecureBytes) throws(VaultError) -> SigningSecretKey {
        let parsed = try parse(bytes)
        guard parsed.publicIdentity == nil, parsed.rootKey != nil else {
            if parsed.rootKey != nil {
                throw .refused("this key file holds the centre root key beside a member's keys; move it to its own file with `\(splitHint)`")
            }
            throw .input("this is a member's key file, not the centre root key file")
        }
        guard let root = try open(parsed, passphrase: passphrase).root else { throw .format("key file is corrupt") }
        return root
    }

    /// Both halves of a version 1 file that carries the centre root (for `identity split-root`).
    static func decodeCombined(_ bytes: [UInt8], passphrase: SecureBytes) throws(VaultError) -> (member: SecretIdentity, root: SigningSecretKey?) {
        let parsed = try parse(bytes)
        guard parsed.publicIdentity != nil else { throw .input("this is already a centre root key file") }
        let opened = try open(parsed, passphrase: passphrase)
        guard let member = opened.member else { throw .format("key file is corrupt") }
        return (member, opened.root)
    }

    private static func open(_ parsed: Parsed, passphrase: SecureBytes) throws(VaultError) -> (member: SecretIdentity?, root: SigningSecretKey?) {
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
        let expected = (parsed.publicIdentity == nil ? 0 : 64) + (parsed.rootKey == nil ? 0 : 32)
        guard plaintext.count == expected else { throw .format("key file is corrupt (payload length)") }
        do {
            var member: SecretIdentity?
            var offset = 0
            if let identity = parsed.publicIdentity {
                let box = try BoxSecretKey(secret: try slice(plaintext, 0, 32))
                let sign = try SigningSecretKey(seed: try slice(plaintext, 32, 32))
                member = SecretIdentity(boxKey: box, signingKey: sign)
                offset = 64
                guard member?.publicIdentity == identity else {
                    throw VaultError.format("key file is corrupt (public keys do not match the secret keys)")
                }
            }
            let root = parsed.rootKey == nil ? nil : try SigningSecretKey(seed: try slice(plaintext, offset, 32))
            guard root?.publicKey == parsed.rootKey else { throw VaultError.format("key file is corrupt (public keys do not match the secret keys)") }
            return (member, root)
        } catch let e as VaultError { throw e } catch { throw .format("key file is corrupt") }
    }

    private struct Parsed {
        var header: [UInt8]
        var limits: PasswordKDF.Limits
        var salt: [UInt8]
        var nonce: [UInt8]
        var publicIdentity: PublicIdentity?
        var rootKey: SigningPublicKey?
        var ciphertext: [UInt8]
    }

    private static func parse(_ bytes: [UInt8]) throws(VaultError) -> Parsed {
        guard bytes.count > magic.count + 1, Array(bytes.prefix(magic.count)) == magic else {
            throw .format("not a CaseVault key file")
        }
        let fileVersion = bytes[magic.count]
        guard fileVersion == version || fileVersion == legacyVersion else {
            throw .format("key file version \(fileVersion) is not supported (this program reads versions \(legacyVersion) and \(version))")
        }
        guard bytes.count > 32 else { throw .format("key file is corrupt (truncated)") }
        let body = Array(bytes.dropLast(32))
        guard Memory.constantTimeEquals(BLAKE2b.hash(checksumDomain + body), Array(bytes.suffix(32))) else {
            throw .format("key file is corrupt (checksum mismatch)")
        }
        var r = ByteReader(body)
        do {
            _ = try r.raw(magic.count + 1)
            let kind: Kind
            if fileVersion == version {
                guard let k = Kind(rawValue: try r.u8()) else { throw VaultError.format("key file names an unknown kind of key") }
                kind = k
            } else {
                kind = .member
            }
            guard try r.u8() == kdfArgon2id13 else { throw VaultError.format("key file names an unknown key-derivation function") }
            let limits = PasswordKDF.Limits(opsLimit: try r.u64(), memLimit: try r.u64())
            let salt = try r.raw(PasswordKDF.saltByteCount)
            let nonce = try r.raw(XChaCha20Poly1305.nonceByteCount)
            var identity: PublicIdentity?
            var root: SigningPublicKey?
            switch kind {
            case .member:
                identity = PublicIdentity(boxKey: try BoxPublicKey(bytes: try r.raw(32)), signingKey: try SigningPublicKey(bytes: try r.raw(32)))
                if fileVersion == legacyVersion {
                    let hasRoot = try r.u8()
                    guard hasRoot <= 1 else { throw VaultError.format("key file is corrupt (flag)") }
                    if hasRoot == 1 { root = try SigningPublicKey(bytes: try r.raw(32)) }
                }
            case .centreRoot:
                root = try SigningPublicKey(bytes: try r.raw(32))
            }
            let header = Array(body.prefix(r.offset))
            let ct = try r.data(max: 4096)
            try r.expectEnd()
            return Parsed(header: header, limits: limits, salt: salt, nonce: nonce, publicIdentity: identity, rootKey: root, ciphertext: ct)
        } catch let e as VaultError { throw e } catch { throw .format("key file is corrupt (layout)") }
    }

    private static func slice(_ s: SecureBytes, _ from: Int, _ n: Int) throws(CryptoError) -> SecureBytes {
        try SecureBytes(count: n) { out in
            s.withUnsafeBytes { out.baseAddress!.copyMemory(from: $0.baseAddress! + from, byteCount: n) }
        }
    }
}

extension KeyFile.Kind {
    var secretByteCount: Int { self == .member ? 64 : 32 }
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
