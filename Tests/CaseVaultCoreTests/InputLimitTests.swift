import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import Foundation
import SodiumKit
import XCTest

/// Limits are in bytes and counts, the writer's lie inside the reader's, and nothing stored
/// can make a case unreadable. No input traps: a forged or damaged value is a one-line error.
final class InputLimitTests: XCTestCase {
    /// One Character that is many bytes: "a" and combining accents. Counting Characters let
    /// an 18 MB note through; it must be refused by its size in bytes, and the case stay usable.
    func testOneCharacterOfManyBytesIsRefusedAndTheCaseStaysReadable() throws {
        let t = try TestVault()
        let a = try t.sampleCase()
        let kari = try t.session("kari")
        let note = "a" + String(repeating: "\u{0301}", count: RecordLimits.maxTextBytes / 2)
        XCTAssertEqual(note.count, 1)
        XCTAssertGreaterThan(note.utf8.count, RecordLimits.maxTextBytes)
        let refused = TestVault.assertFails([.invalidInput], "a one-Character note over the byte limit") {
            try kari.updateCase(a, patchText: "add:\n  notes: {text: \"\(note)\"}\n")
        }
        XCTAssertTrue(refused?.message.contains("bytes") ?? false, refused?.message ?? "")
        XCTAssertNoThrow(try kari.showCase(a))
        XCTAssertNoThrow(try kari.updateCase(a, patchText: "add:\n  notes: {text: kort}\n"))
    }

    /// Nested groups multiply: 200 threats × 200 perpetrators × 2 fields is 80,000 fields,
    /// within every per-list limit but over the per-case limit, so `case new` refuses it.
    func testARecordWithTooManyFieldsIsRefusedBeforeAnythingIsStored() throws {
        let t = try TestVault()
        let perpetrators = "[" + Array(repeating: #"{"name": "x", "relation": "y"}"#, count: 200).joined(separator: ",") + "]"
        let threats = "[" + Array(repeating: #"{"perpetrators": \#(perpetrators)}"#, count: 200).joined(separator: ",") + "]"
        let record = #"{"threats": \#(threats)}"#
        let refused = TestVault.assertFails([.invalidInput], "a record with 80,000 fields") { try t.session("kari").createCase(recordText: record) }
        XCTAssertTrue(refused?.message.contains("fields") ?? false, refused?.message ?? "")
        XCTAssertEqual(try t.session("lina").listCases().count, 0)
    }

    func testWriterLimitsLieStrictlyInsideTheDecoder() {
        XCTAssertLessThan(RecordLimits.maxFields, VersionDecodeLimits.maxFields)
        // The largest text field and list field the writer accepts, sealed, stay under the decoder's per-field limit.
        XCTAssertLessThan(RecordLimits.maxFieldPlaintextBytes + 16, VersionDecodeLimits.maxCiphertextBytes)
        XCTAssertLessThan(RecordLimits.maxTextBytes + 1, RecordLimits.maxFieldPlaintextBytes)
    }

    /// What `decode` would refuse is refused before it is stored, and the two agree.
    func testAVersionTheDecoderWouldRefuseIsNotWritten() throws {
        let t = try TestVault()
        let a = try t.sampleCase()
        var v = try t.raw().latest(a)
        XCTAssertNoThrow(try v.checkDecodable())
        v.written.append("notes[0]." + String(repeating: "x", count: VersionDecodeLimits.maxPathBytes))
        TestVault.assertFails([.invalidInput], "an over-long path") { try v.checkDecodable() }
        TestVault.assertFails([.unsupportedFormat], "the decoder agrees") { try CaseVersion.decode(v.encoded()) }
    }

    /// Adding past the largest index a path can hold is bad input (65), not "access denied".
    func testAddingPastTheLastIndexIsBadInput() throws {
        let patch = try RecordPatch.parse("add:\n  notes: {text: x}\n", allowSyntheticIDs: true)
        let refused = TestVault.assertFails([.invalidInput], "a note after notes[9999]") { try patch.resolve(existingPaths: ["notes[9999].text"]) }
        XCTAssertTrue(refused?.message.contains("notes") ?? false, refused?.message ?? "")
        XCTAssertNotNil(try patch.resolve(existingPaths: ["notes[9998].text"]).written["notes[9999].text"])
    }

    /// A member-signed version naming policy serial 2^64−1 once trapped every reader at an
    /// unchecked conversion; it is refused as an unknown policy.
    func testAVersionNamingTheLargestPolicySerialIsRefusedNotATrap() throws {
        let t = try TestVault()
        let a = try t.sampleCase()
        let raw = try t.raw()
        var v = try raw.latest(a)
        v.policySerial = .max
        try Forge.replaceLatest(raw, a, with: v, signedBy: t.identity(v.author))
        let refused = TestVault.assertFails([.authenticationFailed], "policy serial 2^64-1") { try t.session("kari").showCase(a) }
        XCTAssertTrue(refused?.message.contains("unknown policy") ?? false, refused?.message ?? "")
    }

    func testAReasonIsLimitedInBytesNotCharacters() {
        let reason = "a" + String(repeating: "\u{0301}", count: ReasonSeal.maxReasonBytes)
        XCTAssertEqual(reason.count, 1)
        TestVault.assertFails([.invalidInput], "a one-Character reason over the byte limit") { try ReasonSeal.seal(reason, readers: []) }
    }
}

extension InputLimitTests {
    /// `Int()` takes a sign: a time written "+1" once parsed as hour 1.
    func testATimeWithASignedFieldIsRefused() {
        XCTAssertNotNil(Timestamp(rfc3339: "2026-11-25T01:00:00Z"))
        for text in ["2026-11-25T+1:00:00Z", "2026-11-25T01:+0:00Z", "2026-11-25T01:00:-0Z"] { XCTAssertNil(Timestamp(rfc3339: text), text) }
    }

    /// Paths stored in a damaged version may hold indices of any length: ordering them must not overflow.
    func testOrderingPathsWithHugeIndicesDoesNotTrap() {
        let paths = ["notes[99999999999999999999999999].text", "notes[1].text", "notes[18446744073709551616].text"]
        XCTAssertEqual(CaseRecord.order(paths).first, "notes[1].text")
    }
}

extension InputLimitTests {
    /// A bundle the recipient's reader would refuse is never made (and so never recorded as disclosed).
    func testABundleOverTheRecipientsLimitsIsNotMade() throws {
        let w = try HandoverWorld()
        let manifest = try w.manifest(to: HandoverWorld.police)
        let policy = try w.vault.signedPolicy()
        let oversized = HandoverBundle.SignedPolicy(bytes: policy.bytes + [UInt8](repeating: 0x23, count: HandoverBundle.Limits.policyBytes),
                                                    signature: policy.signature)
        TestVault.assertFails([.invalidInput], "a policy over the reader's limit") {
            var maker = try w.standalone()
            maker.policy = oversized
            return try maker.make(manifest, fields: HandoverWorld.policeFields, sender: w.identity(manifest.sender).signingKey, approver: nil,
                                  recipient: try w.certifiedEntry(HandoverWorld.police).identity)
        }
    }
}
