import CSodium

/// `crypto_secretstream_xchacha20poly1305`: a long message as a sequence of authenticated
/// chunks under one key. Each chunk is bound to its position, so a dropped, repeated or
/// reordered chunk fails, and the last one carries the FINAL tag, so a truncated stream is
/// refused as well. Case documents are stored this way.
public enum SecretStream {
    public static let headerByteCount = Int(crypto_secretstream_xchacha20poly1305_HEADERBYTES)
    /// Added to each chunk: a one-byte tag and a 16-byte MAC.
    public static let chunkOverhead = Int(crypto_secretstream_xchacha20poly1305_ABYTES)

    /// The stream state holds key material: it lives in `sodium_malloc`'d memory, zeroed when released.
    final class State: @unchecked Sendable {
        let pointer: UnsafeMutablePointer<crypto_secretstream_xchacha20poly1305_state>

        init() throws(CryptoError) {
            try Sodium.ready()
            let size = MemoryLayout<crypto_secretstream_xchacha20poly1305_state>.size
            guard let raw = sodium_malloc(size) else { throw .outOfSecureMemory }
            pointer = raw.bindMemory(to: crypto_secretstream_xchacha20poly1305_state.self, capacity: 1)
        }

        deinit { sodium_free(pointer) }
    }

    /// Encrypts chunk by chunk. `header` goes first in the stored stream.
    public final class Sealer {
        private let state: State
        public let header: [UInt8]
        private var finished = false

        public init(key: SymmetricKey) throws(CryptoError) {
            let state = try State()
            var h = [UInt8](repeating: 0, count: SecretStream.headerByteCount)
            let rc = key.withUnsafeBytes { k in
                crypto_secretstream_xchacha20poly1305_init_push(state.pointer, &h, k.bindMemory(to: UInt8.self).baseAddress!)
            }
            guard rc == 0 else { throw .encryptionFailed }
            self.state = state
            header = h
        }

        /// One chunk's ciphertext (`chunk.count + chunkOverhead` bytes). `final` marks the last
        /// chunk; nothing may be sealed after it.
        public func seal(_ chunk: UnsafeRawBufferPointer, associatedData: [UInt8], final: Bool) throws(CryptoError) -> [UInt8] {
            guard !finished else { throw .encryptionFailed }
            var out = [UInt8](repeating: 0, count: chunk.count + SecretStream.chunkOverhead)
            let tag = final ? crypto_secretstream_xchacha20poly1305_tag_final() : crypto_secretstream_xchacha20poly1305_tag_message()
            let rc = out.withUnsafeMutableBufferPointer { o in
                crypto_secretstream_xchacha20poly1305_push(
                    state.pointer, o.baseAddress!, nil, chunk.bindMemory(to: UInt8.self).baseAddress, UInt64(chunk.count),
                    associatedData, UInt64(associatedData.count), tag)
            }
            guard rc == 0 else { throw .encryptionFailed }
            finished = final
            return out
        }
    }

    /// Decrypts chunk by chunk, in the order they were sealed. `isFinished` tells whether the
    /// FINAL chunk has been read: a stream that ends before it was truncated.
    public final class Opener {
        private let state: State
        public private(set) var isFinished = false

        public init(key: SymmetricKey, header: [UInt8]) throws(CryptoError) {
            try requireLength("secretstream header", header, SecretStream.headerByteCount)
            let state = try State()
            let rc = key.withUnsafeBytes { k in
                crypto_secretstream_xchacha20poly1305_init_pull(state.pointer, header, k.bindMemory(to: UInt8.self).baseAddress!)
            }
            guard rc == 0 else { throw .authenticationFailed }
            self.state = state
        }

        /// Opens one chunk into `into` (at least `ciphertext.count - chunkOverhead` bytes of
        /// secure memory); returns the plaintext length. A chunk after the FINAL one, a chunk
        /// with another tag than message or final, or any changed byte is refused.
        public func open(_ ciphertext: UnsafeRawBufferPointer, associatedData: [UInt8], into: UnsafeMutableRawBufferPointer) throws(CryptoError) -> Int {
            guard !isFinished, ciphertext.count > SecretStream.chunkOverhead, into.baseAddress != nil,
                  into.count >= ciphertext.count - SecretStream.chunkOverhead else { throw .authenticationFailed }
            var length: UInt64 = 0
            var tag: UInt8 = 0
            let rc = crypto_secretstream_xchacha20poly1305_pull(
                state.pointer, into.bindMemory(to: UInt8.self).baseAddress!, &length, &tag,
                ciphertext.bindMemory(to: UInt8.self).baseAddress!, UInt64(ciphertext.count), associatedData, UInt64(associatedData.count))
            guard rc == 0 else { throw .authenticationFailed }
            if tag == crypto_secretstream_xchacha20poly1305_tag_final() {
                isFinished = true
            } else if tag != crypto_secretstream_xchacha20poly1305_tag_message() {
                throw .authenticationFailed
            }
            return Int(length)
        }
    }
}
