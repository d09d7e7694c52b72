import CaseVaultCore
import CaseVaultSamples
import Foundation
import XCTest

/// Recovery through the command line: the only contact person's key file is deleted, and two
/// of three trustees give the substitute the case.
final class RecoveryCLITests: XCTestCase {
    static let canary = "Kanari Gjenoppretting-5521"

    func testTwoOfThreeTrusteesRecoverACaseWhoseOnlyReaderKeyIsDeleted() throws {
        let v = try CLIVault()
        try v.run(as: "lina", ["recovery", "setup", "--trustees", "anne,nils,lina", "--threshold", "2"]).assertSuccess("recovery setup")
        let caseID = try v.newCase(SampleCase.yaml.replacingOccurrences(of: "Anna Fiktiv Testesen", with: Self.canary))
        try FileManager.default.removeItem(atPath: v.keyPath("kari"))
        try v.run(as: "lina", ["member", "revoke", "kari"]).assertSuccess("revoke kari")
        try v.run(as: "lina", ["case", "assign", caseID, "--member", "karl", "--as", "contact-person"]).assertSuccess("assign karl")
        XCTAssertFalse(try v.run(as: "karl", ["case", "show", caseID]).stdout.contains(Self.canary))

        try v.run(as: "karl", ["recovery", "request", caseID, "--for", "karl"]).assertFailure(77, "a non-leader's request")
        let request = try v.run(as: "lina", ["recovery", "request", caseID, "--for", "karl", "--trustees", "anne,nils"])
        request.assertSuccess("recovery request")
        let id = try XCTUnwrap(request.stdout.split(separator: " ").dropFirst(2).first.map(String.init))
        try v.run(as: "nils", ["recovery", "approve", id]).assertFailure(73, "out of order")
        let first = try v.run(as: "anne", ["recovery", "approve", id])
        first.assertSuccess("anne approves")
        XCTAssertTrue(first.stdout.contains("next: nils"), first.stdout)
        XCTAssertFalse(try v.run(as: "karl", ["case", "show", caseID]).stdout.contains(Self.canary), "one trustee alone recovers nothing")
        let second = try v.run(as: "nils", ["recovery", "approve", id])
        second.assertSuccess("nils approves")
        XCTAssertTrue(second.stdout.contains("complete"), second.stdout)
        XCTAssertTrue(second.stderr.contains("rotate"), second.stderr)
        XCTAssertFalse(second.stdout.contains(Self.canary) || second.stderr.contains(Self.canary), "the trustee sees no content")
        XCTAssertTrue(try v.run(as: "karl", ["case", "show", caseID]).stdout.contains(Self.canary))
    }
}

extension CLI.Result {
    func assertFailure(_ code: Int32, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(status, code, "\(what): \(stdout) \(stderr)", file: file, line: line)
        XCTAssertTrue(stderr.hasPrefix("casevault: error: "), "\(what): \(stderr)", file: file, line: line)
    }
}
