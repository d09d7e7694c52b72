import Foundation
import SodiumKit
import TransparencyLog
import XCTest

final class SignedNoteTests: XCTestCase {
    let text = "CaseVault access log\n42\n"
    let log = Fixtures.logSigner
    let other = Fixtures.otherSigner

    /// The example of Go's golang.org/x/mod/sumdb/note (PeterNeumann): Ed25519 is deterministic,
    /// so signing the same text with the same seed must give the published note byte for byte.
    func testKnownAnswerFromGoSumdbNote() throws {
        let skeyMaterial = Fixtures.base64("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")
        XCTAssertEqual(skeyMaterial.first, 0x01)
        let signer = try NoteSigner(name: "PeterNeumann", secretKey: Fixtures.seededKey(Array(skeyMaterial.dropFirst())))
        let vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
        XCTAssertEqual(signer.verifier.vkey, vkey)
        XCTAssertEqual(signer.keyID, 0xc74f_20a3)

        let noteText = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
        let published = noteText + "\n\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
        XCTAssertEqual(try SignedNote.sign(text: noteText, signers: [signer]), Fixtures.bytes(published))

        let note = try SignedNote.parse(Fixtures.bytes(published))
        XCTAssertEqual(note.text, noteText)
        XCTAssertEqual(try note.verify(by: [NoteVerifier(vkey: vkey)]), [signer.verifier])
        let altered = published.replacingOccurrences(of: "cryptography", with: "cryptographY")
        XCTAssertLogError(try SignedNote.parse(Fixtures.bytes(altered)).verify(by: [signer.verifier]), .signatureInvalid(keyName: "PeterNeumann"))
    }

    func testRoundTripWithTwoSigners() throws {
        let bytes = try SignedNote.sign(text: text, signers: [log, other])
        let note = try SignedNote.parse(bytes)
        XCTAssertEqual(note.text, text)
        XCTAssertEqual(note.signatures.map(\.keyName), [log.name, other.name])
        XCTAssertEqual(note.bytes, bytes)
        XCTAssertEqual(try note.verify(by: [other.verifier, log.verifier]), [log.verifier, other.verifier])
        XCTAssertEqual(try note.verify(by: [log.verifier]), [log.verifier])
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines[2], "")
        XCTAssertTrue(lines[3].hasPrefix("\u{2014} log.casevault.example "))
    }

    func testTextMayContainInteriorBlankLines() throws {
        let poem = "first\n\nsecond\n"
        let note = try SignedNote.parse(SignedNote.sign(text: poem, signers: [log]))
        XCTAssertEqual(note.text, poem)
        XCTAssertNoThrow(try note.verify(by: [log.verifier]))
    }

    func testFlippedBitInTextIsRejected() throws {
        var bytes = try SignedNote.sign(text: text, signers: [log])
        bytes[0] ^= 0x01  // "C" becomes "B": still valid text, no longer what was signed
        XCTAssertLogError(try SignedNote.parse(bytes).verify(by: [log.verifier]), .signatureInvalid(keyName: log.name))
    }

    func testFlippedBitInSignatureIsRejected() throws {
        let note = try SignedNote.parse(SignedNote.sign(text: text, signers: [log]))
        let original = note.signatures[0]
        for position in [0, 31, 63] {
            var signature = original.signature
            signature[position] ^= 0x04
            let forged = try SignedNote(text: note.text, signatures: [NoteSignature(keyName: original.keyName, keyID: original.keyID, signature: signature)])
            let reparsed = try SignedNote.parse(forged.bytes)
            XCTAssertLogError(try reparsed.verify(by: [log.verifier]), .signatureInvalid(keyName: log.name))
        }
    }

    func testAKnownKeysBadSignatureRejectsTheNoteEvenBesideAGoodOne() throws {
        let good = try SignedNote.parse(SignedNote.sign(text: text, signers: [log]))
        let bad = try NoteSignature(keyName: other.name, keyID: other.keyID, signature: [UInt8](repeating: 7, count: 64))
        XCTAssertLogError(try good.adding(bad).verify(by: [log.verifier, other.verifier]), .signatureInvalid(keyName: other.name))
        // The same bad line is ignored by a verifier that does not know that key.
        XCTAssertEqual(try good.adding(bad).verify(by: [log.verifier]), [log.verifier])
    }

    func testNoteSignedOnlyByUnknownKeysIsRejected() throws {
        let note = try SignedNote.parse(SignedNote.sign(text: text, signers: [other]))
        XCTAssertLogError(try note.verify(by: [log.verifier]), .noKnownSignature)
        XCTAssertLogError(try note.verify(by: []), .noKnownSignature)
        // Same name, different key: the key ID differs, so the line is someone else's.
        let impostor = try NoteSigner(name: log.name, secretKey: Fixtures.secretKey(9))
        let forged = try SignedNote.parse(SignedNote.sign(text: text, signers: [impostor]))
        XCTAssertLogError(try forged.verify(by: [log.verifier]), .noKnownSignature)
    }

    func testCarriageReturnsAreRejected() throws {
        let bytes = try SignedNote.sign(text: text, signers: [log])
        let crlf = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n")
        XCTAssertLogError(try SignedNote.parse(Fixtures.bytes(crlf)), .noteContainsCarriageReturn)
        XCTAssertLogError(try SignedNote.parse([0x61, 0x0D] + bytes), .noteContainsCarriageReturn)
        XCTAssertLogError(try SignedNote.sign(text: "a\r\n", signers: [log]), .noteContainsCarriageReturn)
    }

    func testControlCharactersAreRejected() throws {
        let bytes = try SignedNote.sign(text: text, signers: [log])
        for control: UInt8 in [0x00, 0x07, 0x09, 0x1B, 0x1F] {
            XCTAssertLogError(try SignedNote.parse([0x61, control] + bytes), .noteContainsControlCharacter)
        }
        XCTAssertLogError(try SignedNote.sign(text: "tab\there\n", signers: [log]), .noteContainsControlCharacter)
    }

    func testNonCanonicalBase64IsRejected() throws {
        let line = try SignedNote.parse(SignedNote.sign(text: text, signers: [log])).signatures[0].line
        let encoded = String(line.split(separator: " ").last!)  // 68 bytes: ends in one "="
        XCTAssertTrue(encoded.hasSuffix("="))
        var chars = Array(encoded)
        let last = chars.count - 2
        // The last data character carries two unused bits; setting one gives a second spelling.
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        chars[last] = alphabet[alphabet.firstIndex(of: chars[last])! | 1]
        for spelling in [String(chars), String(encoded.dropLast()), encoded + "==", " " + encoded] {
            let note = "\(text)\n\u{2014} \(log.name) \(spelling)\n"
            XCTAssertThrowsError(try SignedNote.parse(Fixtures.bytes(note)), spelling) { error in
                let logError = error as? LogError
                XCTAssertTrue(logError == .noteSignatureNotBase64 || logError == .noteSignatureLineMalformed, "\(error)")
            }
        }
        let unpadded = "\(text)\n\u{2014} \(log.name) \(encoded.dropLast())\n"
        XCTAssertLogError(try SignedNote.parse(Fixtures.bytes(unpadded)), .noteSignatureNotBase64)
    }

    func testSeparatorRulesAreEnforced() throws {
        let signatureLine = try SignedNote.parse(SignedNote.sign(text: text, signers: [log])).signatures[0].line
        XCTAssertLogError(try SignedNote.parse(Fixtures.bytes("\(text)\(signatureLine)\n")), .noteMissingBlankLine)
        XCTAssertLogError(try SignedNote.parse(Fixtures.bytes("\(text)\n\n\(signatureLine)\n")), .noteTextEndsWithBlankLine)
        XCTAssertLogError(try SignedNote.parse(Fixtures.bytes("\n\n\(signatureLine)\n")), .noteTextEmpty)
        XCTAssertLogError(try SignedNote.parse(Fixtures.bytes("\(text)\n")), .noteHasNoSignatures)
        XCTAssertLogError(try SignedNote.parse(Fixtures.bytes("\(text)\n\(signatureLine)")), .noteMissingFinalNewline)
        XCTAssertLogError(try SignedNote.parse([]), .noteMissingFinalNewline)
        XCTAssertLogError(try SignedNote.parse(Fixtures.bytes("\(text)\n\(signatureLine)\n\n")), .noteHasNoSignatures)
        XCTAssertLogError(try SignedNote.parse([0xFF] + Fixtures.bytes("\(text)\n\(signatureLine)\n")), .noteNotUTF8)
    }

    func testSignatureLineShapeIsEnforced() throws {
        let payload = Base64.encode([1, 2, 3, 4] + [UInt8](repeating: 5, count: 64))
        func note(_ line: String) -> [UInt8] { Fixtures.bytes("\(text)\n\(line)\n") }
        XCTAssertNoThrow(try SignedNote.parse(note("\u{2014} name \(payload)")))
        XCTAssertLogError(try SignedNote.parse(note("-- name \(payload)")), .noteSignatureLineMalformed)
        XCTAssertLogError(try SignedNote.parse(note("\u{2013} name \(payload)")), .noteSignatureLineMalformed)
        XCTAssertLogError(try SignedNote.parse(note("\u{2014}  name \(payload)")), .noteSignatureLineMalformed)
        XCTAssertLogError(try SignedNote.parse(note("\u{2014} name  \(payload)")), .noteSignatureLineMalformed)
        XCTAssertLogError(try SignedNote.parse(note("\u{2014} name \(payload) ")), .noteSignatureLineMalformed)
        XCTAssertLogError(try SignedNote.parse(note("\u{2014} name")), .noteSignatureLineMalformed)
        XCTAssertLogError(try SignedNote.parse(note("\u{2014} na+me \(payload)")), .invalidKeyName)
        XCTAssertLogError(try SignedNote.parse(note("\u{2014} na\u{00A0}me \(payload)")), .invalidKeyName)
        XCTAssertLogError(try SignedNote.parse(note("\u{2014} name \(Base64.encode([1, 2, 3, 4]))")), .noteSignatureTooShort)
    }

    func testAtMostOneHundredSignatures() throws {
        func note(signatures count: Int) -> [UInt8] {
            let lines = (0..<count).map { "\u{2014} w\($0) \(Base64.encode([0, 0, 0, UInt8($0)] + [UInt8](repeating: 1, count: 64)))\n" }
            return Fixtures.bytes(text + "\n" + lines.joined())
        }
        XCTAssertEqual(try SignedNote.parse(note(signatures: 100)).signatures.count, 100)
        XCTAssertLogError(try SignedNote.parse(note(signatures: 101)), .noteTooManySignatures)
    }

    func testConstructionValidatesTextAndNames() throws {
        XCTAssertLogError(try SignedNote.sign(text: "", signers: [log]), .noteTextEmpty)
        XCTAssertLogError(try SignedNote.sign(text: "\n", signers: [log]), .noteTextEmpty)
        XCTAssertLogError(try SignedNote.sign(text: "no newline", signers: [log]), .noteMissingFinalNewline)
        XCTAssertLogError(try SignedNote.sign(text: "two\n\n", signers: [log]), .noteTextEndsWithBlankLine)
        XCTAssertLogError(try SignedNote.sign(text: text, signers: []), .noteHasNoSignatures)
        for name in ["", "a b", "a+b", "a\tb", "a\u{00A0}b", "a\u{2003}b", "a\u{01}b"] {
            XCTAssertLogError(try NoteSigner(name: name, secretKey: Fixtures.secretKey(1)), .invalidKeyName)
        }
        XCTAssertNoThrow(try NoteSigner(name: "example.com/log\u{00E6}\u{00F8}\u{00E5}", secretKey: Fixtures.secretKey(1)))
        let note = try SignedNote.parse(SignedNote.sign(text: text, signers: [log]))
        XCTAssertEqual(try note.signed(by: other).verify(by: [other.verifier]), [other.verifier])
    }

    func testVerifierKeyStrings() throws {
        let vkey = log.verifier.vkey
        XCTAssertEqual(try NoteVerifier(vkey: vkey), log.verifier)
        let parts = vkey.split(separator: "+", maxSplits: 2).map(String.init)
        XCTAssertEqual(parts[0], log.name)
        XCTAssertEqual(parts[1], Hex.encode(Array(SHA256.hash(Fixtures.bytes(log.name) + [0x0A, 0x01] + log.verifier.publicKey.bytes).prefix(4))))
        XCTAssertEqual(Fixtures.base64(parts[2]), [0x01] + log.verifier.publicKey.bytes)

        let otherID = Hex.encode([UInt8](repeating: 0xAB, count: 4))
        XCTAssertLogError(try NoteVerifier(vkey: "\(parts[0])+\(otherID)+\(parts[2])"), .invalidVerifierKey)
        XCTAssertLogError(try NoteVerifier(vkey: "\(parts[0])+\(parts[1].uppercased())+\(parts[2])"), .invalidVerifierKey)
        XCTAssertLogError(try NoteVerifier(vkey: "other+\(parts[1])+\(parts[2])"), .invalidVerifierKey)
        XCTAssertLogError(try NoteVerifier(vkey: "\(parts[0])+\(parts[1])"), .invalidVerifierKey)
        XCTAssertLogError(try NoteVerifier(vkey: Fixtures.witness.verifier.vkey), .invalidVerifierKey)
        XCTAssertLogError(try NoteVerifier(vkey: "\(parts[0])+\(parts[1])+\(parts[2])="), .invalidVerifierKey)

        // The base64 of a key may itself contain '+': find such a key and round-trip it.
        var plus: NoteVerifier?
        for fill in UInt8(0)...255 where plus == nil {
            let candidate = try NoteSigner(name: "plus", secretKey: Fixtures.secretKey(fill)).verifier
            if candidate.vkey.split(separator: "+", maxSplits: 2)[2].contains("+") { plus = candidate }
        }
        XCTAssertNotNil(plus)
        if let plus { XCTAssertEqual(try NoteVerifier(vkey: plus.vkey), plus) }
    }

    /// A real checkpoint of the arche2025h1 static CT log, with its log signatures and witness
    /// cosignatures (from the public test suite of a C2SP checkpoint library).
    func testRealWorldCheckpointNoteVerifiesUnderItsLogKey() throws {
        let note = try SignedNote.parse(Fixtures.bytes(RealWorld.archeNote))
        XCTAssertEqual(note.signatures.count, 6)
        XCTAssertEqual(note.bytes, Fixtures.bytes(RealWorld.archeNote))
        let logKey = try NoteVerifier(vkey: RealWorld.archeLogVkey)
        // The RFC 6962 TreeHeadSignature line and the witness lines are other keys' and ignored.
        XCTAssertEqual(try note.verify(by: [logKey]), [logKey])
    }
}

/// Public artefacts of real logs and witnesses, used as interoperability vectors.
enum RealWorld {
    static let archeLogVkey = "arche2025h1.staging.ct.transparency.dev+ba2f06c0+AU0vHmlGCS/PdN8b2OaGmKprLI8HKM+dJ472xgFYh15f"
    static let witnessVkeys = [
        "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2",
        "transparency.dev/DEV:witness-little-garden+d8042a87+BCtusOxINQNUTN5Oj8HObRkh2yHf/MwYaGX4CPdiVEPM",
        "witness1.smartit.nu/witness1+a48c820f+BPSFWg9G6KPiO7QPryYO5Xq4oYJJ+kAvLKLSimDhoxMO",
        "witness.stagemole.eu+67f7aea0+BEqSG3yu9YrmcM3BHvQYTxwFj3uSWakQepafafpUqklv",
    ]
    static let archeNote = """
        arche2025h1.staging.ct.transparency.dev
        1432088532
        U7WM79jrzyhGZ5/GUBTpM7NzwdyfFx61t3RovgcC4Ro=

        \u{2014} arche2025h1.staging.ct.transparency.dev zTM8sQAAAZ5W0WdjBAMARjBEAiBjW5IQf9pvsYLfQFX6hoGREPMHbdQ3urbllzalApkptQIgIpwtEroeW2BXaHAI4kJXFbon5Ch9MNL5zRNZ55lvGt0=
        \u{2014} arche2025h1.staging.ct.transparency.dev ui8GwCF1+kWqZrxGdhj4aX3gcw7XUlXQQabg/27lefwhUkzbC3NygNI75MdhL1bfTW9g8Ei59RA23oHP7Ry1k3ZFWwQ=
        \u{2014} transparency.dev/DEV:witness-little-garden 2AQqhwAAAABqEiEgzgFIqqhbUoDwjMWE6UP8nd8/KYTzwZ2rhIgcqoXHAwVkjZr4AscylP3v7sEodkRAErumC2q44vdgJY096st5BQ==
        \u{2014} witness1.smartit.nu/witness1 pIyCDwAAAABqEiEghIp82KWebrw7/oHQwlTAm3g2RKS4+eebl8eO0WH+/iEcxZ75W3u5hNI7TOQtmJbqmNWVuE0tgh0XwzdZsDsUAQ==
        \u{2014} remora.n621.de 2net5wAAAABqEiEgPlfF3V06o0Y+fHM+J5J9s27wgxxcOVSpZ/2g/KSiXCg9DEZI+aVCIobWX9sXTynk5XeU/zZ0WBxtqB0DrAWfBw==
        \u{2014} witness.stagemole.eu Z/euoAAAAABqEiEgw0i+7g2ENfDAWHmtRzCfKTHSDwYDJA2NmKeGi9Y8FtEyOUvVr+AJmIY/2TUFucgKi7lI7cUiOvKFYe/TmN9DAg==

        """
}
