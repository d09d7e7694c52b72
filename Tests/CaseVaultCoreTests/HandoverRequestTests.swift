import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import Foundation
import SodiumKit
import XCTest

/// Approval at the approver's own time: the contact person asks, the leader (another key)
/// reviews exactly what would leave, then approves or rejects; the contact person sends, and
/// the recipient checks the carried approval.
final class HandoverRequestTests: XCTestCase {
    private let police = HandoverWorld.police

    private func ask(_ w: HandoverWorld, to recipient: String = HandoverWorld.police, includeAddress: Bool = false) throws -> ApprovalRequest {
        try w.session("kari").requestHandover(w.request(to: recipient, includeAddress: includeAddress))
    }

    private func approve(_ w: HandoverWorld, _ id: String) throws {
        _ = try w.session("lina").reviewHandoverRequest(id)
        _ = try w.session("lina").decideHandoverRequest(id, verdict: .approve)
    }

    func testARequestApprovedByTheLeaderOnAnotherKeyIsSentAndTheRecipientSeesTheApproval() throws {
        let w = try HandoverWorld()
        let request = try ask(w)
        XCTAssertEqual(request.requester, "kari")
        XCTAssertTrue(request.fields.contains("threats[0].perpetrators[0].name"))
        XCTAssertFalse(request.fields.contains { $0.hasPrefix("address.") }, "the address leaves only when asked for")

        let pending = try w.session("lina").handoverRequests()
        XCTAssertEqual(pending.map(\.request.requestID), [request.requestID])
        XCTAssertEqual(pending.first?.status, .pending)
        XCTAssertEqual(try w.session("karl").handoverRequests().count, 0, "another contact person sees no one else's requests")

        // The leader sees every path before deciding, the values their role may read, and the purpose.
        let review = try w.session("lina").reviewHandoverRequest(request.requestID)
        XCTAssertEqual(review.request.fields, request.fields)
        XCTAssertEqual(review.purpose, HandoverWorld.purpose)
        XCTAssertEqual(Set(review.values.keys).union(review.sealedFromReviewer), Set(request.fields))
        XCTAssertEqual(review.values["person.alias"], .text("Blåklokke"), "the leader's role reads the alias")
        XCTAssertTrue(review.sealedFromReviewer.contains("threats[0].perpetrators[0].name"), "…but not the perpetrator's name")

        let decision = try w.session("lina").decideHandoverRequest(request.requestID, verdict: .approve)
        XCTAssertEqual(decision.approver, "lina")
        XCTAssertEqual(decision.requestHash, request.hash)

        let sent = try w.session("kari").sendRequestedHandover(request.requestID)
        XCTAssertEqual(sent.manifest.fields, request.fields, "exactly the approved selection leaves")
        let opened = try w.open(sent.bytes, as: police)
        XCTAssertEqual(opened.approver?.id, "lina")
        XCTAssertEqual(opened.manifest.purpose, HandoverWorld.purpose)
        XCTAssertEqual(try w.session("kari").showCase(w.caseID).fields["disclosures[0].approved_by"], .text("lina"))
        XCTAssertEqual(try w.session("lina").handoverRequests().first?.status, .sent)

        let actions = try w.rawLogEntries().map { try LogEntry.parse($0) }
        let trail = actions.filter { $0.detailValue("request") == request.requestID }.map(\.action)
        XCTAssertEqual(trail, ["handover.request", "case.read", "handover.approve"], "request, the leader's logged read, then approval")
        XCTAssertEqual(actions.last { $0.action == "handover.create" }?.detailValue("approved-by"), "lina")
        expectHandoverError(.refused, "a request is sent once") { try w.session("kari").sendRequestedHandover(request.requestID) }
    }

    func testNoDecisionWithoutAReviewAndNoneByTheRequesterOrANonLeader() throws {
        let w = try HandoverWorld()
        let request = try ask(w)
        expectHandoverError(.refused, "approval before a review") { try w.session("lina").decideHandoverRequest(request.requestID, verdict: .approve) }
        expectHandoverError(.accessDenied, "a contact person cannot approve") {
            try w.session("karl").decideHandoverRequest(request.requestID, verdict: .approve)
        }
        expectHandoverError(.accessDenied, "the night shift cannot review") { try w.session("nils").reviewHandoverRequest(request.requestID) }
        expectHandoverError(.invalidInput, "a rejection needs a reason") { try w.session("lina").decideHandoverRequest(request.requestID, verdict: .reject) }
    }

    func testMissingOrRejectedApprovalIsRefused() throws {
        let w = try HandoverWorld()
        let request = try ask(w)
        expectHandoverError(.accessDenied, "not approved yet") { try w.session("kari").sendRequestedHandover(request.requestID) }
        _ = try w.session("lina").reviewHandoverRequest(request.requestID)
        _ = try w.session("lina").decideHandoverRequest(request.requestID, verdict: .reject, reason: "Mangler samtykke fra beboer")
        expectHandoverError(.accessDenied, "rejected") { try w.session("kari").sendRequestedHandover(request.requestID) }
        let mine = try XCTUnwrap(try w.session("kari").handoverRequests().first)
        XCTAssertEqual(mine.status, .rejected)
        XCTAssertEqual(mine.reason, "Mangler samtykke fra beboer", "the requester reads why, sealed to her and the approver")
        expectHandoverError(.refused, "decided once") { try w.session("lina").decideHandoverRequest(request.requestID, verdict: .approve) }
        XCTAssertEqual(try w.count("SELECT COUNT(*) FROM handover_disclosures"), 0)
        let reject = try XCTUnwrap(try w.rawLogEntries().map { try LogEntry.parse($0) }.last { $0.action == "handover.reject" })
        XCTAssertNotNil(reject.reasonCommitment, "the reason is sealed, only committed to in the log")
    }

    func testAForgedApprovalInTheDatabaseIsRefused() throws {
        let w = try HandoverWorld()
        let request = try ask(w)
        // Someone with write access to vault.sqlite writes an approval "by lina", signed by another key.
        var forged = ApprovalDecision(requestID: request.requestID, vaultID: w.vault.vaultID, requestHash: request.hash, verdict: .approve,
                                      reasonCommitment: nil, approver: "lina", decided: w.t.clock.now())
        try forged.sign(with: w.identity("karl").signingKey)
        let db = try RawDatabase(w.t)
        try db.execute("UPDATE handover_requests SET decision = ?", [forged.text])
        expectHandoverError(.authenticationFailed, "forged signature") { try w.session("kari").sendRequestedHandover(request.requestID) }
        // A real rejection edited to read "approve" no longer verifies either.
        try db.execute("UPDATE handover_requests SET decision = NULL, reviewed_by = ''")
        _ = try w.session("lina").reviewHandoverRequest(request.requestID)
        let rejected = try w.session("lina").decideHandoverRequest(request.requestID, verdict: .reject, reason: "Nei")
        try db.execute("UPDATE handover_requests SET decision = ?", [rejected.text.replacingOccurrences(of: "decision reject", with: "decision approve")])
        expectHandoverError(.authenticationFailed, "edited verdict") { try w.session("kari").sendRequestedHandover(request.requestID) }
        // A request whose field list was widened after approval no longer matches the approval's hash.
        try db.execute("UPDATE handover_requests SET decision = NULL, reviewed_by = ''")
        try approve(w, request.requestID)
        let stored = try XCTUnwrap(try db.text("SELECT request FROM handover_requests"))
        let widened = CaseRecord.order(request.fields + ["address.new"]).joined(separator: ",")
        try db.execute("UPDATE handover_requests SET request = ?",
                       [stored.replacingOccurrences(of: "fields \(request.fields.joined(separator: ","))", with: "fields \(widened)")])
        expectHandoverError(.authenticationFailed, "widened request") { try w.session("kari").sendRequestedHandover(request.requestID) }
    }

    func testTheRecipientRefusesAnApprovalForgedByTheSenderOrNotMatchingTheBundle() throws {
        let w = try HandoverWorld()
        let request = try ask(w)
        try approve(w, request.requestID)
        let good = try w.session("kari").sendRequestedHandover(request.requestID)
        let opened = try w.open(good.bytes, as: police)
        XCTAssertEqual(opened.approver?.id, "lina")
        let kari = try w.certifiedEntry("kari"), lina = try w.certifiedEntry("lina")
        // The sender adds a field and signs a new request and a decision "by lina" with her own key.
        var widened = request
        widened.fields = CaseRecord.order(request.fields + ["address.new"])
        try widened.sign(with: w.identity("kari").signingKey)
        var decision = ApprovalDecision(requestID: widened.requestID, vaultID: w.vault.vaultID, requestHash: widened.hash, verdict: .approve,
                                        reasonCommitment: nil, approver: "lina", decided: opened.manifest.created)
        try decision.sign(with: w.identity("kari").signingKey)
        var m = opened.manifest
        m.fields = widened.fields
        expectHandoverError(.authenticationFailed) {
            try HandoverBundle.ApprovalEvidence(request: widened.text, decision: decision.text).verify(manifest: m, sender: kari, approver: lina)
        }
        // The genuine approval over a bundle holding one more field than approved is refused too.
        let real = HandoverBundle.ApprovalEvidence(request: request.text, decision: try XCTUnwrap(try RawDatabase(w.t).text("SELECT decision FROM handover_requests")))
        XCTAssertNoThrow(try real.verify(manifest: opened.manifest, sender: kari, approver: lina))
        let e = expectHandoverError(.authenticationFailed) { try real.verify(manifest: m, sender: kari, approver: lina) }
        XCTAssertTrue(e?.message.contains("exactly what the approved request names") ?? false, e?.message ?? "")
        expectHandoverError(.authenticationFailed, "the approver cannot be the sender") { try real.verify(manifest: opened.manifest, sender: kari, approver: kari) }
    }

    func testSendingIsRefusedWhenTheCaseChangedTheSelection() throws {
        let w = try HandoverWorld()
        let request = try ask(w)
        try approve(w, request.requestID)
        try w.session("kari").updateCase(w.caseID, patchText: "set: {\"threats[0].perpetrators[0].name\": \"Per Annen\"}")
        expectHandoverError(.refused) { try w.session("kari").sendRequestedHandover(request.requestID) }
        XCTAssertEqual(try w.count("SELECT COUNT(*) FROM handover_disclosures"), 0)
    }

    func testTheStoredPurposeIsSealed() throws {
        let w = try HandoverWorld()
        let purpose = "Voldsalarm ved ny bolig, hemmelig formål QX-\(UInt32.random(in: 100_000...999_999))"
        var ask = w.request(to: police)
        ask.purpose = purpose
        _ = try w.session("kari").requestHandover(ask)
        let raw = try Data(contentsOf: URL(fileURLWithPath: w.t.databasePath))
        XCTAssertNil(raw.range(of: Data("hemmelig formål".utf8)), "the purpose is never in the database in the clear")
    }

    func testAConsentWithdrawnAfterApprovalStopsTheSending() throws {
        let w = try HandoverWorld()
        let request = try ask(w)
        try approve(w, request.requestID)
        try w.session("kari").updateCase(w.caseID, patchText: "set: {\"consents[0].withdrawn_on\": 2026-11-01}")
        let e = expectHandoverError(.accessDenied) { try w.session("kari").sendRequestedHandover(request.requestID) }
        XCTAssertTrue(e?.message.contains("withdrawn") ?? false, e?.message ?? "")
    }
}
