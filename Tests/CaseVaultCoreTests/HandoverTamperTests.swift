import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import SodiumKit
import XCTest

/// Every single-byte change to a bundle is rejected: each byte flipped in turn, every
/// truncation, an appended byte. Open must throw, never return.
final class HandoverTamperTests: XCTestCase {
    private enum Region: String { case magic, version, fingerprint, sealedKey, nonce, length, ciphertext }

    private func region(of i: Int) -> Region {
        switch i {
        case 0..<8: .magic
        case 8: .version
        case 9..<25: .fingerprint
        case 25..<105: .sealedKey
        case 105..<129: .nonce
        case 129..<133: .length
        default: .ciphertext
        }
    }

    /// What the spec says each region's damage is reported as (docs/parts/70-handover.md). A
    /// version byte flipped to the other version a reader knows (2 ↔ 3) is read on, and then
    /// fails to decrypt: the version byte is authenticated.
    private func expectedKind(_ r: Region, byte: UInt8) -> VaultError.Kind {
        switch r {
        case .version where [HandoverBundle.version, HandoverBundle.documentVersion].contains(byte): .authenticationFailed
        case .magic, .version, .length: .unsupportedFormat
        case .fingerprint: .accessDenied      // "addressed to another recipient"
        case .sealedKey, .nonce, .ciphertext: .authenticationFailed
        }
    }

    /// Positions to flip: all of them for a bundle up to 64 KiB; otherwise the whole header and
    /// length, and a stride through the ciphertext that still lands in every 16-byte block.
    private func positions(_ count: Int) -> [Int] {
        if count <= 64 * 1024 { return Array(0..<count) }
        return Array(0..<133) + Array(stride(from: 133, to: count, by: 13)) + [count - 1]
    }

    func testEveryFlippedByteOfTheBundleIsRejected() throws {
        let w = try HandoverWorld()
        let bytes = try w.create(to: HandoverWorld.police).bytes
        XCTAssertNoThrow(try w.open(bytes, as: HandoverWorld.police), "the untouched bundle must open")
        XCTAssertEqual(bytes.count - BundleSurgery.headerLength - 4, try BundleSurgery.parseOuter(bytes).ciphertext.count)
        var opened: [Int] = []
        var wrongKind: [String] = []
        for i in positions(bytes.count) {
            var t = bytes
            t[i] ^= 0x01
            do {
                _ = try w.open(t, as: HandoverWorld.police)
                opened.append(i)
            } catch let e as VaultError {
                let r = region(of: i)
                if e.kind != expectedKind(r, byte: t[i]), wrongKind.count < 10 { wrongKind.append("byte \(i) (\(r.rawValue)): \(e.kind) — \(e.message)") }
            }
        }
        XCTAssertEqual(opened, [], "bundles with these bytes flipped were accepted")
        XCTAssertEqual(wrongKind, [], "damage reported as the wrong kind of failure")
    }

    func testEveryTruncationAndAnyAppendedByteIsRejected() throws {
        let w = try HandoverWorld()
        let bytes = try w.create(to: HandoverWorld.nav).bytes
        var accepted: [Int] = []
        for n in 0..<bytes.count {
            if (try? w.open(Array(bytes.prefix(n)), as: HandoverWorld.nav)) != nil { accepted.append(n) }
        }
        XCTAssertEqual(accepted, [], "truncations to these lengths were accepted")
        for extra: UInt8 in [0x00, 0x01, 0xFF] {
            expectHandoverError(.unsupportedFormat, "one byte \(extra) appended") { try w.open(bytes + [extra], as: HandoverWorld.nav) }
        }
        expectHandoverError(.unsupportedFormat, "a second copy appended") { try w.open(bytes + bytes, as: HandoverWorld.nav) }
        expectHandoverError(.unsupportedFormat, "empty file") { try w.open([], as: HandoverWorld.nav) }
    }

    /// The outer layer is anonymous: anyone holding the recipient's public key could wrap an
    /// altered inner part for them. So every byte of the inner part must be covered too — by the
    /// sender's signature, the payload hash, the certificates and the strict parser.
    func testEveryFlippedByteOfTheInnerPartIsRejectedEvenWhenRewrappedForTheRecipient() throws {
        let w = try HandoverWorld()
        let police = w.identity(HandoverWorld.police)
        let inner = try BundleSurgery.decryptInner(try w.create(to: HandoverWorld.police).bytes, with: police)
        // Control: a re-wrapped, unchanged inner part opens.
        XCTAssertNoThrow(try w.open(try BundleSurgery.sealOuter(inner, to: police.publicIdentity), as: HandoverWorld.police))
        let parts = try BundleSurgery.Inner.parse(inner)
        XCTAssertFalse(parts.approverEntry.isEmpty, "a police bundle carries the leader's approval")
        var accepted: [Int] = []
        for i in 0..<inner.count {
            var t = inner
            t[i] ^= 0x01
            let wrapped = try BundleSurgery.sealOuter(t, to: police.publicIdentity)
            do {
                _ = try w.open(wrapped, as: HandoverWorld.police)
                accepted.append(i)
            } catch is VaultError {}
        }
        XCTAssertEqual(accepted, [], "inner parts with these bytes flipped were accepted")
        for n in [0, 4, 5, inner.count / 2, inner.count - 1] {
            expectHandoverError(nil, "inner truncated to \(n)") {
                try w.open(try BundleSurgery.sealOuter(Array(inner.prefix(n)), to: police.publicIdentity), as: HandoverWorld.police)
            }
        }
        expectHandoverError(.unsupportedFormat, "inner with a trailing byte") {
            try w.open(try BundleSurgery.sealOuter(inner + [0], to: police.publicIdentity), as: HandoverWorld.police)
        }
    }
}
