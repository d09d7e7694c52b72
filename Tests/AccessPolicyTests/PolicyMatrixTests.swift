@testable import AccessPolicy
import Foundation
import XCTest

final class PolicyMatrixTests: XCTestCase {
    let policy = Policy.makeDefault()

    func testRowsFollowTheCatalogue() {
        let rows = policy.matrixRows()
        XCTAssertEqual(rows.map(\.field), FieldCatalog.fields.map(\.pattern))
        XCTAssertEqual(rows.first, MatrixRow(
            field: "case.type", label: "sakstype",
            read: ["contact-person", "child-contact", "night-shift", "leader", "resident"],
            write: ["contact-person"]))
        let notes = rows.first { $0.field == "notes[].text" }
        XCTAssertEqual(notes?.read, ["contact-person", "resident"])
        XCTAssertEqual(notes?.write, ["contact-person", "child-contact", "night-shift"])
    }

    func testJSONShapeIsStable() throws {
        let data = try JSONEncoder().encode(policy.matrixRows())
        let objects = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        XCTAssertEqual(objects.count, FieldCatalog.fields.count)
        for object in objects {
            XCTAssertEqual(Set(object.keys), ["field", "label", "read", "write"])
        }
        XCTAssertEqual(try JSONDecoder().decode([MatrixRow].self, from: data), policy.matrixRows())
    }

    func testTextHasOneRowPerFieldWithCells() throws {
        let lines = policy.matrixText().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for spec in FieldCatalog.fields {
            let row = lines.filter { $0.hasPrefix(spec.pattern + " ") }
            XCTAssertEqual(row.count, 1, spec.pattern)
            XCTAssertTrue(row.first?.hasSuffix(spec.label) == true, spec.pattern)
        }
        let header = try XCTUnwrap(lines.first { $0.hasPrefix("field ") })
        XCTAssertEqual(header.split(separator: " ").map(String.init),
                       ["field", "CP", "CC", "NS", "L", "HO", "NAV", "PO", "AU", "RE", "label"])
        let notes = try XCTUnwrap(lines.first { $0.hasPrefix("notes[].text ") })
        XCTAssertEqual(notes.split(separator: " ").map(String.init),
                       ["notes[].text", "RW", "-W", "-W", "--", "--", "--", "--", "--", "R-", "notat"])
    }

    func testTextFitsATerminal() throws {
        let lines = policy.matrixText().split(separator: "\n").map(String.init)
        XCTAssertLessThanOrEqual(lines.map(\.count).max() ?? 0, 140)
        // Field and cells fit 80 columns; only labels may run past.
        let header = try XCTUnwrap(lines.first { $0.hasPrefix("field ") })
        XCTAssertLessThanOrEqual(header.distance(from: header.startIndex, to: header.range(of: "label")!.lowerBound), 80)
        // Cells line up under their heads.
        let column = header.range(of: "RE")!.lowerBound.utf16Offset(in: header)
        let caseType = try XCTUnwrap(lines.first { $0.hasPrefix("case.type ") })
        let cell = caseType.dropFirst(column).prefix(2)
        XCTAssertEqual(String(cell), "R-")
    }
}
