import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import CaseVaultSamples
import SodiumKit
import XCTest

/// A bundle holds nothing beyond what its recipient's role may read (docs/FORMAT.md, "Inner layer"),
/// checked on the fully filled sample case, on the decoded fields and on the decrypted bytes.
final class HandoverPolicyTests: XCTestCase {
    /// Independent of the code under test: the default policy's own decision.
    private let policy = Policy.makeDefault()

    private func keys(_ b: OpenedBundle) -> [String] { Array(b.fields.keys) }

    /// Every bundle: fields ⊆ what the role reads, equal to its manifest's list, and exactly
    /// the case's readable fields (nothing silently lost either), minus `address.*` unless asked
    /// and minus the consents that name another recipient role.
    private func checkAgainstPolicy(_ b: OpenedBundle, role: Role, caseFields: [String: FieldValue], includeAddress: Bool,
                                    file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(b.manifest.recipientRole, role, file: file, line: line)
        for path in b.fields.keys {
            XCTAssertTrue(policy.canRead(role, field: path).isAllowed, "\(role.rawValue) bundle holds \(path), which the default policy does not let it read", file: file, line: line)
        }
        XCTAssertEqual(b.manifest.fields, CaseRecord.order(keys(b)), "manifest field list differs from the payload", file: file, line: line)
        let ownConsent = { (path: String) in
            !path.hasPrefix("consents[") || caseFields[String(path.prefix { $0 != "]" }) + "].recipient_role"] == .text(role.rawValue)
        }
        let expected = caseFields.keys.filter {
            policy.canRead(role, field: $0).isAllowed && (includeAddress || !$0.hasPrefix("address.")) && ownConsent($0)
        }
        XCTAssertEqual(Set(keys(b)), Set(expected), "bundle for \(role.rawValue) should hold exactly the case's fields the role may read", file: file, line: line)
        for (path, value) in b.fields { XCTAssertEqual(value, caseFields[path], "value of \(path) differs from the case", file: file, line: line) }
    }

    private func assertNone(_ b: OpenedBundle, _ what: String, file: StaticString = #filePath, line: UInt = #line, _ matches: (String) -> Bool) {
        let bad = keys(b).filter(matches).sorted()
        XCTAssertTrue(bad.isEmpty, "\(b.manifest.recipientRole.rawValue) bundle holds \(what): \(bad)", file: file, line: line)
    }

    /// The decrypted inner bytes must not contain these sample-case values anywhere.
    private func assertInnerLacks(_ bytes: [UInt8], recipient: String, world: HandoverWorld, _ needles: [String],
                                  file: StaticString = #filePath, line: UInt = #line) throws {
        let inner = try BundleSurgery.decryptInner(bytes, with: world.identity(recipient))
        for needle in needles {
            let n = Array(needle.utf8)
            let found = inner.count >= n.count && (0...(inner.count - n.count)).contains { Array(inner[$0..<$0 + n.count]) == n }
            XCTAssertFalse(found, "\(recipient)'s bundle contains \"\(needle)\" in its decrypted bytes", file: file, line: line)
        }
    }

    func testPoliceBundleHoldsThreatPictureButNoNAVFieldsNarrativeOrAddress() throws {
        let w = try HandoverWorld()
        let caseFields = try w.session("kari").showCase(w.caseID).fields
        let made = try w.create(to: HandoverWorld.police)
        let b = try w.open(made.bytes, as: HandoverWorld.police)
        assertNone(b, "NAV-only fields") { $0.hasPrefix("economy.") || $0.hasPrefix("applications[") }
        assertNone(b, "the narrative") { $0.hasSuffix(".narrative") }
        assertNone(b, "the protected address without --include-address") { $0.hasPrefix("address.") }
        // What the police do need is there (so the filter is not simply empty).
        XCTAssertEqual(b.fields["threats[0].perpetrators[0].name"], .text("Ola Fiktiv Voldsen"))
        XCTAssertEqual(b.fields["person.national_id"], .text(SampleCase.adultNationalID))
        XCTAssertEqual(b.fields["threats[0].perpetrators[0].weapons_access"], .bool(true))
        checkAgainstPolicy(b, role: .police, caseFields: caseFields, includeAddress: false)
        XCTAssertEqual(made.withheld, 0, "kari reads every field of her case")
        try assertInnerLacks(made.bytes, recipient: HandoverWorld.police, world: w, [
            "Arbeidsavklaringspenger", "Kommunal leieavtale", "Depositumsgaranti", "legeerklæring",   // economy, applications
            "Beboer forteller om gjentatt vold", "Barnet sover dårlig",                                  // narratives
            "Lindeveien 14 B", "Krisesenteret (adresse sperret)",                                        // address.*
            "Ring 112 ved henvendelse", "Innkomstsamtale",                                               // safety, notes
        ])
    }

    func testPoliceBundleHoldsTheNewAddressOnlyWhenAskedFor() throws {
        let w = try HandoverWorld()
        let caseFields = try w.session("kari").showCase(w.caseID).fields
        let without = try w.open(try w.create(to: HandoverWorld.police).bytes, as: HandoverWorld.police)
        XCTAssertNil(without.fields["address.new"])
        let made = try w.create(to: HandoverWorld.police, includeAddress: true)
        let with = try w.open(made.bytes, as: HandoverWorld.police)
        XCTAssertEqual(with.fields["address.new"], .text("Lindeveien 14 B, 3. etasje, 0000 Nyby"))
        XCTAssertNil(with.fields["address.current"], "the police may never read the current address")
        assertNone(with, "NAV-only fields") { $0.hasPrefix("economy.") || $0.hasPrefix("applications[") }
        assertNone(with, "the narrative") { $0.hasSuffix(".narrative") }
        checkAgainstPolicy(with, role: .police, caseFields: caseFields, includeAddress: true)
        try assertInnerLacks(made.bytes, recipient: HandoverWorld.police, world: w, ["Krisesenteret (adresse sperret)"])
    }

    func testHousingOfficeBundleHoldsNoThreatsAddressOrPerpetrator() throws {
        let w = try HandoverWorld()
        let caseFields = try w.session("kari").showCase(w.caseID).fields
        for includeAddress in [false, true] {
            let made = try w.create(to: HandoverWorld.housing, includeAddress: includeAddress)
            let b = try w.open(made.bytes, as: HandoverWorld.housing)
            assertNone(b, "threat content") { $0.hasPrefix("threats[") }
            assertNone(b, "the protected address") { $0.hasPrefix("address.") }
            assertNone(b, "perpetrator details") { $0.contains("perpetrators") }
            assertNone(b, "police involvement") { $0.hasPrefix("police.") }
            XCTAssertEqual(b.fields["person.address_protection"], .text("strengt-fortrolig"), "the flag, not the address")
            XCTAssertEqual(b.fields["housing.excluded_areas"], .list(["Sentrum øst", "Bryggeområdet"]))
            checkAgainstPolicy(b, role: .housingOffice, caseFields: caseFields, includeAddress: includeAddress)
            try assertInnerLacks(made.bytes, recipient: HandoverWorld.housing, world: w, [
                "Ola Fiktiv Voldsen", "Kvelning 2025", "GPS-sporing", "Lindeveien 14 B", "Krisesenteret (adresse sperret)",
                "Beboer forteller om gjentatt vold", "Vitne til vold mot mor",
            ])
        }
    }

    func testNAVBundleHoldsNoThreatContent() throws {
        let w = try HandoverWorld()
        let caseFields = try w.session("kari").showCase(w.caseID).fields
        let made = try w.create(to: HandoverWorld.nav)
        let b = try w.open(made.bytes, as: HandoverWorld.nav)
        assertNone(b, "threat content") { $0.hasPrefix("threats[") }
        assertNone(b, "the protected address") { $0.hasPrefix("address.") }
        XCTAssertEqual(b.fields["economy.income"], .text("Arbeidsavklaringspenger"))
        XCTAssertNil(b.approver, "NAV handovers need no approval by default")
        checkAgainstPolicy(b, role: .nav, caseFields: caseFields, includeAddress: false)
        try assertInnerLacks(made.bytes, recipient: HandoverWorld.nav, world: w, [
            "Ola Fiktiv Voldsen", "Kvelning 2025", "GPS-sporing", "Beboer forteller om gjentatt vold", "tidligere samboer",
        ])
    }
}
