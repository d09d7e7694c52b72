import AccessPolicy
import CaseVaultCore
@testable import CaseVaultTestSupport
import XCTest

/// Case-id prefixes are resolved among the cases a member reaches, so a prefix never tells a
/// member that someone else's case exists, and never opens it.
final class CaseIDLookupTests: XCTestCase {
    func testPrefixesResolveOnlyAmongReachableCases() throws {
        let tv = try TestVault()
        let kari = try tv.session("kari"), karl = try tv.session("karl")
        let kariCase = try kari.createCase(recordText: "case: {type: resident, opened: 2026-11-20}\nperson: {alias: Blåklokke}")
        // Enough of karl's cases that some share a first digit with kari's.
        var karlCases: [CaseID] = []
        for i in 0..<24 { karlCases.append(try karl.createCase(recordText: "case: {type: resident, opened: 2026-11-20}\nperson: {alias: Sak\(i)}")) }

        XCTAssertEqual(try kari.reachableCaseIDs(), [kariCase])
        XCTAssertEqual(try kari.resolveCaseID(String(kariCase.hex.prefix(4))), kariCase)
        XCTAssertEqual(try kari.resolveCaseID(kariCase.hex.uppercased()), kariCase)
        for other in karlCases {
            for length in [4, 8, 19] {
                let prefix = String(other.hex.prefix(length))
                if kariCase.hex.hasPrefix(prefix) {
                    XCTAssertEqual(try kari.resolveCaseID(prefix), kariCase, "a shared prefix means kari's own case")
                } else {
                    TestVault.assertFails([.notFound], "karl's case by prefix") { try kari.resolveCaseID(prefix) }
                }
            }
        }
        // The leader reaches every case: a prefix two cases share is refused, never guessed.
        let lina = try tv.session("lina")
        XCTAssertEqual(Set(try lina.reachableCaseIDs()), Set(karlCases + [kariCase]))
        let all = karlCases + [kariCase]
        if let shared = all.first(where: { a in all.contains { $0 != a && $0.hex.prefix(4) == a.hex.prefix(4) } }) {
            TestVault.assertFails([.invalidInput], "ambiguous prefix") { try lina.resolveCaseID(String(shared.hex.prefix(4))) }
        }
        for bad in ["", "   ", "abc", String(repeating: "a", count: 21)] {
            TestVault.assertFails([.invalidInput], "bad id \(bad)") { try kari.resolveCaseID(bad) }
        }
        // Anything else that is not an id of hers may be an alias: none of her cases has it.
        for unknown in ["xyz0", "Sak3"] {
            TestVault.assertFails([.notFound], "unknown \(unknown)") { try kari.resolveCaseID(unknown) }
        }
    }

    func testAnAliasNamesACaseWhereTheMemberReadsAliasesAndItIsUnique() throws {
        let tv = try TestVault()
        let kari = try tv.session("kari"), karl = try tv.session("karl")
        let bluebell = try kari.createCase(recordText: "case: {type: resident, opened: 2026-11-20}\nperson: {alias: Blåklokke}")
        XCTAssertEqual(try kari.resolveCaseID("Blåklokke"), bluebell)
        XCTAssertEqual(try kari.resolveCaseID("blåklokke"), bluebell, "letter case does not matter")
        TestVault.assertFails([.notFound], "karl does not reach it") { try karl.resolveCaseID("Blåklokke") }
        TestVault.assertFails([.notFound], "the auditor may not read aliases") { try tv.session("anne").resolveCaseID("Blåklokke") }
        // Two cases with one alias: the leader, who reaches both, must give the id.
        _ = try karl.createCase(recordText: "case: {type: resident, opened: 2026-11-20}\nperson: {alias: Blåklokke}")
        XCTAssertEqual(try kari.resolveCaseID("Blåklokke"), bluebell, "unique among the cases kari reaches")
        TestVault.assertFails([.invalidInput], "ambiguous alias") { try tv.session("lina").resolveCaseID("Blåklokke") }
    }
}
