@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import AccessPolicy
import Foundation
import SodiumKit
import XCTest

/// The core logs every refusal itself: a program that uses `Session` directly, with no CLI in
/// between, leaves the same `access.denied` entries as the CLI does.
final class SessionRefusalLogTests: XCTestCase {
    private var t: TestVault!

    override func setUpWithError() throws { t = try TestVault() }
    override func tearDown() { t = nil }

    private func refusals() throws -> [LogEntry] {
        try storedEntries(t).filter { $0.action == LogAction.accessDenied.rawValue }
    }

    func testAWrongRoleMemberCallingSessionDirectlyIsLogged() throws {
        let before = try refusals().count
        // nils is on the night shift: not a contact person, so he may not open a case.
        TestVault.assertFails([.accessDenied], "night shift opens a case") { try t.session("nils").createCase(recordText: "case: {type: resident, opened: 2026-11-20}\nperson: {alias: A}") }
        let after = try refusals()
        XCTAssertEqual(after.count, before + 1, "the refusal is in the log")
        let entry = try XCTUnwrap(after.last)
        XCTAssertEqual(entry.actor, "nils")
        XCTAssertEqual(entry.detailValue("command"), "case.new")
        XCTAssertEqual(entry.detailValue("error"), VaultError.Kind.accessDenied.logName)
    }

    func testARefusedUpdateNamesTheCase() throws {
        let id = try t.session("kari").createCase(recordText: "case: {type: resident, opened: 2026-11-20}\nperson: {alias: A}")
        TestVault.assertFails([.accessDenied, .notFound], "unassigned member updates") {
            try t.session("karl").updateCase(id, patchText: "set: {case.status: closed}")
        }
        let entry = try XCTUnwrap(try refusals().last)
        XCTAssertEqual(entry.actor, "karl")
        XCTAssertEqual(entry.caseID, id)
        XCTAssertEqual(entry.detailValue("command"), "case.update")
    }

    func testAKeyNotOnTheRosterIsLoggedWhenTheSessionIsRefused() throws {
        let before = try refusals().count
        let stranger = try SecretIdentity.generate()
        TestVault.assertFails([.accessDenied], "a key not on the roster") { try Session(vault: t.vault, identity: stranger, command: "case.list") }
        let after = try refusals()
        XCTAssertEqual(after.count, before + 1)
        XCTAssertEqual(after.last?.actor, LogEntry.unknownActor)
        XCTAssertEqual(after.last?.detailValue("command"), "case.list")
    }

    func testARevokedMemberIsLoggedWhenTheSessionIsRefused() throws {
        _ = try t.session("lina").revoke(id: "nils", kind: .member)
        TestVault.assertFails([.accessDenied], "a revoked member") { try t.session("nils") }
        let entry = try XCTUnwrap(try refusals().last)
        XCTAssertEqual(entry.detailValue("claimed"), "nils")
    }

    func testBadInputIsNotAnAttemptAndIsNotLogged() throws {
        let before = try refusals().count
        TestVault.assertFails([.invalidInput], "malformed record") { try t.session("kari").createCase(recordText: "case: {type: resident, opened: 2026-11-20}\nperson: {alias: [") }
        XCTAssertEqual(try refusals().count, before)
    }
}
