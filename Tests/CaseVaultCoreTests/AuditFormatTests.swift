@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import Foundation
import SodiumKit
import TestVectors
import TransparencyLog
import XCTest

/// The byte-level entry parser accepts exactly what `LogEntry.sign` writes, and the flat Merkle
/// helper agrees with TransparencyLog's tree on roots and proofs.
final class AuditFormatTests: XCTestCase {
    private func sample(fields: [String] = ["person.alias", "threats[0].perpetrators[1].name"], detail: [String: String] = ["version": "3", "roster-serial": "2"],
                        reason: [UInt8]? = Random.bytes(32)) throws -> LogEntry {
        try LogEntry.sign(vaultID: .random(), index: 41, time: Timestamp(seconds: 1_764_000_000), actor: "kari", key: try SigningSecretKey.generate(),
                          action: "case.read", caseID: .random(), fields: fields, detail: detail, reasonCommitment: reason)
    }

    func testSignedEntriesParseBackToTheSameBytes() throws {
        for e in [try sample(), try sample(fields: [], detail: [:], reason: nil)] {
            let parsed = try LogEntry.parse(e.bytes)
            XCTAssertEqual(parsed.bytes, e.bytes)
            XCTAssertEqual(parsed.detail.map(\.key), e.detail.map(\.key))
            XCTAssertNoThrow(try parsed.verifySignature())
        }
    }

    func testTheParserRefusesEveryOtherSpelling() throws {
        let e = try sample()
        let text = e.text, time = e.time.rfc3339
        let bad: [String: String] = [
            "trailing byte": text + "x",
            "no final LF": String(text.dropLast()),
            "uppercase hex": text.replacingOccurrences(of: "vault \(e.vaultID.hex)", with: "vault \(e.vaultID.hex.uppercased())"),
            "leading zero": text.replacingOccurrences(of: "index 41", with: "index 041"),
            "plus sign": text.replacingOccurrences(of: "index 41", with: "index +41"),
            "lower-case time": text.replacingOccurrences(of: time, with: time.lowercased()),
            "31 February": text.replacingOccurrences(of: "time \(time.prefix(10))", with: "time 2025-02-31"),
            "capital actor": text.replacingOccurrences(of: "actor kari", with: "actor Kari"),
            "empty field": text.replacingOccurrences(of: "fields person.alias,", with: "fields ,"),
            "detail order": text.replacingOccurrences(of: "detail roster-serial=2;version=3", with: "detail version=3;roster-serial=2"),
            "empty detail value": text.replacingOccurrences(of: "version=3", with: "version="),
            "non-ASCII": text.replacingOccurrences(of: "actor kari", with: "actor kåri"),
            "missing line": text.replacingOccurrences(of: "case ", with: "kase "),
            "v2": text.replacingOccurrences(of: "casevault-log-entry v1", with: "casevault-log-entry v2"),
        ]
        for (what, variant) in bad {
            XCTAssertNotEqual(variant, text, "\(what): the variant must differ")
            XCTAssertThrowsError(try LogEntry.parse(Array(variant.utf8)), what)
        }
    }

    func testTheTimeParserAgreesWithTimestamp() throws {
        for seconds in stride(from: Int64(-5_364_662_400), through: 7_258_118_400, by: 86_399 * 37 + 13) {
            let t = Timestamp(seconds: seconds)
            let bytes = Array(t.rfc3339.utf8)
            let parsed = bytes.withUnsafeBufferPointer { LogEntryScanner($0).time(0..<$0.count) }
            XCTAssertEqual(parsed, t, t.rfc3339)
            XCTAssertEqual(Timestamp(rfc3339: t.rfc3339), parsed)
        }
    }

    func testSigningRefusesWordsTheParserWouldRefuse() throws {
        XCTAssertThrowsError(try sample(fields: ["Person.Alias"]))
        XCTAssertThrowsError(try LogEntry.sign(vaultID: .random(), index: 0, time: .now(), actor: "Kari Nordmann", key: try SigningSecretKey.generate(),
                                               action: "case.read", caseID: nil, fields: [], detail: [:], reasonCommitment: nil))
    }

    func testFlatMerkleAgreesWithMerkleTree() throws {
        for count in [1, 2, 3, 7, 8, 9, 4095, 4096, 4097, 8192 + 5, 3 * 4096] {
            let leaves = (0..<count).map { Merkle.leafHash(Array("leaf \($0)".utf8)) }
            let reference = try MerkleTree(leafHashes: leaves)
            let flat = FlatMerkleTree(flatLeafHashes: leaves.flatMap { $0 })
            for size in Set([1, count / 2 + 1, count - 1, count, 4096].filter { $0 >= 1 && $0 <= count }) {
                XCTAssertEqual(try flat.root(atSize: UInt64(size)), try reference.root(atSize: UInt64(size)), "root \(size)/\(count)")
                for index in Set([0, size / 3, size - 1]) {
                    XCTAssertEqual(try flat.inclusionProof(index: UInt64(index), treeSize: UInt64(size)), try reference.inclusionProof(index: UInt64(index), treeSize: UInt64(size)))
                }
                for old in Set([1, size / 2, size - 1].filter { $0 >= 1 }) {
                    XCTAssertEqual(try flat.consistencyProof(oldSize: UInt64(old), newSize: UInt64(size)), try reference.consistencyProof(oldSize: UInt64(old), newSize: UInt64(size)),
                                   "consistency \(old)→\(size)/\(count)")
                }
            }
        }
    }

    func testFlatMerkleRootsMatchTheVendoredVectors() throws {
        let data = try TestVectors.data("merkle/roots.json")
        struct Roots: Decodable { let leaf_inputs_hex: [String]; let root_hex: [String] }
        let roots = try JSONDecoder().decode(Roots.self, from: data)
        let leaves = roots.leaf_inputs_hex.map { Merkle.leafHash(Hex.decode($0)!) }
        let flat = FlatMerkleTree(flatLeafHashes: leaves.flatMap { $0 })
        for (size, root) in roots.root_hex.enumerated() { XCTAssertEqual(Hex.encode(try flat.root(atSize: UInt64(size))), root, "size \(size)") }
    }

    func testTheWitnessStateFileRoundTripsAndIsVersioned() throws {
        let key = try SigningSecretKey.generate()
        let cp = try Checkpoint(origin: "casevault.invalid/log/00", size: 5, rootHash: Random.bytes(32))
        let note = try SignedNote.parse(try cp.sign(with: [NoteSigner(name: "casevault.invalid/member/x", secretKey: key)]))
        let state = try WitnessState(vaultID: .random(), rootKey: key.publicKey, witnessName: "casevault.invalid/witness/anne", note: note)
        XCTAssertEqual(try WitnessState.parse(state.bytes).bytes, state.bytes)
        let v2 = Array(String(decoding: state.bytes, as: UTF8.self).replacingOccurrences(of: "state v1", with: "state v2").utf8)
        XCTAssertThrowsError(try WitnessState.parse(v2))
        let wrongSize = Array(String(decoding: state.bytes, as: UTF8.self).replacingOccurrences(of: "size 5\n", with: "size 6\n").utf8)
        XCTAssertThrowsError(try WitnessState.parse(wrongSize))
    }
}
