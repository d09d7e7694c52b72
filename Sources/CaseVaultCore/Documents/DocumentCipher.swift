import SodiumKit

/// A case document's stored form (docs/FORMAT.md, "Case documents"): the content padded
/// (ISO/IEC 7816-4, `sodium_pad`) to a multiple of the chunk size, then encrypted with
/// `crypto_secretstream_xchacha20poly1305` under the document's own random key, one chunk at a
/// time, the last chunk tagged FINAL. Every chunk has the same length, so the stored size tells
/// only the number of chunks. The plaintext lives in secure memory only.
enum DocumentCipher {
    static let magic = Array("CVD".utf8) + [1]
    static let chunkBytes = 1 << 16
    static let storedChunkBytes = chunkBytes + SecretStream.chunkOverhead
    static let prefixBytes = magic.count + SecretStream.headerByteCount
    /// A 20 MiB document padded: at most this many chunks.
    static let maxChunks = DocumentRules.maxBytes / chunkBytes + 1

    /// Where a blob belongs; bound into every chunk, so a blob moved to another case or id fails.
    struct Context {
        let vault: VaultID
        let caseID: CaseID
        let blobID: [UInt8]

        var associatedData: [UInt8] {
            Array("casevault/v1/document-chunk\0".utf8) + vault.bytes + caseID.bytes + blobID
        }
    }

    /// BLAKE2b-256 of the whole stored blob, kept in the signed, sealed `documents[].content`.
    static func digest(of blob: [UInt8]) -> [UInt8] {
        BLAKE2b.hash(Array("casevault/v1/document-blob\0".utf8) + blob)
    }

    static func seal(_ content: SecureBytes, key: SymmetricKey, context: Context) throws(VaultError) -> [UInt8] {
        do {
            let padded = try content.withUnsafeBytes { c throws(CryptoError) in try Padding.pad(secure: c, blockSize: chunkBytes) }
            let stream = try SecretStream.Sealer(key: key)
            let ad = context.associatedData
            let chunks = padded.count / chunkBytes
            var blob = magic + stream.header
            blob.reserveCapacity(prefixBytes + chunks * storedChunkBytes)
            try padded.withUnsafeBytes { p throws(CryptoError) in
                for i in 0..<chunks {
                    let chunk = UnsafeRawBufferPointer(rebasing: p[(i * chunkBytes)..<((i + 1) * chunkBytes)])
                    blob += try stream.seal(chunk, associatedData: ad, final: i == chunks - 1)
                }
            }
            return blob
        } catch { throw .io("the document could not be encrypted (\(error))") }
    }

    /// The content, exactly `size` bytes, or a refusal: any changed, missing, extra or reordered
    /// chunk, a stream without its FINAL chunk, bad padding or another size.
    static func open(_ blob: [UInt8], key: SymmetricKey, context: Context, size: Int) throws(VaultError) -> SecureBytes {
        let body = blob.count - prefixBytes
        guard body > 0, body % storedChunkBytes == 0, body / storedChunkBytes <= maxChunks, Array(blob.prefix(magic.count)) == magic else {
            throw .auth("the stored document is damaged or was altered")
        }
        let chunks = body / storedChunkBytes
        do {
            let stream = try SecretStream.Opener(key: key, header: Array(blob[magic.count..<prefixBytes]))
            let ad = context.associatedData
            let padded = try SecureBytes(count: chunks * chunkBytes) { out throws(CryptoError) in
                // Chunk by chunk, in order: the stream state refuses a chunk out of place.
                let pulled = blob.withUnsafeBytes { b in
                    Result { () throws(CryptoError) in
                        for i in 0..<chunks {
                            let from = prefixBytes + i * storedChunkBytes
                            let into = UnsafeMutableRawBufferPointer(rebasing: out[(i * chunkBytes)..<((i + 1) * chunkBytes)])
                            let n = try stream.open(UnsafeRawBufferPointer(rebasing: b[from..<(from + storedChunkBytes)]), associatedData: ad, into: into)
                            guard n == chunkBytes else { throw CryptoError.authenticationFailed }
                        }
                    }
                }
                try pulled.get()
                guard stream.isFinished else { throw CryptoError.authenticationFailed }
            }
            let length = try padded.withUnsafeBytes { p throws(CryptoError) in try Padding.unpaddedLength(p, blockSize: chunkBytes) }
            guard length == size else { throw CryptoError.authenticationFailed }
            return try padded.withUnsafeBytes { p throws(CryptoError) in try SecureBytes(copying: UnsafeRawBufferPointer(rebasing: p[0..<size])) }
        } catch { throw .auth("the stored document is damaged or was altered") }
    }
}
