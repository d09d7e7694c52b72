import SodiumKit

/// A free-text reason ("why I opened this case") never enters the log. It is encrypted in the
/// vault, sealed to the actor, the leaders and the auditors (a break-glass reason is metadata
/// the auditor reviews; it is not case content); the log holds only a salted commitment, so a
/// guessable reason cannot be confirmed from the log by trying candidates.
enum ReasonSeal {
    static let commitmentDomain = Array("casevault/v1/log-reason\0".utf8)

    /// Commitment: keyed BLAKE2b-256 with a random 32-byte salt as the key.
    static func commitment(reason: [UInt8], salt: SecureBytes) -> [UInt8] {
        BLAKE2b.hash(commitmentDomain + reason, secretKey: salt)
    }

    /// Returns the commitment for the log and the sealed blob for `log_reasons`.
    /// UTF-8 bytes, not Characters: one Character may be megabytes of combining marks.
    static let maxReasonBytes = 2000

    static func seal(_ reason: String, readers: [RosterEntry]) throws(VaultError) -> (commitment: [UInt8], sealed: [UInt8]) {
        guard !reason.isEmpty, reason.utf8.count <= maxReasonBytes else { throw .input("a reason must be 1–\(maxReasonBytes) bytes of UTF-8") }
        do {
            let salt = try SecureBytes.random(count: 32)
            var plain = salt.withUnsafeBytes { Array($0) } + Array(reason.utf8)
            defer { Memory.zero(&plain) }
            let key = try SymmetricKey.generate()
            let nonce = XChaCha20Poly1305.randomNonce()
            var w = ByteWriter()
            w.u32(UInt32(readers.count))
            for r in readers {
                w.string(r.id)
                w.data(try SealedBox.seal(key, to: r.identity.boxKey))
            }
            w.raw(nonce)
            w.data(try XChaCha20Poly1305.seal(plain, key: key, nonce: nonce, associatedData: textAD))
            return (commitment(reason: Array(reason.utf8), salt: salt), w.bytes)
        } catch { throw .io("cannot seal the reason") }
    }

    /// Opens a sealed reason and checks it against the log's commitment.
    /// The reason text's associated data.
    static let textAD = Array("casevault/v1/log-reason-text\0".utf8)

    static func open(_ sealed: [UInt8], member: String, key: any SealedBoxOpener, commitment: [UInt8]) throws(VaultError) -> String? {
        var r = ByteReader(sealed)
        do {
            var mine: [UInt8]?
            for _ in 0..<(try r.count(max: 10000)) {
                let id = try r.string(max: 64)
                let s = try r.data(max: 1024)
                if id == member { mine = s }
            }
            let nonce = try r.raw(24)
            let ct = try r.data()
            guard let mine else { return nil }
            let k = try SymmetricKey(secret: try key.openSealedKey(mine, provenBy: .init(nonce: nonce, ciphertext: ct, associatedData: textAD)))
            let plain = try XChaCha20Poly1305.open(ct, key: k, nonce: nonce, associatedData: textAD)
            let bytes = plain.withUnsafeBytes { Array($0) }
            guard bytes.count >= 32 else { throw VaultError.format("sealed reason is malformed") }
            let saltBytes = try bytes.withUnsafeBytes { b throws(CryptoError) in try SecureBytes(copying: UnsafeRawBufferPointer(rebasing: b[0..<32])) }
            let text = Array(bytes[32...])
            guard Memory.constantTimeEquals(Self.commitment(reason: text, salt: saltBytes), commitment) else {
                throw VaultError.auth("a sealed reason does not match its log commitment")
            }
            return String(decoding: text, as: UTF8.self)
        } catch let e as VaultError { throw e } catch { throw .auth("a sealed reason failed to open") }
    }
}
