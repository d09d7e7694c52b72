import AccessPolicy
import CaseVaultCore
import Hummingbird

extension Screens {
    /// The night board: each case's alias, do-not-admit, alarm, instructions and active
    /// measures, with a note field. Each case shown is read through the core (a logged read).
    func nightBoard(query: String?, flash: String? = nil) throws -> Response {
        let wanted = query?.trimmingWhitespace.lowercased()
        return try gate.withSession(command: "case.show") { s in
            let today = s.clock.now().osloDate
            var rows: [[String: Any]] = []
            for summary in try s.listCases() where summary.problem == nil {
                guard case let .text(alias)? = summary.glance["person.alias"] else { continue }
                if let wanted, !wanted.isEmpty, !alias.lowercased().contains(wanted) { continue }
                if summary.glance["case.status"] == .text("closed") { continue }
                let opened = try s.showCase(summary.caseID)
                rows.append(nightRow(opened, alias: alias, today: today))
            }
            let title = wanted.map { $0.isEmpty ? "Nattoversikt" : "Søk: \(rows.count) treff" } ?? "Nattoversikt"
            return Reply.html(Page.render(title, "nightBoard", ["rows": rows, "query": query ?? ""], viewer: viewer(s), flash: flash))
        }
    }

    private func nightRow(_ o: OpenedCase, alias: String, today: CalendarDate) -> [String: Any] {
        var row: [String: Any] = ["handle": o.caseID.hex, "alias": alias]
        if let v = o.fields["safety.do_not_admit"] { row["doNotAdmit"] = v.norwegianText(path: "safety.do_not_admit") }
        if o.fields["safety.alarm_active"] == .bool(true) { row["alarm"] = "aktiv" }
        if let v = o.fields["safety.night_instructions"] { row["instructions"] = v.norwegianText(path: "safety.night_instructions") }
        var measures: [String] = []
        for (path, value) in o.fields where path.hasPrefix("measures[") && path.hasSuffix("].type") {
            let entry = String(path.dropLast(".type".count))
            if case let .text(to)? = o.fields[entry + ".valid_to"], let end = CalendarDate(to), end < today { continue }
            let until = o.fields[entry + ".valid_to"].map { " til \($0.norwegianText(path: entry + ".valid_to"))" } ?? ""
            measures.append(value.norwegianText(path: path) + until)
        }
        row["measures"] = measures.sorted()
        return row
    }

    func caseList() throws -> Response {
        try gate.withSession(command: "case.list") { s in
            let rows: [[String: Any]] = try s.listCases().filter { $0.problem == nil }.map { c in
                ["handle": c.caseID.hex,
                 "alias": c.glance["person.alias"]?.displayText ?? "(alias forseglet)",
                 "phase": c.glance["case.phase"]?.displayText ?? "",
                 "status": c.glance["case.status"]?.norwegianText(path: "case.status") ?? "",
                 "updated": c.updated.osloText]
            }
            return Reply.html(Page.render("Mine saker", "caseList", ["rows": rows], viewer: viewer(s)))
        }
    }

    /// A case by section: only what the core opened for this member's role is ever rendered.
    func showCase(_ id: CaseID, flash: String? = nil) throws -> Response {
        do {
            return try gate.withSession(command: "case.show") { s in
                let o = try s.showCase(id)
                let data: [String: Any] = [
                    "handle": id.hex, "version": o.latest.version, "updated": o.latest.created.osloText, "author": o.latest.author,
                    "assigned": o.latest.assignments.map { "\($0.member) (\($0.role))" }.joined(separator: ", "),
                    "sections": CaseSections.context(o).map { $0.merging(["handle": id.hex]) { a, _ in a } },
                    "sealedCount": o.sealedPaths.count,
                ]
                let title = o.fields["person.alias"].map { "Sak: \($0.displayText)" } ?? "Sak"
                return Reply.html(Page.render(title, "caseView", data, viewer: viewer(s), flash: flash))
            }
        } catch let e as VaultError { return failurePage(e, title: "Kan ikke vise saken") }
    }

    /// A note in one field: dated and signed by the core, as `casevault case note` does.
    func addNote(_ id: CaseID, form: FormBody) throws -> Response {
        guard let text = form.trimmed("tekst") else {
            return Reply.html(Page.render("Tomt notat", "message", ["text": "Notatet er tomt; ingenting ble lagret.", "link": "/", "linkText": "Tilbake"], viewer: nil),
                              status: .badRequest)
        }
        do {
            _ = try gate.withSession(command: "case.note") { s in try s.addNote(id, text: text) }
        } catch let e as VaultError {
            return failurePage(e, title: "Notatet ble ikke lagret", kept: text)
        }
        return Reply.seeOther(form["tilbake"] == "sak" ? "/sak/\(id.hex)?melding=notat" : "/?melding=notat")
    }
}
