import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import CaseVaultSync
import Foundation
import SodiumKit
import XCTest

/// Bundles and answers delivered through inboxes on the server: sealed before they leave, so
/// the server only carries them; each inbox opens only to its owner's key.
final class InboxDeliveryTests: XCTestCase {
    private let police = HandoverWorld.police

    func testABundleAndItsAnswerTravelThroughInboxes() throws {
        let w = try HandoverWorld()
        let shared = try SharedWorld(world: w.t)
        let kari = try shared.client("kari")
        let bundle = try w.create(to: police).bytes
        try kari.deliver(bundle, to: police)

        let politi = try shared.client(police)
        let waiting = try politi.inbox()
        XCTAssertEqual(waiting.map(\.from), ["kari"])
        let received = try politi.fetch(waiting[0].id)
        XCTAssertEqual(received, bundle)
        let opened = try w.open(received, as: police)
        XCTAssertEqual(opened.manifest.caseID, w.caseID)

        let answer = try HandoverAnswer.make(answering: opened, answerText: """
            kind: assessment
            summary: Politiet vurderer risikoen som høy.
            assessment_tool: SARA:SV
            assessment_level: high
            assessment_date: 2026-11-30
            """, identity: w.identity(police)).bytes
        try politi.deliver(answer, to: "kari")

        let back = try kari.inbox()
        XCTAssertEqual(back.map(\.from), [police])
        let imported = try w.session("kari").importAnswer(try kari.fetch(back[0].id))
        XCTAssertEqual(imported.manifest.bundleID, opened.manifest.bundleID)
    }

    func testAnInboxOpensOnlyToItsOwnerAndARecipientNeverReadsTheVault() throws {
        let w = try HandoverWorld()
        let shared = try SharedWorld(world: w.t)
        let item = try shared.client("kari").deliver(try w.create(to: police).bytes, to: police)
        let nav = try shared.client(HandoverWorld.nav)
        XCTAssertEqual(try nav.inbox().count, 0)
        XCTAssertThrowsError(try nav.fetch(item))
        let politi = try shared.client(police)
        XCTAssertThrowsError(try politi.pull(after: 0)) { XCTAssertEqual(($0 as? SyncFailure)?.kind, .refused(status: 403)) }
        XCTAssertThrowsError(try politi.push(base: 0, rows: [])) { XCTAssertEqual(($0 as? SyncFailure)?.kind, .refused(status: 403)) }
    }
}
