import Foundation
import XCTest

extension CLIVault {
    /// A resident through the command line: her own key file (`identity new`), bound to the case
    /// by its contact person (`case add-resident`), and pinned. Returns her pseudonym.
    @discardableResult
    func addResident(_ id: String, to caseID: String, by member: String = "kari", file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try newIdentity(id, file: file, line: line)
        let r = try run(as: member, ["case", "add-resident", caseID, "--public-key", publicLines[id] ?? "", "--fingerprint", fingerprints[id] ?? ""])
        XCTAssertEqual(r.status, 0, "case add-resident: \(r.stderr)", file: file, line: line)
        try pin(id, file: file, line: line)
        let pseudonym = r.stdout.split(separator: " ").first { $0.hasPrefix("p-") }.map { String($0.prefix(18)) }
        return try XCTUnwrap(pseudonym, r.stdout, file: file, line: line)
    }
}
