import AccessPolicy
import ArgumentParser
import CaseVaultCore
import Foundation

struct TasksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks",
        abstract: "What is due in the cases you can read: tasks and deadlines from the records, overdue first.",
        discussion: Examples.text("casevault tasks --identity ~/kari.cvkey", "casevault tasks --days 30 --owner nav --json"))
    @OptionGroup var vault: VaultOptions
    @OptionGroup var identity: IdentityOptions
    @Option(help: "Show what falls due within this many days (overdue items are always shown).") var days = 14
    @Option(help: "Only items owned by centre, nav, housing-office or resident.") var owner: String?
    @Flag(help: "Also closed cases' deadlines (left out by default: nobody works them any more).") var includeClosed = false
    @Option(help: "The date to count from, YYYY-MM-DD (default: today in Norway).") var today: String?
    @OptionGroup var output: JSONFlag

    func run() throws {
        guard (0...3650).contains(days) else { throw VaultError(.invalidInput, "--days must be from 0 to 3650") }
        // The word `tasks` prints (boligkontoret) names its owner too.
        let owner = owner.map { ValueLabels.canonical(of: $0, pattern: "tasks[].owner") ?? $0 }
        if let owner, !FieldCatalog.taskOwners.contains(owner) {
            throw VaultError(.invalidInput, "--owner must be one of \(FieldCatalog.taskOwners.joined(separator: ", "))")
        }
        var date: CalendarDate?
        if let today {
            guard let d = CalendarDate(today) else { throw VaultError(.invalidInput, "--today: expected a date (YYYY-MM-DD)") }
            date = d
        }
        let v = try vault.open()
        let (items, failed) = try identity.withSession(in: v, command: "tasks") { try DueList(session: $0, today: date).listing(withinDays: days, owner: owner, includingClosed: includeClosed) }
        defer { if !failed.isEmpty { Output.failedCases(failed) } }
        if output.json {
            Output.json(items.map { i in
                JSONShape.DueItem(case: i.caseID.hex, alias: i.alias, kind: i.kind.rawValue, field: i.path, what: i.what,
                                  owner: i.owner, due: i.due.description, daysLeft: i.daysLeft, overdue: i.isOverdue)
            })
            return
        }
        for c in failed { Output.line("\(c.caseID.hex)  FAILED VERIFICATION: \(c.problem ?? "")") }
        if items.isEmpty { Output.line("Ingenting forfaller de neste \(days) dagene."); return }
        for i in items {
            let when = i.isOverdue ? "FORFALT \(-i.daysLeft) d" : i.daysLeft == 0 ? "i dag" : "om \(i.daysLeft) d"
            let owner = ValueLabels.label(of: i.owner, pattern: "tasks[].owner")
            Output.line("\(i.due.norwegianText)  \(when.padding(14))\(i.alias ?? String(i.caseID.hex.prefix(8)))  \(i.what)  [\(owner)]")
        }
    }
}
