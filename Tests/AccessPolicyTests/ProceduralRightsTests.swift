import AccessPolicy
import XCTest

/// The procedural rights as a matrix, role × right, written out here independently of the
/// table in `ProceduralRight`: a change to who may approve, break glass or witness fails here.
final class ProceduralRightsTests: XCTestCase {
    private let everywhere: [ProceduralRight: Set<Role>] = [
        .openCase: [.contactPerson],
        .assign: [.leader],
        .approveHandover: [.leader],
        .breakGlass: [.leader],
        .reviewBreakGlass: [.leader, .auditor],
        .requestRecovery: [.leader],
        .moveResidents: [.leader],
        .superviseLog: [.leader, .auditor],
        .witness: [.auditor],
    ]
    private let onTheirCases: [ProceduralRight: Set<Role>] = [
        .assign: [.contactPerson],
        .requestHandover: [.contactPerson],
        .bindResident: [.contactPerson],
        .personalReport: [.contactPerson, .resident],
    ]

    func testEveryRoleAndRightAsWrittenDown() {
        for right in ProceduralRight.allCases {
            for role in Role.allCases {
                let wide = everywhere[right, default: []].contains(role)
                let local = onTheirCases[right, default: []].contains(role)
                XCTAssertEqual(right.isHeld(byRosterRoles: [role]), wide, "\(role) holds \(right) everywhere")
                XCTAssertEqual(right.isHeld(byRosterRoles: [], caseRoles: [role]), local, "\(role) on a case holds \(right) there")
            }
        }
    }

    func testNoExternalRoleHoldsAnyProcedure() {
        for right in ProceduralRight.allCases {
            for role in Role.allCases where role.isExternal {
                XCTAssertFalse(right.isHeld(byRosterRoles: [role], caseRoles: [role]), "\(role) holds \(right)")
            }
        }
    }

    func testARoleOnTheRosterDoesNotGiveACaseRightWithoutTheCase() {
        XCTAssertFalse(ProceduralRight.requestHandover.isHeld(byRosterRoles: [.contactPerson], caseRoles: []))
        XCTAssertTrue(ProceduralRight.requestHandover.isHeld(byRosterRoles: [.contactPerson], caseRoles: [.contactPerson]))
        XCTAssertTrue(ProceduralRight.assign.isHeld(byRosterRoles: [.leader], caseRoles: []))
    }
}
