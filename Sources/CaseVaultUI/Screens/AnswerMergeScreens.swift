import AccessPolicy
import CaseVaultCore
import Hummingbird

/// Answers from the police, NAV or the housing office, merged into the rest of the case as
/// `casevault handover merge-answer` does: the contact person sees every change (field, old
/// value, new value) and confirms; the write is refused when the case moved in between.
extension Screens {
    /// The case's imported answers that still change something when merged.
    func answersToMerge(_ id: CaseID) throws -> Response {
        do {
            return try gate.withSession(command: "handover.merge-answer") { s in
                let o = try s.showCase(id)
                var rows: [[String: Any]] = []
                var done = 0
                for n in Self.answerIndices(o.fields) {
                    // The CLI's own computation, one logged read per answer (a case holds a few); an
                    // answer already merged, or an offer, changes nothing and is not listed.
                    let merge = try s.proposeAnswerMerge(id, answer: n)
                    guard !merge.changes.isEmpty else { done += 1; continue }
                    let a = "answers[\(n)]."
                    rows.append(["number": n + 1, "kind": ValueLabels.label(of: merge.kind, pattern: "answers[].kind"),
                                 "from": o.fields[a + "from"]?.norwegianText(path: a + "from") ?? "–",
                                 "received": o.fields[a + "received"]?.norwegianText(path: a + "received") ?? "–",
                                 "changes": merge.changes.count])
                }
                let data: [String: Any] = ["handle": id.hex, "rows": rows, "hasRows": !rows.isEmpty, "done": done, "hasDone": done > 0]
                return Reply.html(Page.render("Svar å flette inn", "answerList", data, viewer: viewer(s)))
            }
        } catch let e as VaultError { return failurePage(e, title: "Kan ikke vise svarene") }
    }

    /// One answer's merge: exactly the changes that would be written, and the confirm button.
    func answerMerge(_ id: CaseID, number: String, form: FormBody?) throws -> Response {
        guard let n = Int(number), n >= 1, n <= 10_000 else { return notFound() }
        do {
            return try gate.withSession(command: "handover.merge-answer") { s in
                let merge = try s.proposeAnswerMerge(id, answer: n - 1)
                guard let form else { return mergePage(id, n, merge, viewer(s)) }
                // What the browser confirmed must be what the case gives now; the core checks it
                // again inside the writing transaction (`expected:`).
                guard !merge.changes.isEmpty, PreviewedChanges.matches(form["endringer"], merge.changes, csrf: csrf) else {
                    return mergePage(id, n, merge, viewer(s), status: .conflict, failure: Self.movedText)
                }
                do {
                    _ = try s.mergeAnswer(id, answer: n - 1, expected: merge.changes)
                } catch let e as VaultError where e.kind == .refused {
                    return mergePage(id, n, try s.proposeAnswerMerge(id, answer: n - 1), viewer(s), status: .conflict, failure: Self.movedText)
                }
                return Reply.seeOther("/sak/\(id.hex)?melding=flettet")
            }
        } catch let e as VaultError { return failurePage(e, title: "Svaret ble ikke flettet inn") }
    }

    private static let movedText = "Saken er endret siden forslaget ble vist, så ingenting ble skrevet. Se over endringene slik de er nå, og bekreft på nytt."

    private func mergePage(_ id: CaseID, _ n: Int, _ merge: AnswerMerge, _ v: Viewer,
                           status: HTTPResponse.Status = .ok, failure: String? = nil) -> Response {
        let changes: [[String: Any]] = merge.changes.map { c in
            ["path": c.path, "section": CaseSections.group(c.path).label, "label": FieldCatalog.spec(forPath: c.path)?.label ?? c.path,
             "before": c.before.map { $0.norwegianText(path: c.path) } ?? "(tomt)", "after": c.after.norwegianText(path: c.path)]
        }
        let data: [String: Any] = [
            "handle": id.hex, "number": n, "kind": ValueLabels.label(of: merge.kind, pattern: "answers[].kind"),
            "changes": changes, "hasChanges": !changes.isEmpty, "count": changes.count,
            "note": merge.note ?? "svaret er allerede flettet inn", "digest": PreviewedChanges.digest(merge.changes, csrf: csrf),
        ]
        return Reply.html(Page.render("Flett inn svar \(n)", "answerMerge", data, viewer: v, failure: failure), status: status)
    }

    /// The answers' positions (0-based), from the fields the member reads.
    static func answerIndices(_ fields: [String: FieldValue]) -> [Int] {
        Set(fields.keys.compactMap { path -> Int? in
            guard path.hasPrefix("answers["), let close = path.firstIndex(of: "]") else { return nil }
            return Int(path[path.index(path.startIndex, offsetBy: 8)..<close])
        }).sorted()
    }
}
