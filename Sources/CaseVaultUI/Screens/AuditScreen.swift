import AccessPolicy
import CaseVaultCore
import Hummingbird

/// The data protection officer's log search: who did what to which case, and when; metadata
/// only, as `casevault audit log` prints it. The filter is posted, never put in the URL.
extension Screens {
    func auditLog(_ form: FormBody?) throws -> Response {
        try gate.withSession(command: "audit.log") { s in
            var inputs = [
                FieldSpec("sak", "sak (id, minst 4 tegn)", .text), FieldSpec("aktor", "hvem (medlems-id)", .text),
                FieldSpec("handling", "handling, f.eks. case.read", .text), FieldSpec("fra", "fra dato", .date), FieldSpec("til", "til dato", .date),
            ].map { FieldInput(spec: $0, typed: form?[$0.pattern] ?? "") }
            var rows: [[String: Any]] = []
            var searched = false
            if form != nil {
                var values: [String: Any] = [:]
                for i in inputs.indices {
                    switch inputs[i].parsed(allowSyntheticIDs: false) {
                    case .failure(let p): inputs[i].error = p.message
                    case .success(let v): values[inputs[i].path] = v
                    }
                }
                var caseID: CaseID?
                if let text = values["sak"] as? String {
                    do { caseID = try s.resolveCaseID(text) } catch { inputs[0].error = "Ingen sak med denne id-en som du kan søke i." }
                }
                if !inputs.contains(where: { $0.error != nil }) {
                    let filter = AuditFilter(caseID: caseID, actor: values["aktor"] as? String, action: values["handling"] as? String,
                                             since: (values["fra"] as? String).flatMap(CalendarDate.init)?.osloStart,
                                             until: (values["til"] as? String).flatMap(CalendarDate.init)?.osloEnd)
                    searched = true
                    rows = try s.auditLog(filter: filter).suffix(500).reversed().map { e in
                        ["index": e.index, "time": e.time.osloText, "actor": e.actor, "action": e.action, "case": e.caseID?.hex ?? "–",
                         "fields": e.fields.count, "detail": e.detail.map { "\($0.key)=\($0.value)" }.joined(separator: " ")]
                    }
                }
            }
            let (html, errors) = Page.fields(inputs)
            let data: [String: Any] = ["fieldsHTML": html, "errors": errors, "hasErrors": !errors.isEmpty, "errorCount": errors.count,
                                       "rows": rows, "hasRows": !rows.isEmpty, "searched": searched, "count": rows.count]
            return Reply.html(Page.render("Tilgangslogg", "auditLog", data, viewer: viewer(s)), status: errors.isEmpty ? .ok : .badRequest)
        }
    }
}
