import AccessPolicy
import SodiumKit

/// Format 2 field encryption (docs/FORMAT.md, "Case version format 2"): a per-field key
/// `FK = BLAKE2b-256(K_class, "casevault/v2/field-key\0" ‖ string(path))`, a secret σ per value,
/// plaintext `σ ‖ sodium_pad(value, bucket)`, and the value commitment
/// `vc = BLAKE2b-256(σ, "casevault/v2/value\0" ‖ vault ‖ case ‖ u64(origin) ‖ string(path) ‖ data(value))`.
enum FieldCrypto {
    static let sigmaBytes = 32

    /// The subkey context for `path`'s field key.
    static func fieldKeyContext(_ path: String) -> [UInt8] {
        var w = ByteWriter(reservingCapacity: 32 + path.utf8.count)
        w.raw("casevault/v2/field-key\0")
        w.string(path)
        return w.bytes
    }

    /// Everything the commitment covers before the value's bytes (which end with `data`'s length).
    static func commitmentPrefix(vault: VaultID, caseID: CaseID, origin: UInt64, path: String, valueCount: Int) -> [UInt8] {
        var w = ByteWriter(reservingCapacity: 72 + path.utf8.count)
        w.raw("casevault/v2/value\0")
        w.raw(vault.bytes)
        w.raw(caseID.bytes)
        w.u64(origin)
        w.string(path)
        w.u32(UInt32(valueCount))
        return w.bytes
    }

    static func commitment(sigma: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, vault: VaultID, caseID: CaseID, origin: UInt64, path: String) -> [UInt8] {
        let prefix = commitmentPrefix(vault: vault, caseID: caseID, origin: origin, path: path, valueCount: value.count)
        return prefix.withUnsafeBytes { BLAKE2b.hash(parts: [$0, value], keyBytes: sigma) }
    }

    /// Encrypts `value` (a `FieldValue` encoding) for `path` written in `origin` under class key
    /// `key` at `ref`. σ is fresh unless `sigma` (a re-seal keeps the value's σ, hence its vc).
    static func seal(value: [UInt8], path: String, origin: UInt64, ref: CaseVersion.KeyRef, key: SymmetricKey,
                     vault: VaultID, caseID: CaseID, sigma: UnsafeRawBufferPointer? = nil) throws(VaultError) -> CaseVersion.Field {
        guard let bucket = FieldPadding.bucket(path: path, length: value.count) else {
            throw .input("\(path) holds \(value.count) bytes, too many for its kind")
        }
        do {
            var padded = try Padding.pad(value, blockSize: bucket)
            defer { Memory.zero(&padded) }
            guard padded.count == bucket else { throw VaultError.input("\(path) does not fit its size bucket") }
            var plain = [UInt8](repeating: 0, count: sigmaBytes) + padded
            defer { Memory.zero(&plain) }
            let vc = plain.withUnsafeMutableBytes { p in
                let s = UnsafeMutableRawBufferPointer(rebasing: p[0..<sigmaBytes])
                if let sigma { s.copyMemory(from: sigma) } else { Random.fill(s) }
                return value.withUnsafeBytes { commitment(sigma: UnsafeRawBufferPointer(s), value: $0, vault: vault, caseID: caseID, origin: origin, path: path) }
            }
            let nonce = XChaCha20Poly1305.randomNonce()
            let ad = CaseVersion.associatedData(vault: vault, caseID: caseID, origin: origin, key: ref, path: path, format: 2, vc: vc)
            let ct = try plain.withUnsafeBytes { p throws(CryptoError) in
                try XChaCha20Poly1305.seal(bytes: p, key: key, subkeyContext: fieldKeyContext(path), nonce: nonce, associatedData: ad)
            }
            return CaseVersion.Field(path: path, origin: origin, vc: vc, key: ref, nonce: nonce, ciphertext: ct)
        } catch let e as VaultError { throw e } catch { throw .io("sealing \(path) failed: \(error)") }
    }

    /// Why a decrypted format-2 field is refused, in the one line the reader shows.
    enum Problem: Error { case decrypt, padding, commitment }

    /// Decrypts `f` into `buffer` (at least `ciphertext − 16` bytes) and checks its padding and
    /// commitment. Returns σ's offset (0) and the value's span inside `buffer`.
    static func open(_ f: CaseVersion.Field, key: SymmetricKey, vault: VaultID, caseID: CaseID,
                     into buffer: UnsafeMutableRawBufferPointer) throws(Problem) -> (start: Int, count: Int) {
        let ad = CaseVersion.associatedData(vault: vault, caseID: caseID, origin: f.origin, key: f.key, path: f.path, format: 2, vc: f.vc)
        let n: Int
        do { n = try XChaCha20Poly1305.open(f.ciphertext, key: key, subkeyContext: fieldKeyContext(f.path), nonce: f.nonce, associatedData: ad, into: buffer) } catch {
            throw .decrypt
        }
        guard n > sigmaBytes else { throw .padding }
        let padded = UnsafeRawBufferPointer(rebasing: buffer[sigmaBytes..<n])
        guard let length = try? Padding.unpaddedLength(padded, blockSize: padded.count),
              FieldPadding.bucket(path: f.path, length: length) == padded.count else { throw .padding }
        let sigma = UnsafeRawBufferPointer(rebasing: buffer[0..<sigmaBytes])
        let value = UnsafeRawBufferPointer(rebasing: buffer[sigmaBytes..<sigmaBytes + length])
        let vc = commitment(sigma: sigma, value: value, vault: vault, caseID: caseID, origin: f.origin, path: f.path)
        guard Memory.constantTimeEquals(vc, f.vc) else { throw .commitment }
        return (sigmaBytes, length)
    }
}

/// Size buckets: every short value (choice, boolean, integer, date, identity number) pads to one
/// size, so its ciphertext length says nothing about which value it is; texts and lists reveal
/// only their bucket.
enum FieldPadding {
    /// Padded size of every short value. The longest short encoding is 25 bytes (tag ‖
    /// "strengt-fortrolig-utland"); any `Int` is at most 21; 47 is the most that fits.
    static let shortBucket = 48
    /// Texts pad to 64·2^i bytes up to this size, then to multiples of it.
    static let largeBlock = 65_536

    static func isShort(_ kind: FieldKind) -> Bool {
        switch kind {
        case .choice, .bool, .integer, .date, .nationalID: true
        case .text, .textList: false
        }
    }

    /// The padded size for a value of `length` bytes at `path`; nil for an unknown path or a
    /// short value too long for its bucket (the writer refuses both).
    static func bucket(path: String, length: Int) -> Int? {
        guard let pattern = FieldCatalog.pattern(ofPath: path), let spec = FieldCatalog.spec(forPattern: pattern) else { return nil }
        if isShort(spec.kind) { return length < shortBucket ? shortBucket : nil }
        return textBucket(length)
    }

    /// The smallest of 64, 128, …, 65536 greater than `length`, else the smallest multiple of 65536 greater than it.
    static func textBucket(_ length: Int) -> Int {
        var b = 64
        while b <= largeBlock {
            if b > length { return b }
            b *= 2
        }
        return (length / largeBlock + 1) * largeBlock
    }
}
