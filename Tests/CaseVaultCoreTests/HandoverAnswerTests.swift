import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import Foundation
import SodiumKit
import XCTest

/// Answers that come back: the police send their own assessment, sealed to the member who sent
/// the bundle and signed with their key; the centre imports it as a new version from the police.
final class HandoverAnswerTests: XCTestCase {
    private let police = HandoverWorld.police

    static let assessment = """
        kind: assessment
        summary: Politiet vurderer risikoen som høy; voldsalarm anbefales.
        assessment_tool: SARA:SV
        assessment_level: high
        assessment_date: 2026-11-30
        """

    private func answered(_ w: HandoverWorld, text: String = HandoverAnswerTests.assessment) throws -> (bundle: OpenedBundle, answer: [UInt8]) {
        let bundle = try w.open(try w.create(to: police).bytes, as: police)
        return (bundle, try HandoverAnswer.make(answering: bundle, answerText: text, identity: w.identity(police)).bytes)
    }

    func testAPoliceAnswerIsImportedAsAVersionFromThePolice() throws {
        let w = try HandoverWorld()
        let (bundle, answer) = try answered(w)
        let imported = try w.session("kari").importAnswer(answer)
        XCTAssertEqual(imported.manifest.bundleID, bundle.manifest.bundleID)
        let kari = try w.session("kari").showCase(w.caseID)
        XCTAssertEqual(kari.latest.version, imported.version)
        XCTAssertEqual(kari.fields["answers[0].assessment_level"], .text("high"))
        XCTAssertEqual(kari.fields["answers[0].from"], .text(police))
        XCTAssertEqual(kari.fields["answers[0].from_role"], .text("police"))
        XCTAssertEqual(kari.fields["answers[0].bundle"], .text(bundle.manifest.bundleID))
        let sources = try w.session("kari").answerSources(w.caseID)
        XCTAssertEqual(sources[imported.version], AnswerSource(recipient: police, role: .police, answerID: imported.manifest.answerID))
        XCTAssertEqual(sources.count, 1)
        let entry = try XCTUnwrap(try w.rawLogEntries().map { try LogEntry.parse($0) }.last { $0.action == "handover.answer-import" })
        XCTAssertEqual(entry.actor, "kari")
        XCTAssertEqual(entry.detailValue("recipient"), police)
        XCTAssertEqual(entry.detailValue("version"), String(imported.version))
        // The night shift sees the decided measures of answers, never the police's assessment.
        XCTAssertNil(try w.session("nils").showCase(w.caseID).fields["answers[0].assessment_level"])
    }

    func testAReplayedAnswerIsRefused() throws {
        let w = try HandoverWorld()
        let (_, answer) = try answered(w)
        _ = try w.session("kari").importAnswer(answer)
        expectHandoverError(.refused) { try w.session("kari").importAnswer(answer) }
    }

    func testATamperedAnswerIsRefusedAndChangesNothing() throws {
        let w = try HandoverWorld()
        let (_, answer) = try answered(w)
        let before = try w.session("kari").showCase(w.caseID).latest.version
        for offset in [9, 30, answer.count - 1] {
            var bad = answer
            bad[offset] ^= 0x01
            expectHandoverError(nil, "byte \(offset)") { try w.session("kari").importAnswer(bad) }
        }
        XCTAssertEqual(try w.session("kari").showCase(w.caseID).latest.version, before)
        XCTAssertEqual(try w.count("SELECT COUNT(*) FROM handover_answers"), 0)
    }

    func testAnAnswerSignedByAnotherKeyOrSealedToAnotherMemberIsRefused() throws {
        let w = try HandoverWorld()
        let bundle = try w.open(try w.create(to: police).bytes, as: police)
        // Someone holding the bundle but not the police key signs an answer "from the police".
        let impostor = try SecretIdentity.generate()
        let fakeBundle = OpenedBundle(manifest: bundle.manifest, fields: [:], sender: bundle.sender, approver: nil, centre: bundle.centre, roster: bundle.roster, checkpoint: bundle.checkpoint, openedAfterExpiry: false)
        XCTAssertThrowsError(try HandoverAnswer.make(answering: fakeBundle, answerText: Self.assessment, identity: impostor))
        var manifestOnly = bundle.manifest
        manifestOnly.recipientFingerprint = impostor.publicIdentity.fingerprint
        let forged = try HandoverAnswer.make(answering: OpenedBundle(manifest: manifestOnly, fields: [:], sender: bundle.sender, approver: nil, centre: bundle.centre, roster: bundle.roster, checkpoint: bundle.checkpoint,
                                                                     openedAfterExpiry: false), answerText: Self.assessment, identity: impostor).bytes
        expectHandoverError(.authenticationFailed) { try w.session("kari").importAnswer(forged) }
        let genuine = try HandoverAnswer.make(answering: bundle, answerText: Self.assessment, identity: w.identity(police)).bytes
        expectHandoverError(.accessDenied, "sealed to kari, not karl") { try w.session("karl").importAnswer(genuine) }
    }

    func testAnswerContentIsValidatedAndBoundedByKind() throws {
        let w = try HandoverWorld()
        let bundle = try w.open(try w.create(to: police).bytes, as: police)
        func make(_ text: String) throws { _ = try HandoverAnswer.make(answering: bundle, answerText: text, identity: w.identity(police)) }
        expectHandoverError(.accessDenied, "the police send no housing offer") { try make("kind: housing-offer\noffer_area: Nordstrand\n") }
        expectHandoverError(.invalidInput, "a centre field") { try make(Self.assessment + "\nfrom: politi-ost\n") }
        expectHandoverError(.invalidInput, "another kind's field") { try make(Self.assessment + "\noffer_area: Nordstrand\n") }
        expectHandoverError(.invalidInput, "bad level") { try make("kind: assessment\nassessment_level: extreme\nassessment_date: 2026-11-30\n") }
        expectHandoverError(.invalidInput, "too big") { try make(Self.assessment.replacingOccurrences(of: "anbefales.", with: String(repeating: "x", count: 70_000))) }
        expectHandoverError(.invalidInput, "valid_to before valid_from") {
            try make("kind: measures\nmeasures:\n  - {type: contact-ban, decided_on: 2026-11-30, valid_from: 2026-12-01, valid_to: 2026-11-01}\n")
        }
        XCTAssertNoThrow(try make("kind: measures\nmeasures:\n  - {type: mobile-violence-alarm, decided_on: 2026-11-30, valid_from: 2026-12-01, valid_to: 2027-03-01}\n"))
    }
}
