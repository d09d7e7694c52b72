import AccessPolicy
import CaseVaultCore
import Hummingbird

extension Screens {
    /// The night board: each open case's alias, do-not-admit, alarm, instructions and active
    /// measures, with a note field. One listing through the core: it returns (and logs as read)
    /// these fields of the open cases the search keeps, and nothing of the others.
    func nightBoard(query: String?, flash: String? = nil) throws -> Response {
        let wanted = query?.trimmingWhitespace
        return try gate.withSession(command: "case.show") { s in
            let today = s.clock.now().osloDate
            let selection = CaseSelection(openOnly: true, aliasContaining: wanted)
            let listed = try s.listCases(showing: Self.nightFields, listing: "night", reason: nil, selecting: selection)
            let rows = listed.cases.compactMap { c -> [String: Any]? in
                guard c.problem == nil, case let .text(alias)? = c.glance["person.alias"] else { return nil }
                return nightRow(c.caseID, c.glance, alias: alias, today: today)
            }.sorted { ($0["alias"] as? String ?? "") < ($1["alias"] as? String ?? "") }
            let title = wanted.map { $0.isEmpty ? "Nattoversikt" : "Søk: \(rows.count) treff" } ?? "Nattoversikt"
            return Reply.html(Page.render(title, "nightBoard", ["rows": rows, "query": query ?? ""], viewer: viewer(s), flash: flash))
        }
    }

    /// What the night shift needs of a case, by path.
    static func nightFields(_ path: String) -> Bool {
        ["person.alias", "case.status", "safety.do_not_admit", "safety.alarm_active", "safety.night_instructions"].contains(path)
            || (path.hasPrefix("measures[") && (path.hasSuffix("].type") || path.hasSuffix("].valid_to")))
    }

    private func nightRow(_ id: CaseID, _ fields: [String: FieldValue], alias: String, today: CalendarDate) -> [String: Any] {
        var row: [String: Any] = ["handle": id.hex, "alias": alias]
        if let v = fields["safety.do_not_admit"] { row["doNotAdmit"] = v.norwegianText(path: "safety.do_not_admit") }
        if fields["safety.alarm_active"] == .bool(true) { row["alarm"] = "aktiv" }
        if let v = fields["safety.night_instructions"] { row["instructions"] = v.norwegianText(path: "safety.night_instructions") }
        var measures: [String] = []
        for (path, value) in fields where path.hasPrefix("measures[") && path.hasSuffix("].type") {
            let entry = String(path.dropLast(".type".count))
            if case let .text(to)? = fields[entry + ".valid_to"], let end = CalendarDate(to), end < today { continue }
            let until = fields[entry + ".valid_to"].map { " til \($0.norwegianText(path: entry + ".valid_to"))" } ?? ""
            measures.append(value.norwegianText(path: path) + until)
        }
        row["measures"] = measures.sorted()
        return row
    }

    /// The member's cases, 50 to a page, the latest change first: open cases, or all with `alle=1`.
    /// Only the page shown leaves the core (and is logged as read).
    func caseList(query: [String: String] = [:]) throws -> Response {
        let all = query["alle"] == "1"
        let page = max(1, Int(query["side"] ?? "") ?? 1)
        return try gate.withSession(command: "case.list") { s in
            let listed = try s.listCases(selecting: CaseSelection(openOnly: !all, page: page - 1, pageSize: Self.casesPerPage))
            let rows: [[String: Any]] = listed.cases.filter { $0.problem == nil }.map { c in
                ["handle": c.caseID.hex,
                 "alias": c.glance["person.alias"]?.displayText ?? "(alias forseglet)",
                 "phase": c.glance["case.phase"]?.displayText ?? "",
                 "status": c.glance["case.status"]?.norwegianText(path: "case.status") ?? "",
                 "updated": c.updated.osloText]
            }
            let shown = (listed.page ?? 0) + 1
            let suffix = all ? "&alle=1" : ""
            var data: [String: Any] = ["rows": rows, "hasRows": !rows.isEmpty, "all": all, "total": listed.total,
                                       "page": shown, "pages": listed.pageCount, "paged": listed.pageCount > 1,
                                       "damagedCount": listed.cases.filter { $0.problem != nil }.count,
                                       "hasDamaged": listed.cases.contains { $0.problem != nil }]
            if shown > 1 { data["previous"] = "/saker?side=\(shown - 1)\(suffix)" }
            if shown < listed.pageCount { data["next"] = "/saker?side=\(shown + 1)\(suffix)" }
            return Reply.html(Page.render("Mine saker", "caseList", data, viewer: viewer(s)))
        }
    }

    static let casesPerPage = 50

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

extension Screens {
    /// Document `number` (from 1) of a case, shown in the browser: read through the core (a
    /// logged read, refused to a role that may not read documents), never written to a file.
    func document(_ id: CaseID, number: String) throws -> Response {
        guard let n = Int(number), (1...10_000).contains(n) else { return notFound() }
        do {
            return try gate.withSession(command: "case.document.get") { s in
                let (document, content) = try s.readDocument(id, index: n - 1)
                return content.withUnsafeBytes { Reply.document($0, kind: document.kind, number: n) }
            }
        } catch let e as VaultError { return failurePage(e, title: "Kan ikke åpne dokumentet") }
    }
}
