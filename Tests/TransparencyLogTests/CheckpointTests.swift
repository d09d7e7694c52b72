import Foundation
import SodiumKit
import TransparencyLog
import XCTest

final class CheckpointTests: XCTestCase {
    let root = Merkle.leafHash(Array("root".utf8))
    let log = Fixtures.logSigner

    private func text(size: String, root rootText: String? = nil, origin: String = "example.com/log") -> String {
        "\(origin)\n\(size)\n\(rootText ?? Base64.encode(root))\n"
    }

    func testBodyLayout() throws {
        let checkpoint = try Checkpoint(origin: "example.com/log", size: 20_852_163, rootHash: root)
        XCTAssertEqual(checkpoint.body, "example.com/log\n20852163\n\(Base64.encode(root))\n")
        let extended = try Checkpoint(origin: "example.com/log", size: 0, rootHash: root, extensions: ["ext one", "ext-two"])
        XCTAssertEqual(extended.body, "example.com/log\n0\n\(Base64.encode(root))\next one\next-two\n")
        XCTAssertEqual(try Checkpoint.parse(extended.body), extended)
        XCTAssertEqual(try Checkpoint.parse(extended.body).extensions, ["ext one", "ext-two"])
        XCTAssertNotEqual(try Checkpoint.parse(checkpoint.body), extended)
    }

    func testSignAndOpen() throws {
        let checkpoint = try Checkpoint(origin: log.name, size: 7, rootHash: root)
        let bytes = try checkpoint.sign(with: [log])
        let opened = try Checkpoint.open(bytes, verifiers: [log.verifier], origin: log.name)
        XCTAssertEqual(opened.checkpoint, checkpoint)
        XCTAssertEqual(opened.logKeys, [log.verifier])
        XCTAssertEqual(opened.note.bytes, bytes)
        XCTAssertLogError(try Checkpoint.open(bytes, verifiers: [log.verifier], origin: "another.example/log"), .checkpointOriginMismatch)
        XCTAssertLogError(try Checkpoint.open(bytes, verifiers: [Fixtures.otherSigner.verifier]), .noKnownSignature)
        // A signed note that is not a checkpoint is refused after its signature checks out.
        let notACheckpoint = try SignedNote.sign(text: "hello\n", signers: [log])
        XCTAssertLogError(try Checkpoint.open(notACheckpoint, verifiers: [log.verifier]), .checkpointTooFewLines)
    }

    func testSizeMustBeCanonicalDecimal() throws {
        XCTAssertEqual(try Checkpoint.parse(text(size: "0")).size, 0)
        XCTAssertEqual(try Checkpoint.parse(text(size: "18446744073709551615")).size, UInt64.max)
        XCTAssertLogError(try Checkpoint.parse(text(size: "01")), .checkpointSizeLeadingZero)
        XCTAssertLogError(try Checkpoint.parse(text(size: "00")), .checkpointSizeLeadingZero)
        XCTAssertLogError(try Checkpoint.parse(text(size: "-1")), .checkpointSizeNotDecimal)
        XCTAssertLogError(try Checkpoint.parse(text(size: "+1")), .checkpointSizeNotDecimal)
        XCTAssertLogError(try Checkpoint.parse(text(size: "-0")), .checkpointSizeNotDecimal)
        XCTAssertLogError(try Checkpoint.parse(text(size: " 1")), .checkpointSizeNotDecimal)
        XCTAssertLogError(try Checkpoint.parse(text(size: "1 ")), .checkpointSizeNotDecimal)
        XCTAssertLogError(try Checkpoint.parse(text(size: "0x10")), .checkpointSizeNotDecimal)
        XCTAssertLogError(try Checkpoint.parse(text(size: "1e3")), .checkpointSizeNotDecimal)
        XCTAssertLogError(try Checkpoint.parse(text(size: "\u{0663}")), .checkpointSizeNotDecimal)  // Arabic-Indic three
        XCTAssertLogError(try Checkpoint.parse(text(size: "18446744073709551616")), .checkpointSizeOverflow)
        XCTAssertLogError(try Checkpoint.parse(text(size: "99999999999999999999999")), .checkpointSizeOverflow)
    }

    func testRootMustBeThirtyTwoBytesOfCanonicalBase64() throws {
        XCTAssertLogError(try Checkpoint.parse(text(size: "1", root: Base64.encode(Array(root.dropLast())))), .checkpointRootWrongLength)
        XCTAssertLogError(try Checkpoint.parse(text(size: "1", root: Base64.encode(root + [0]))), .checkpointRootWrongLength)
        XCTAssertLogError(try Checkpoint.parse(text(size: "1", root: "")), .checkpointRootWrongLength)
        XCTAssertLogError(try Checkpoint.parse(text(size: "1", root: String(Base64.encode(root).dropLast()))), .checkpointRootNotBase64)
        // 64 hex digits are also valid base64, of 48 bytes.
        XCTAssertLogError(try Checkpoint.parse(text(size: "1", root: Hex.encode(root))), .checkpointRootWrongLength)
        XCTAssertLogError(try Checkpoint.parse(text(size: "1", root: "not base64 at all, not even close!!!!!!!!!!=")), .checkpointRootNotBase64)
        XCTAssertLogError(try Checkpoint.parse(text(size: "1", root: Base64.encode(root).replacingOccurrences(of: "=", with: "A"))), .checkpointRootWrongLength)
        var spelling = Array(Base64.encode(root))  // 32 bytes: one "=", two unused bits before it
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        spelling[spelling.count - 2] = alphabet[alphabet.firstIndex(of: spelling[spelling.count - 2])! | 1]
        XCTAssertLogError(try Checkpoint.parse(text(size: "1", root: String(spelling))), .checkpointRootNotBase64)
        XCTAssertLogError(try Checkpoint(origin: "o", size: 1, rootHash: [1, 2, 3]), .checkpointRootWrongLength)
    }

    func testLineStructureIsEnforced() throws {
        let good = text(size: "3")
        XCTAssertNoThrow(try Checkpoint.parse(good))
        XCTAssertLogError(try Checkpoint.parse(String(good.dropLast())), .checkpointNotNewlineTerminated)
        XCTAssertLogError(try Checkpoint.parse("example.com/log\n3\n"), .checkpointTooFewLines)
        XCTAssertLogError(try Checkpoint.parse(text(size: "3", origin: "")), .checkpointOriginInvalid)
        XCTAssertLogError(try Checkpoint.parse(good + "\n"), .checkpointExtensionInvalid)
        XCTAssertLogError(try Checkpoint.parse(good.replacingOccurrences(of: "\n", with: "\r\n")), .noteContainsCarriageReturn)
        XCTAssertLogError(try Checkpoint.parse(text(size: "3", origin: "bad\u{07}origin")), .noteContainsControlCharacter)
        XCTAssertLogError(try Checkpoint(origin: "two\nlines", size: 1, rootHash: root), .checkpointOriginInvalid)
        XCTAssertLogError(try Checkpoint(origin: "", size: 1, rootHash: root), .checkpointOriginInvalid)
        XCTAssertLogError(try Checkpoint(origin: "o", size: 1, rootHash: root, extensions: [""]), .checkpointExtensionInvalid)
        XCTAssertLogError(try Checkpoint(origin: "o", size: 1, rootHash: root, extensions: ["a\nb"]), .checkpointExtensionInvalid)
    }

    func testConsistencyBetweenCheckpoints() throws {
        let leaves = Reference.leaves(12)
        let tree = try MerkleTree(leafHashes: leaves)
        let older = try Checkpoint(origin: "example.com/log", size: 5, rootHash: tree.root(atSize: 5))
        let newer = try Checkpoint(origin: "example.com/log", size: 12, rootHash: tree.root)
        let proof = try tree.consistencyProof(oldSize: 5)
        XCTAssertNoThrow(try newer.verifyConsistency(from: older, proof: proof))
        let forked = try Checkpoint(origin: "example.com/log", size: 12, rootHash: Reference.mth(Reference.leaves(13).suffix(12)))
        XCTAssertLogError(try forked.verifyConsistency(from: older, proof: proof), .consistencyNewRootMismatch)
        let elsewhere = try Checkpoint(origin: "example.com/other", size: 12, rootHash: tree.root)
        XCTAssertLogError(try elsewhere.verifyConsistency(from: older, proof: proof), .checkpointOriginMismatch)
    }

    func testRealWorldCheckpointParses() throws {
        let note = try SignedNote.parse(Fixtures.bytes(RealWorld.archeNote))
        let checkpoint = try Checkpoint.parse(note.text)
        XCTAssertEqual(checkpoint.origin, "arche2025h1.staging.ct.transparency.dev")
        XCTAssertEqual(checkpoint.size, 1_432_088_532)
        XCTAssertEqual(Base64.encode(checkpoint.rootHash), "U7WM79jrzyhGZ5/GUBTpM7NzwdyfFx61t3RovgcC4Ro=")
        XCTAssertEqual(checkpoint.body, note.text)
    }
}
