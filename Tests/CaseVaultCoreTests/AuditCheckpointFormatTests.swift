@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import Foundation
import SodiumKit
import TransparencyLog
import XCTest

/// A checkpoint in any spelling but its one canonical form is malformed (exit 65), even when a
/// member validly signed that spelling; and the same holds for an entry.
final class AuditCheckpointFormatTests: XCTestCase {
    var f: AuditFixture!
    var clean: String!
    var note: SignedNote!

    override func setUpWithError() throws {
        f = try AuditFixture()
        clean = try f.export()
        note = try SignedNote.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: clean + "/checkpoint"))))
    }

    override func tearDown() { f = nil }

    private func verify(checkpoint bytes: [UInt8]) throws -> Result<AuditReport, AuditFailure> {
        let dir = try f.copy(clean)
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/checkpoint"))
        return f.verify(dir)
    }

    func testCRLFLineEndings() throws {
        let crlf = Array(String(decoding: note.bytes, as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n").utf8)
        try verify(checkpoint: crlf).assertFails(index: nil, .malformed, mentioning: "carriage return")
    }

    func testControlCharacters() throws {
        for c: UInt8 in [0x09, 0x00, 0x1B] {
            var bytes = note.bytes
            bytes.insert(c, at: 5)
            try verify(checkpoint: bytes).assertFails(index: nil, .malformed, mentioning: "control character")
        }
    }

    func testNonCanonicalBase64InTheRootSignedByAMember() throws {
        let cp = try Checkpoint.parse(note.text)
        // 32 bytes encode to 43 characters and '='; the last character carries two unused bits.
        var root = Array(Base64.encode(cp.rootHash).utf8)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        let i = alphabet.firstIndex(of: root[42])!
        root[42] = alphabet[i ^ 1]  // same decoded bytes, a non-zero unused bit
        let body = "\(cp.origin)\n\(cp.size)\n\(String(decoding: root, as: UTF8.self))\n"
        try verify(checkpoint: try f.signCheckpoint(body, as: "anne")).assertFails(index: nil, .malformed, mentioning: "base64")
    }

    func testNonCanonicalBase64InASignatureLine() throws {
        var text = String(decoding: note.bytes, as: UTF8.self)
        text = text.replacingOccurrences(of: "=\n", with: "\n")  // drop padding from the signature line
        try verify(checkpoint: Array(text.utf8)).assertFails(index: nil, .malformed, mentioning: "base64")
    }

    func testASizeWithALeadingZeroSignedByAMember() throws {
        let cp = try Checkpoint.parse(note.text)
        let body = "\(cp.origin)\n0\(cp.size)\n\(Base64.encode(cp.rootHash))\n"
        try verify(checkpoint: try f.signCheckpoint(body, as: "anne")).assertFails(index: nil, .malformed, mentioning: "leading zero")
    }

    func testAnEntryWithCRLFControlCharactersOrNonCanonicalBase64() throws {
        let original = try ExportedEntries(clean)
        let target = 9
        let text = String(decoding: original.entries[target], as: UTF8.self)
        let variants: [(String, String)] = [
            ("carriage return", text.replacingOccurrences(of: "\n", with: "\r\n")),
            ("control character", text.replacingOccurrences(of: "action ", with: "action\t")),
            ("canonical base64", text.replacingOccurrences(of: "=\naction ", with: "\naction ")),
            ("canonical decimal", text.replacingOccurrences(of: "index \(target)\n", with: "index 0\(target)\n")),
        ]
        for (words, bad) in variants {
            let dir = try f.copy(clean)
            var e = original
            // Every one is re-signed by the real actor: only the spelling is wrong.
            e.entries[target] = try resign(Array(bad.utf8), as: try original.parsed(target).actor)
            try e.write(dir)
            let failure = f.verify(dir).assertFails(index: UInt64(target), .malformed)
            XCTAssertTrue(failure?.reason.contains(words) ?? false, "\(words): \(failure.map(String.init(describing:)) ?? "-")")
        }
    }

    /// Re-signs an entry's bytes as they stand, so that only their form is wrong.
    private func resign(_ bytes: [UInt8], as actor: String) throws -> [UInt8] {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let sig = text.range(of: "signature ") else { return bytes }
        let signed = Array(text[..<sig.lowerBound].utf8)
        let signature = f.t.identity(actor).signingKey.signature(for: LogEntry.signatureDomain + signed)
        return signed + Array("signature \(Base64.encode(signature))\n".utf8)
    }
}
