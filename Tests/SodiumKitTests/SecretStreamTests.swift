import SodiumKit
import XCTest

// crypto_secretstream_xchacha20poly1305: a stream opens only whole, in order, under its key
// and associated data, and ending with its FINAL chunk.
final class SecretStreamTests: XCTestCase {
    private let ad = Array("case:42|document".utf8)

    /// Header, then each chunk's ciphertext; the last chunk tagged FINAL.
    private func sealStream(_ chunks: [[UInt8]], key: SymmetricKey) throws -> (header: [UInt8], chunks: [[UInt8]]) {
        let sealer = try SecretStream.Sealer(key: key)
        var out: [[UInt8]] = []
        for (i, c) in chunks.enumerated() {
            out.append(try c.withUnsafeBytes { try sealer.seal($0, associatedData: ad, final: i == chunks.count - 1) })
        }
        return (sealer.header, out)
    }

    /// The plaintext, or the first error; throws `truncated` when the FINAL chunk never came.
    private func openStream(_ header: [UInt8], _ chunks: [[UInt8]], key: SymmetricKey, ad: [UInt8]? = nil) throws -> [UInt8] {
        let opener = try SecretStream.Opener(key: key, header: header)
        var plain: [UInt8] = []
        let buffer = try SecureBytes(count: 1 << 16) { _ in }
        for c in chunks {
            let n = try c.withUnsafeBytes { src in
                try buffer.withUnsafeBytes { b in
                    try opener.open(src, associatedData: ad ?? self.ad, into: UnsafeMutableRawBufferPointer(mutating: b))
                }
            }
            plain += buffer.withUnsafeBytes { Array($0.prefix(n)) }
        }
        guard opener.isFinished else { throw Truncated() }
        return plain
    }

    private struct Truncated: Error {}

    private let message = [Array("first chunk ".utf8), Array("second chunk ".utf8), Array("the end".utf8)]

    func testRoundTrip() throws {
        let key = try SymmetricKey.generate()
        let (header, chunks) = try sealStream(message, key: key)
        XCTAssertEqual(header.count, SecretStream.headerByteCount)
        XCTAssertEqual(chunks.map(\.count), message.map { $0.count + SecretStream.chunkOverhead })
        XCTAssertEqual(try openStream(header, chunks, key: key), message.flatMap { $0 })
    }

    func testEveryFlippedByteIsRefused() throws {
        let key = try SymmetricKey.generate()
        let (header, chunks) = try sealStream(message, key: key)
        for i in 0..<chunks.count {
            for j in 0..<chunks[i].count {
                var bad = chunks
                bad[i][j] ^= 0x01
                XCTAssertThrowsError(try openStream(header, bad, key: key), "chunk \(i) byte \(j)") { XCTAssertEqual($0 as? CryptoError, .authenticationFailed) }
            }
        }
        var badHeader = header
        badHeader[0] ^= 0x80
        XCTAssertThrowsError(try openStream(badHeader, chunks, key: key))
    }

    func testDroppedReorderedRepeatedAndTruncatedChunksAreRefused() throws {
        let key = try SymmetricKey.generate()
        let (header, c) = try sealStream(message, key: key)
        XCTAssertThrowsError(try openStream(header, [c[0], c[2]], key: key), "dropped") { XCTAssertEqual($0 as? CryptoError, .authenticationFailed) }
        XCTAssertThrowsError(try openStream(header, [c[1], c[0], c[2]], key: key), "reordered") { XCTAssertEqual($0 as? CryptoError, .authenticationFailed) }
        XCTAssertThrowsError(try openStream(header, [c[0], c[0], c[1], c[2]], key: key), "repeated") { XCTAssertEqual($0 as? CryptoError, .authenticationFailed) }
        XCTAssertThrowsError(try openStream(header, [c[0], c[1]], key: key), "no FINAL chunk") { XCTAssertTrue($0 is Truncated) }
        XCTAssertThrowsError(try openStream(header, c + [c[2]], key: key), "a chunk after FINAL")
    }

    func testWrongKeyOrAssociatedDataIsRefused() throws {
        let key = try SymmetricKey.generate()
        let (header, chunks) = try sealStream(message, key: key)
        XCTAssertThrowsError(try openStream(header, chunks, key: try SymmetricKey.generate()))
        XCTAssertThrowsError(try openStream(header, chunks, key: key, ad: Array("case:43|document".utf8)))
    }

    func testNothingIsSealedAfterTheFinalChunk() throws {
        let sealer = try SecretStream.Sealer(key: try SymmetricKey.generate())
        _ = try [UInt8(1)].withUnsafeBytes { try sealer.seal($0, associatedData: ad, final: true) }
        XCTAssertThrowsError(try [UInt8(2)].withUnsafeBytes { try sealer.seal($0, associatedData: ad, final: false) })
    }

    func testSecurePaddingMatchesSodiumPad() throws {
        for n in [0, 1, 15, 16, 17] {
            let data = [UInt8](repeating: 0x41, count: n)
            let padded = try data.withUnsafeBytes { try Padding.pad(secure: $0, blockSize: 16) }
            XCTAssertEqual(contents(padded), try Padding.pad(data, blockSize: 16), "length \(n)")
            XCTAssertEqual(try padded.withUnsafeBytes { try Padding.unpaddedLength($0, blockSize: 16) }, n)
        }
    }
}
