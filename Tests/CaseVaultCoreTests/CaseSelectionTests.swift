@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import XCTest

/// A selection decides inside the core which listed cases leave it: only those are returned
/// and logged as read, so a screen that shows a page of cases logs that page and no more.
final class CaseSelectionTests: XCTestCase {
    static func record(_ alias: String, status: String, taskDue: String = "2026-12-10") -> String {
        """
        case: {type: resident, status: \(status), opened: 2026-09-01}
        person: {alias: \(alias)}
        tasks: [{what: Ring NAV, owner: centre, due: \(taskDue)}]
        """
    }

    private var t: TestVault!
    private var ids: [String: CaseID] = [:]

    override func setUpWithError() throws {
        t = try TestVault()
        let kari = try t.session("kari")
        for (alias, status) in [("Bjørk", "open"), ("Hegg", "open"), ("Selje", "closed")] {
            ids[alias] = try kari.createCase(recordText: Self.record(alias, status: status))
        }
    }

    /// The cases kari's `caseRead` entries name after `body` ran, and what `body` returned.
    private func reads<T>(_ body: () throws -> T) throws -> (logged: Set<CaseID>, result: T) {
        let before = try t.session("lina").auditLog(filter: AuditFilter(actor: "kari", action: LogAction.caseRead.rawValue)).count
        let result = try body()
        let after = try t.session("lina").auditLog(filter: AuditFilter(actor: "kari", action: LogAction.caseRead.rawValue))
        return (Set(after.dropFirst(before).compactMap(\.caseID)), result)
    }

    func testOpenOnlyLeavesOutClosedCasesAndLogsOnlyWhatItReturns() throws {
        let (logged, listing) = try reads { try t.session("kari").listCases(selecting: CaseSelection(openOnly: true)) }
        XCTAssertEqual(Set(listing.cases.map(\.caseID)), [ids["Bjørk"]!, ids["Hegg"]!])
        XCTAssertEqual(listing.total, 2)
        XCTAssertEqual(logged, [ids["Bjørk"]!, ids["Hegg"]!], "the closed case was looked at inside the core, never handed out or logged")
        let everything = try reads { try t.session("kari").listCases() }
        XCTAssertEqual(everything.logged, Set(ids.values), "without a selection every case is returned and logged, as before")
    }

    func testAnAliasSearchReturnsAndLogsTheMatchesOnly() throws {
        let (logged, listing) = try reads { try t.session("kari").listCases(selecting: CaseSelection(aliasContaining: "HEG")) }
        XCTAssertEqual(listing.cases.map(\.caseID), [ids["Hegg"]!])
        XCTAssertEqual(logged, [ids["Hegg"]!])
        XCTAssertEqual(try t.session("kari").listCases(selecting: CaseSelection(aliasContaining: "ingen slik")).cases.count, 0)
    }

    func testPagesSplitTheKeptCasesWithoutOverlapAndLogOnlyTheirPage() throws {
        let first = try reads { try t.session("kari").listCases(selecting: CaseSelection(page: 0, pageSize: 2)) }
        let second = try reads { try t.session("kari").listCases(selecting: CaseSelection(page: 1, pageSize: 2)) }
        XCTAssertEqual(first.result.cases.count, 2)
        XCTAssertEqual(second.result.cases.count, 1)
        XCTAssertEqual(first.result.total, 3)
        XCTAssertEqual(first.result.pageCount, 2)
        XCTAssertEqual(Set(first.result.cases.map(\.caseID)).union(second.result.cases.map(\.caseID)), Set(ids.values))
        XCTAssertEqual(first.logged, Set(first.result.cases.map(\.caseID)))
        XCTAssertEqual(second.logged, Set(second.result.cases.map(\.caseID)))
        let past = try t.session("kari").listCases(selecting: CaseSelection(page: 9, pageSize: 2))
        XCTAssertEqual(past.page, 1, "past the end: the last page")
        XCTAssertEqual(past.cases.map(\.caseID), second.result.cases.map(\.caseID))
    }

    func testTheDueListLeavesOutClosedCasesAndLogsOnlyCasesWithSomethingDue() throws {
        let quiet = try t.session("kari").createCase(recordText: Self.record("Rogn", status: "open", taskDue: "2027-06-01"))
        let today = CalendarDate("2026-12-02")!
        let (logged, items) = try reads { try DueList(session: t.session("kari"), today: today).items(withinDays: 30) }
        XCTAssertEqual(Set(items.map(\.caseID)), [ids["Bjørk"]!, ids["Hegg"]!])
        XCTAssertEqual(logged, [ids["Bjørk"]!, ids["Hegg"]!], "Rogn has nothing due and Selje is closed: neither is read")
        XCTAssertFalse(logged.contains(quiet))
        let all = try DueList(session: t.session("kari"), today: today).items(withinDays: 30, includingClosed: true)
        XCTAssertEqual(Set(all.map(\.caseID)), [ids["Bjørk"]!, ids["Hegg"]!, ids["Selje"]!])
    }
}
