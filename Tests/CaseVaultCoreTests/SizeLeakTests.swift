import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import SodiumKit
import XCTest

/// Someone holding only vault.sqlite measures ciphertext lengths: every allowed value of every
/// choice field, and every other short value, must give the same length, and a text only its bucket.
final class SizeLeakTests: XCTestCase {
    private var t: TestVault!
    private var a: CaseID!

    override func setUpWithError() throws {
        t = try TestVault()
        a = try t.sampleCase()
    }

    override func tearDown() { t = nil }

    private func storedLength(_ path: String) throws -> Int {
        let field = try XCTUnwrap(try t.raw().latest(a).fields.first { $0.path == path }, path)
        return field.ciphertext.count
    }

    private func set(_ path: String, _ yamlValue: String) throws {
        try t.session("kari").updateCase(a, patchText: "set: {\"\(path)\": \(yamlValue)}")
    }

    /// σ (32) ‖ 48 padded bytes ‖ tag (16).
    private let shortLength = 32 + FieldPadding.shortBucket + 16

    /// Round i sets every choice field the sample fills to its i-th allowed value (cycling), in
    /// one update, and measures every one of them in the stored row.
    func testEveryAllowedValueOfEveryChoiceFieldHasOneLength() throws {
        let present = try t.raw().latest(a).fields.map(\.path)
        var choices: [(path: String, values: [String])] = []
        var absent: [FieldSpec] = []
        for spec in FieldCatalog.fields {
            guard case let .choice(values) = spec.kind else { continue }
            if let path = present.first(where: { FieldCatalog.pattern(ofPath: $0) == spec.pattern }) { choices.append((path, values)) } else { absent.append(spec) }
        }
        var measured = 0
        for round in 0..<(choices.map(\.values.count).max() ?? 0) {
            let set = choices.map { "\"\($0.path)\": \"\($0.values[round % $0.values.count])\"" }.joined(separator: ", ")
            try t.session("kari").updateCase(a, patchText: "set: {\(set)}")
            let stored = Dictionary(uniqueKeysWithValues: try t.raw().latest(a).fields.map { ($0.path, $0.ciphertext.count) })
            for c in choices {
                XCTAssertEqual(stored[c.path], shortLength, "\(c.path) = \(c.values[round % c.values.count])")
                measured += 1
            }
        }
        XCTAssertGreaterThan(measured, 60)
        // Choice fields the sample leaves empty (filled only by handovers): sealed by the same code.
        let roster = try t.vault.roster()
        for spec in absent {
            guard case let .choice(values) = spec.kind else { continue }
            let path = spec.pattern.replacingOccurrences(of: "[]", with: "[0]")
            for value in values {
                let sealer = Sealer(vaultID: t.vault.vaultID, caseID: a, version: 1, parentHash: [UInt8](repeating: 0, count: 32),
                                    author: try XCTUnwrap(roster.entry("kari")), created: .now(), roster: roster, policy: try t.vault.policy(),
                                    assignments: [.init(member: "kari", role: "contact-person")])
                let v = try sealer.seal(fresh: [path: .text(value)], carried: [], written: [path], removed: [], signingKey: t.identity("kari").signingKey)
                XCTAssertEqual(v.version.fields.first?.ciphertext.count, shortLength, "\(path) = \(value)")
            }
        }
    }

    func testEveryShortFieldOfTheSampleHasTheSameLength() throws {
        for f in try t.raw().latest(a).fields {
            let kind = try XCTUnwrap(FieldCatalog.spec(forPattern: FieldCatalog.pattern(ofPath: f.path) ?? "")).kind
            if FieldPadding.isShort(kind) { XCTAssertEqual(f.ciphertext.count, shortLength, f.path) }
        }
        for (path, value) in [("case.phase", "1"), ("case.phase", "3"), ("person.interpreter", "true"), ("person.interpreter", "false"),
                              ("case.opened", "2026-01-01"), ("housing.moves_so_far", "99")] {
            try set(path, value)
            XCTAssertEqual(try storedLength(path), shortLength, "\(path) = \(value)")
        }
    }

    func testTextLengthsRevealOnlyTheirBucket() throws {
        let path = "person.alias"
        var lengths: [Int: Int] = [:]
        for n in [1, 20, 62, 63, 64, 126, 127, 600] {
            try set(path, "\"" + String(repeating: "x", count: n) + "\"")
            lengths[n] = try storedLength(path) - 32 - 16
        }
        // Tag byte + n bytes, plus at least one padding byte.
        XCTAssertEqual(Set([1, 20, 62].map { lengths[$0]! }), [64])
        XCTAssertEqual(lengths[63], 128)
        XCTAssertEqual(lengths[64], 128)
        XCTAssertEqual(lengths[126], 128)
        XCTAssertEqual(lengths[127], 256)
        XCTAssertEqual(lengths[600], 1024)
        for f in try t.raw().latest(a).fields {
            let padded = f.ciphertext.count - 48
            XCTAssertTrue(padded == FieldPadding.shortBucket || padded == FieldPadding.textBucket(padded - 1), "\(f.path): \(padded)")
        }
    }

    func testTextBucketsFollowTheFormat() {
        XCTAssertEqual(FieldPadding.textBucket(0), 64)
        XCTAssertEqual(FieldPadding.textBucket(63), 64)
        XCTAssertEqual(FieldPadding.textBucket(64), 128)
        XCTAssertEqual(FieldPadding.textBucket(65_535), 65_536)
        XCTAssertEqual(FieldPadding.textBucket(65_536), 131_072)
        XCTAssertEqual(FieldPadding.textBucket(RecordLimits.maxFieldPlaintextBytes), RecordLimits.maxFieldPlaintextBytes + 65_536)
        // The largest field the writer accepts stays inside what the reader accepts.
        XCTAssertLessThan(32 + FieldPadding.textBucket(RecordLimits.maxFieldPlaintextBytes) + 16, VersionDecodeLimits.maxCiphertextBytes)
    }
}
