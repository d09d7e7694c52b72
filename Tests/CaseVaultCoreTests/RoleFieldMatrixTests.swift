import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import XCTest

/// The role × field matrix through the library: for the fully filled sample case, each member
/// decrypts exactly the fields the default policy lets one of their effective roles read.
final class RoleFieldMatrixTests: XCTestCase {
    func testEachMemberDecryptsExactlyWhatThePolicyAllows() throws {
        let t = try TestVault()
        let id = try t.sampleCase()
        let sample = try TestVault.sampleFields()
        let expected = ExpectedAccess.sample()
        XCTAssertGreaterThan(sample.count, 100, "the sample case should fill the whole catalogue")

        for member in TestVault.allMemberIDs {
            let session = try t.session(member)
            guard expected.reaches(member) else {
                TestVault.assertFails([.notFound], "\(member) reading a case they do not reach") { try session.showCase(id) }
                continue
            }
            let opened = try session.showCase(id)
            let want = expected.readable(by: member, among: sample.keys)
            XCTAssertEqual(Set(opened.fields.keys), want,
                           "\(member): extra \(Set(opened.fields.keys).subtracting(want).sorted()), missing \(want.subtracting(opened.fields.keys).sorted())")
            for (path, value) in opened.fields {
                XCTAssertEqual(value, sample[path], "\(member) got a wrong value for \(path)")
            }
            // What they cannot read, they see only as sealed paths; together that is the whole record.
            XCTAssertEqual(Set(opened.sealedPaths), Set(sample.keys).subtracting(want), member)
        }
    }

    /// Hand-written expectations for the roles that are easiest to get wrong, so the matrix
    /// test above cannot pass by sharing a mistake with the policy reader.
    func testSpotChecksPerRole() throws {
        let t = try TestVault()
        let id = try t.sampleCase()
        let sample = try TestVault.sampleFields()

        let lina = Set(try t.session("lina").showCase(id).fields.keys)
        let consents = (0...2).flatMap { i in ["purpose", "recipient_role", "reference", "written", "given_on", "valid_to"].map { "consents[\(i)].\($0)" } }
        XCTAssertEqual(lina, Set(["case.type", "case.phase", "case.status", "case.opened", "person.alias", "police.basis", "police.date"] + consents),
                       "the leader reads case metadata, the alias, the police basis and date, and consents; no other content")

        let nils = Set(try t.session("nils").showCase(id).fields.keys)
        for path in ["person.alias", "children[0].alias", "case.status", "safety.do_not_admit", "safety.alarm_active",
                     "safety.night_instructions", "measures[0].type", "measures[1].valid_to"] {
            XCTAssertTrue(nils.contains(path), "night shift must read \(path)")
        }
        XCTAssertTrue(nils.allSatisfy { !$0.hasPrefix("threats[") && !$0.hasPrefix("address.") && !$0.hasPrefix("notes[")
                && !$0.hasPrefix("police.") && $0 != "person.legal_name" && $0 != "person.national_id" },
                      "night shift reads no narrative, address or identity: \(nils.sorted())")

        let rita = Set(try t.session("rita").showCase(id).fields.keys)
        XCTAssertEqual(rita, Set(sample.keys).subtracting(["children[0].child_welfare_notice"]),
                       "the resident reads her whole record except the child-welfare notice")

        let cecilie = Set(try t.session("cecilie").showCase(id).fields.keys)
        XCTAssertTrue(cecilie.contains("children[0].child_welfare_notice"))
        XCTAssertTrue(cecilie.contains("threats[1].narrative"))
        XCTAssertTrue(cecilie.allSatisfy { !$0.hasPrefix("address.") && !$0.hasPrefix("police.") && !$0.hasPrefix("economy.")
                && !$0.hasPrefix("applications[") && !$0.hasPrefix("notes[") && $0 != "person.national_id" && $0 != "person.legal_name" },
                      "child contact: \(cecilie.sorted())")

        XCTAssertEqual(Set(try t.session("kari").showCase(id).fields.keys), Set(sample.keys), "the contact person reads everything")
    }

    func testMembersWhoDoNotReachTheCaseAreToldItIsNotFound() throws {
        let t = try TestVault()
        let id = try t.sampleCase()
        for member in ["karl", "anne"] {
            let s = try t.session(member)
            TestVault.assertFails([.notFound], "\(member) show") { try s.showCase(id) }
            TestVault.assertFails([.notFound], "\(member) history") { try s.history(id) }
            TestVault.assertFails([.notFound], "\(member) update") { try s.updateCase(id, patchText: "set: {case.status: closed}") }
            TestVault.assertFails([.notFound], "\(member) assign") { try s.assign(id, memberID: member, role: .contactPerson) }
            XCTAssertFalse(try s.listCases().contains { $0.caseID == id }, "\(member) must not see the case in a listing")
        }
        // The same answer as for a case that does not exist at all: existence is not revealed.
        let missing = try CaseID("00112233445566778899")
        let unknown = TestVault.assertFails([.notFound], "missing case") { try t.session("karl").showCase(missing) }
        let hidden = TestVault.assertFails([.notFound], "hidden case") { try t.session("karl").showCase(id) }
        XCTAssertEqual(unknown?.message.replacingOccurrences(of: missing.hex, with: "ID"),
                       hidden?.message.replacingOccurrences(of: id.hex, with: "ID"))
    }

    func testAssignmentChangesWhoReadsTheNextVersion() throws {
        let t = try TestVault()
        let id = try t.sampleCase()
        let sample = try TestVault.sampleFields()
        let kari = try t.session("kari")

        try kari.assign(id, memberID: "karl", role: .contactPerson)
        try kari.assign(id, memberID: "cecilie", role: .childContact, remove: true)
        let expected = ExpectedAccess.sample().assigning("karl", .contactPerson).unassigning("cecilie", .childContact)

        for member in TestVault.allMemberIDs {
            let session = try t.session(member)
            if expected.reaches(member) {
                XCTAssertEqual(Set(try session.showCase(id).fields.keys), expected.readable(by: member, among: sample.keys), member)
            } else {
                TestVault.assertFails([.notFound], member) { try session.showCase(id) }
            }
        }
        XCTAssertEqual(Set(try t.session("karl").showCase(id).fields.keys), Set(sample.keys))
    }

    func testListingGlancesOnlyAtReadableListingFields() throws {
        let t = try TestVault()
        let id = try t.sampleCase()
        let expected = ExpectedAccess.sample()
        for member in TestVault.allMemberIDs {
            let listed = try t.session(member).listCases()
            guard expected.reaches(member) else {
                XCTAssertTrue(listed.isEmpty, member)
                continue
            }
            let entry = try XCTUnwrap(listed.first { $0.caseID == id }, member)
            let want = expected.readable(by: member, among: ["person.alias", "case.phase", "case.status"])
            XCTAssertEqual(Set(entry.glance.keys), want, member)
        }
    }
}
