import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import SodiumKit
import XCTest

/// The sender picks what leaves (`--field`), within the policy maximum for the recipient's role;
/// a bundle carries only the consents naming its recipient's role; the signed manifest, the log
/// and the approver's review name exactly the chosen fields.
final class HandoverFieldChoiceTests: XCTestCase {
    private let housing = HandoverWorld.housing
    private let chosen = ["person.legal_name", "housing.excluded_areas", "consents"]

    private func ask(_ w: HandoverWorld, to recipient: String, fields: [String]?) -> HandoverRequest {
        var r = w.request(to: recipient)
        r.fields = fields
        return r
    }

    func testAHousingBundleWithChosenFieldsCarriesOnlyThemAndOnlyTheHousingConsent() throws {
        let w = try HandoverWorld()
        let sent = try w.session("kari").createHandover(ask(w, to: housing, fields: chosen), approver: nil)
        let consent = ["purpose", "recipient_role", "reference", "written", "given_on", "valid_to"].map { "consents[1].\($0)" }
        XCTAssertEqual(Set(sent.manifest.fields), Set(["person.legal_name", "housing.excluded_areas"] + consent),
                       "only the chosen fields, and of the consents only the housing office's (consents[1])")
        let opened = try w.open(sent.bytes, as: housing)
        XCTAssertEqual(opened.manifest.fields, sent.manifest.fields)
        XCTAssertEqual(Set(opened.fields.keys), Set(sent.manifest.fields), "the recipient sees exactly the chosen fields")
        XCTAssertEqual(opened.fields["consents[1].reference"], .text("SAM-2026-015"))

        let entry = try XCTUnwrap(try w.rawLogEntries().map { try LogEntry.parse($0) }.last { $0.action == "handover.create" })
        XCTAssertEqual(entry.fields, sent.manifest.fields, "the log entry names the chosen fields")
        let disclosed = try w.session("kari").showCase(w.caseID).fields["disclosures[0].fields"]
        XCTAssertEqual(disclosed, .list(sent.manifest.fields), "the case's disclosure names them too")
    }

    func testWithoutAChoiceEveryBundleCarriesOnlyTheConsentNamingItsRecipient() throws {
        let w = try HandoverWorld()
        for (recipient, index) in [(housing, 1), (HandoverWorld.nav, 2), (HandoverWorld.police, 0)] {
            let fields = try w.create(to: recipient).manifest.fields
            let consents = Set(fields.filter { $0.hasPrefix("consents[") }.map { String($0.prefix { $0 != "]" }) + "]" })
            XCTAssertEqual(consents, ["consents[\(index)]"], "\(recipient) gets its own consent only")
            XCTAssertTrue(fields.contains("person.legal_name"), "without --field the policy maximum leaves, as before")
        }
    }

    func testAFieldOutsideThePolicyOrTheCaseIsRefusedAndNothingIsWrittenOrLogged() throws {
        let w = try HandoverWorld()
        let versions = try w.session("kari").showCase(w.caseID).latest.version
        let before = try w.count("SELECT COUNT(*) FROM log_entries")
        let cases: [(String, String)] = [
            ("threats[0].narrative", "the policy does not give it to housing-office"),  // kari reads it; the housing office may not
            ("consents[0]", "its consent names another recipient"),                       // the police's consent
            ("measures[7]", "matches nothing in this case"),
            ("address.new", "the policy does not give it to housing-office"),
            ("no_such_section", "names no field of the catalogue"),
        ]
        for (field, expected) in cases {
            let e = expectHandoverError(.invalidInput, field) {
                try w.session("kari").createHandover(ask(w, to: housing, fields: ["person.legal_name", field]), approver: nil)
            }
            XCTAssertTrue(e?.message.contains(field) ?? false, e?.message ?? "")
            XCTAssertTrue(e?.message.contains(expected) ?? false, e?.message ?? "")
            XCTAssertFalse(e?.message.contains("\n") ?? true)
        }
        let control = expectHandoverError(.invalidInput) {
            try w.session("kari").createHandover(ask(w, to: housing, fields: ["housing\nthreats"]), approver: nil)
        }
        XCTAssertFalse(control?.message.contains("\n") ?? true, "the error stays one line")
        let address = expectHandoverError(.invalidInput) {
            try w.session("kari").createHandover(ask(w, to: HandoverWorld.police, fields: ["address.new"]), approver: w.identity("lina"))
        }
        XCTAssertTrue(address?.message.contains("leaves only with --include-address") ?? false, "naming the address is not enough")
        expectHandoverError(.invalidInput) { try w.session("kari").requestHandover(ask(w, to: housing, fields: ["threats"])) }
        XCTAssertEqual(try w.count("SELECT COUNT(*) FROM log_entries"), before, "a refused choice logs nothing")
        XCTAssertEqual(try w.count("SELECT COUNT(*) FROM handover_disclosures"), 0)
        XCTAssertEqual(try w.count("SELECT COUNT(*) FROM handover_requests"), 0)
        XCTAssertEqual(try w.session("kari").showCase(w.caseID).latest.version, versions, "no version was written")
    }

    func testARequestCarriesTheChoiceAndTheReviewShowsExactlyItWithSizes() throws {
        let w = try HandoverWorld()
        let request = try w.session("kari").requestHandover(ask(w, to: housing, fields: chosen))
        XCTAssertEqual(request.fields, CaseRecord.order(request.fields))
        XCTAssertFalse(request.fields.contains { $0.hasPrefix("consents[0]") || $0.hasPrefix("consents[2]") || $0.hasPrefix("housing.neighbourhood") })
        XCTAssertTrue(request.fields.contains("housing.excluded_areas"))

        let review = try w.session("lina").reviewHandoverRequest(request.requestID)
        XCTAssertEqual(review.request.fields, request.fields, "the signed request names the chosen fields")
        XCTAssertEqual(Set(review.sealedSizes.keys), Set(request.fields), "every field that leaves has its size")
        XCTAssertTrue(review.sealedSizes.values.allSatisfy { $0 > 16 }, "sealed sizes include the tag")
        XCTAssertEqual(review.purpose, HandoverWorld.purpose)
        XCTAssertEqual(review.values["consents[1].reference"], .text("SAM-2026-015"))
        XCTAssertNil(review.values["person.legal_name"], "the leader does not open what her role may not read")

        _ = try w.session("lina").decideHandoverRequest(request.requestID, verdict: .approve)
        let sent = try w.session("kari").sendRequestedHandover(request.requestID)
        XCTAssertEqual(sent.manifest.fields, request.fields, "exactly the approved choice leaves")
        XCTAssertEqual(Set(try w.open(sent.bytes, as: housing).fields.keys), Set(request.fields))
    }

    func testARejectionNamesFieldsToDropAndTheRequesterSeesThem() throws {
        let w = try HandoverWorld()
        let request = try w.session("kari").requestHandover(ask(w, to: housing, fields: chosen))
        _ = try w.session("lina").reviewHandoverRequest(request.requestID)
        expectHandoverError(.invalidInput, "only a rejection drops") {
            try w.session("lina").decideHandoverRequest(request.requestID, verdict: .approve, drop: ["person.legal_name"])
        }
        expectHandoverError(.invalidInput, "not in the request") {
            try w.session("lina").decideHandoverRequest(request.requestID, verdict: .reject, reason: "Nei", drop: ["housing.neighbourhood"])
        }
        let d = try w.session("lina").decideHandoverRequest(request.requestID, verdict: .reject, reason: "For mye", drop: ["person.legal_name", "consents[1].written"])
        XCTAssertEqual(d.drop, CaseRecord.order(["person.legal_name", "consents[1].written"]))
        XCTAssertTrue(d.text.hasPrefix("casevault-handover-decision v2\n"), d.text)
        XCTAssertEqual(try ApprovalDecision.parse(d.text), d)
        let mine = try XCTUnwrap(try w.session("kari").handoverRequests().first)
        XCTAssertEqual(mine.status, .rejected)
        XCTAssertEqual(mine.drop, d.drop, "the requester sees which fields to drop")
        XCTAssertEqual(mine.reason, "For mye")

        var approve = d
        approve.verdict = .approve
        expectHandoverError(.unsupportedFormat, "an approval naming fields to drop") { try ApprovalDecision.parse(approve.text) }
        var plain = d
        plain.drop = []
        XCTAssertTrue(plain.text.hasPrefix("casevault-handover-decision v1\n"), "without fields to drop the decision stays version 1")
    }

    func testAManifestWhoseFieldListWasChangedIsRefused() throws {
        let w = try HandoverWorld()
        let sent = try w.session("kari").createHandover(ask(w, to: housing, fields: chosen), approver: nil)
        let recipient = try w.certifiedEntry(housing).identity
        let original = "fields \(sent.manifest.fields.joined(separator: ","))\n"
        let shorter = "fields \(sent.manifest.fields.filter { $0 != "person.legal_name" }.joined(separator: ","))\n"
        for resign in [false, true] {
            var parts = try BundleSurgery.Inner.parse(try BundleSurgery.decryptInner(sent.bytes, with: w.identity(housing)))
            XCTAssertTrue(parts.manifest.contains(original))
            parts.manifest = parts.manifest.replacingOccurrences(of: original, with: shorter)
            // Re-signed by the sender herself, the manifest no longer matches the logged entry.
            if resign { parts.resign(sender: w.identity("kari").signingKey) }
            let bytes = try BundleSurgery.sealOuter(parts.encoded, to: recipient)
            expectHandoverError(.authenticationFailed, resign ? "re-signed" : "unsigned") { try w.open(bytes, as: housing) }
        }
    }
}
