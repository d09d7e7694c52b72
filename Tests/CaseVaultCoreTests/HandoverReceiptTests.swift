import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import SodiumKit
import XCTest

/// Receipts: the recipient's signed acknowledgement, checked and recorded by the
/// centre exactly once; forged receipts are refused and change nothing.
final class HandoverReceiptTests: XCTestCase {
    private let police = HandoverWorld.police

    private struct Sent {
        let bytes: [UInt8]
        let manifest: HandoverManifest
        let opened: OpenedBundle
    }

    private func send(_ w: HandoverWorld, to recipient: String = HandoverWorld.police) throws -> Sent {
        let made = try w.create(to: recipient)
        return Sent(bytes: made.bytes, manifest: made.manifest, opened: try w.open(made.bytes, as: recipient))
    }

    /// The disclosure entry of `bundle` in the case as kari reads it: its index prefix and fields.
    private func disclosure(_ w: HandoverWorld, bundle: String, reader: String = "kari") throws -> [String: FieldValue] {
        let fields = try w.session(reader).showCase(w.caseID).fields
        let key = try XCTUnwrap(fields.first { $0.key.hasPrefix("disclosures[") && $0.key.hasSuffix("].bundle") && $0.value == .text(bundle) }?.key,
                                "no disclosure entry for bundle \(bundle)")
        let prefix = String(key.dropLast("bundle".count))
        return fields.filter { $0.key.hasPrefix(prefix) }.reduce(into: [:]) { $0[String($1.key.dropFirst(prefix.count))] = $1.value }
    }

    /// Re-signs a receipt after its fields were changed, with `key`.
    private func resigned(_ r: HandoverReceipt, by key: SigningSecretKey) -> HandoverReceipt {
        var r = r
        r.signature = key.signature(for: HandoverReceipt.domain + Array(r.signedText.utf8))
        return r
    }

    private func assertNothingRecorded(_ w: HandoverWorld, _ sent: Sent, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try w.count("SELECT COUNT(*) FROM handover_receipts"), 0, "a refused receipt was stored", file: file, line: line)
        XCTAssertNil(try disclosure(w, bundle: sent.manifest.bundleID)["receipt"], "a refused receipt was recorded in the case", file: file, line: line)
    }

    func testReceiptRoundTripRecordsTheDateInTheCaseAndTheLog() throws {
        let w = try HandoverWorld()
        let sent = try send(w)
        let received = Timestamp(seconds: sent.manifest.created.seconds + 3 * 86_400)
        let receipt = HandoverReceipt(for: sent.opened, identity: w.identity(police), received: received)
        XCTAssertEqual(receipt.manifestHash, sent.manifest.hash)
        XCTAssertEqual(try HandoverReceipt.parse(receipt.text), receipt, "the receipt's text parses back to itself")
        let versionBefore = try w.session("kari").showCase(w.caseID).latest.version

        let confirmed = try w.session("kari").confirmReceipt(receipt.text)
        XCTAssertEqual(confirmed.bundleID, sent.manifest.bundleID)
        let entry = try disclosure(w, bundle: sent.manifest.bundleID)
        XCTAssertEqual(entry["receipt"], .text(received.osloDateField), "disclosures[i].receipt holds the date the recipient received it")
        XCTAssertEqual(entry["recipient"], .text(police))
        XCTAssertEqual(try w.session("kari").showCase(w.caseID).latest.version, versionBefore + 1, "confirming writes a new version")
        XCTAssertEqual(try w.count("SELECT COUNT(*) FROM handover_receipts"), 1)
        let log = try w.rawLogEntries().map { try LogEntry.parse($0) }.filter { $0.action == "handover.confirm" }
        XCTAssertEqual(log.count, 1)
        XCTAssertEqual(log.first?.detailValue("bundle"), sent.manifest.bundleID)
        XCTAssertEqual(log.first?.detailValue("recipient"), police)
        XCTAssertEqual(log.first?.caseID, w.caseID)
    }

    /// The sender may have left by the time the receipt comes: someone who still works there records it.
    func testTheLeaderRecordsTheReceiptAfterTheSenderWasRevoked() throws {
        let w = try HandoverWorld()
        let sent = try send(w)
        _ = try w.session("lina").revoke(id: "kari", kind: .member)
        let receipt = HandoverReceipt(for: sent.opened, identity: w.identity(police))
        XCTAssertNoThrow(try w.session("lina").confirmReceipt(receipt.text))
        XCTAssertNotNil(try disclosure(w, bundle: sent.manifest.bundleID, reader: "lina")["receipt"])
        XCTAssertEqual(try w.count("SELECT COUNT(*) FROM handover_receipts"), 1)
    }

    func testTheSameReceiptTwiceIsDetected() throws {
        let w = try HandoverWorld()
        let sent = try send(w)
        let receipt = HandoverReceipt(for: sent.opened, identity: w.identity(police))
        _ = try w.session("kari").confirmReceipt(receipt.text)
        let versions = try w.count("SELECT COUNT(*) FROM case_versions")
        let logSize = try w.count("SELECT COUNT(*) FROM log_entries")
        let e = expectHandoverError(.refused, "second import") { try w.session("kari").confirmReceipt(receipt.text) }
        XCTAssertTrue(e?.message.contains("already") ?? false, e?.message ?? "")
        // A second, differently timed receipt for the same bundle is the same duplicate.
        let again = HandoverReceipt(for: sent.opened, identity: w.identity(police), received: Timestamp(seconds: Timestamp.now().seconds + 7))
        XCTAssertNotEqual(again.text, receipt.text)
        expectHandoverError(.refused, "another receipt for the same bundle") { try w.session("kari").confirmReceipt(again.text) }
        XCTAssertEqual(try w.count("SELECT COUNT(*) FROM handover_receipts"), 1)
        XCTAssertEqual(try w.count("SELECT COUNT(*) FROM case_versions"), versions, "a duplicate must not write a version")
        XCTAssertLessThanOrEqual(try w.count("SELECT COUNT(*) FROM log_entries") - logSize, 2, "at most a refusal per attempt is logged")
        XCTAssertEqual(try w.rawLogEntries().map { try LogEntry.parse($0) }.filter { $0.action == "handover.confirm" }.count, 1)
    }

    func testReceiptSignedByAnotherKeyIsRefused() throws {
        let w = try HandoverWorld()
        let sent = try send(w)
        let genuine = HandoverReceipt(for: sent.opened, identity: w.identity(police))
        for signer in [HandoverWorld.nav, "kari", "lina"] {
            let forged = resigned(genuine, by: w.identity(signer).signingKey)
            expectHandoverError(.authenticationFailed, "signed by \(signer)") { try w.session("kari").confirmReceipt(forged.text) }
        }
        expectHandoverError(.authenticationFailed, "signed by a stranger") {
            try w.session("kari").confirmReceipt(resigned(genuine, by: try SigningSecretKey.generate()).text)
        }
        // NAV signs a receipt in its own name for the police's bundle.
        var asNAV = genuine
        asNAV.recipient = HandoverWorld.nav
        expectHandoverError(.authenticationFailed, "NAV acknowledging the police's bundle") {
            try w.session("kari").confirmReceipt(resigned(asNAV, by: w.identity(HandoverWorld.nav).signingKey).text)
        }
        // An unregistered name.
        var stranger = genuine
        stranger.recipient = "politi-vest"
        expectHandoverError(nil, "unregistered recipient") { try w.session("kari").confirmReceipt(resigned(stranger, by: w.identity(police).signingKey).text) }
        try assertNothingRecorded(w, sent)
        XCTAssertNoThrow(try w.session("kari").confirmReceipt(genuine.text), "control: the genuine receipt is still accepted")
    }

    func testReceiptWithAChangedManifestHashIsRefused() throws {
        let w = try HandoverWorld()
        let sent = try send(w)
        var r = HandoverReceipt(for: sent.opened, identity: w.identity(police))
        r.manifestHash[0] ^= 1
        // Changed without re-signing: the signature fails.
        expectHandoverError(.authenticationFailed, "hash changed, not re-signed") { try w.session("kari").confirmReceipt(r.text) }
        // Properly signed by the police, but for a manifest that was never sent.
        let e = expectHandoverError(.authenticationFailed, "hash of another manifest") {
            try w.session("kari").confirmReceipt(resigned(r, by: w.identity(police).signingKey).text)
        }
        XCTAssertTrue(e?.message.contains("does not match") ?? false, e?.message ?? "")
        // The hash of the manifest of another bundle sent to the same recipient.
        let other = try send(w)
        var swapped = HandoverReceipt(for: sent.opened, identity: w.identity(police))
        swapped.manifestHash = other.manifest.hash
        expectHandoverError(.authenticationFailed, "hash of the other bundle") {
            try w.session("kari").confirmReceipt(resigned(swapped, by: w.identity(police).signingKey).text)
        }
        XCTAssertEqual(try w.count("SELECT COUNT(*) FROM handover_receipts"), 0)
    }

    func testReceiptForAnUnknownBundleIsRefused() throws {
        let w = try HandoverWorld()
        let sent = try send(w)
        var r = HandoverReceipt(for: sent.opened, identity: w.identity(police))
        r.bundleID = Hex.encode(Random.bytes(16))
        expectHandoverError(.notFound, "unknown bundle") { try w.session("kari").confirmReceipt(resigned(r, by: w.identity(police).signingKey).text) }
        // A receipt for another vault.
        var elsewhere = HandoverReceipt(for: sent.opened, identity: w.identity(police))
        elsewhere.vaultID = VaultID.random()
        expectHandoverError(.authenticationFailed, "another vault") {
            try w.session("kari").confirmReceipt(resigned(elsewhere, by: w.identity(police).signingKey).text)
        }
        try assertNothingRecorded(w, sent)
    }

    func testMalformedReceiptsAreRefused() throws {
        let w = try HandoverWorld()
        let sent = try send(w)
        let text = HandoverReceipt(for: sent.opened, identity: w.identity(police)).text
        let variants = [
            "", text.replacingOccurrences(of: "\n", with: "\r\n"), String(text.dropLast()), text + "\n", text + "extra line\n",
            text.replacingOccurrences(of: "casevault-handover-receipt v1", with: "casevault-handover-receipt v2"),
            text.replacingOccurrences(of: "received ", with: "received  "),
        ]
        for (i, v) in variants.enumerated() {
            expectHandoverError(.unsupportedFormat, "variant \(i)") { try w.session("kari").confirmReceipt(v) }
        }
        try assertNothingRecorded(w, sent)
    }

    /// Whoever confirms, the confirmation either lands in the case's disclosure entry or is
    /// refused: it must never be stored as confirmed while the case says nothing (after which the
    /// duplicate check stops anyone from recording it properly).
    func testConfirmationByAMemberWhoCannotRecordItInTheCaseIsRefused() throws {
        let w = try HandoverWorld()
        let sent = try send(w)
        let receipt = HandoverReceipt(for: sent.opened, identity: w.identity(police))
        for member in ["nils", "lina", "anne", "cecilie"] {
            _ = try? w.session(member).confirmReceipt(receipt.text)
            if try w.count("SELECT COUNT(*) FROM handover_receipts") > 0 {
                XCTAssertNotNil(try disclosure(w, bundle: sent.manifest.bundleID)["receipt"],
                                "\(member) confirmed the receipt, but the case's disclosure entry has no receipt date")
                return
            }
        }
        XCTAssertNoThrow(try w.session("kari").confirmReceipt(receipt.text))
        XCTAssertNotNil(try disclosure(w, bundle: sent.manifest.bundleID)["receipt"])
    }
}
