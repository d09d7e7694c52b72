import AccessPolicy
import CaseVaultCore
import Foundation
import Hummingbird

/// Forms that write a case: every field checked at once, each error shown next to its field
/// with what was typed kept; only a form without errors goes to the core, which checks again.
extension Screens {
    /// The fields asked for at a night intake.
    static let intakeFields = ["case.type", "case.opened", "person.alias", "person.gender", "person.national_id",
                               "person.address_protection", "safety.do_not_admit", "safety.alarm_active", "safety.night_instructions"]

    func intake(_ form: FormBody?) throws -> Response {
        try gate.withSession(command: "case.new") { s in
            var inputs = Self.intakeFields.compactMap { FieldCatalog.spec(forPattern: $0) }.map { spec in
                FieldInput(spec: spec, typed: form?[spec.pattern] ?? Self.intakeDefault(spec.pattern, today: s.clock.now().osloDate))
            }
            guard form != nil else { return intakePage(inputs, viewer(s)) }
            var record: [String: [String: Any]] = [:]
            for i in inputs.indices {
                switch inputs[i].parsed(allowSyntheticIDs: s.vault.isTestVault) {
                case .failure(let p): inputs[i].error = p.message
                case .success(nil) where ["person.alias", "case.type", "case.opened"].contains(inputs[i].path):
                    inputs[i].error = "Må fylles ut."
                case .success(nil): break
                case .success(let v?):
                    let parts = inputs[i].path.split(separator: ".", maxSplits: 1).map(String.init)
                    record[parts[0], default: [:]][parts[1]] = v
                }
            }
            if inputs.contains(where: { $0.error != nil }) { return intakePage(inputs, viewer(s), status: .badRequest) }
            record["case", default: [:]]["phase"] = 1
            record["case", default: [:]]["status"] = "open"
            do {
                let id = try s.createCase(recordText: try Self.json(record))
                return Reply.seeOther("/sak/\(id.hex)?melding=ny")
            } catch let e as VaultError {
                return intakePage(inputs, viewer(s), status: .badRequest, failure: CoreErrorText.norwegian(e))
            }
        }
    }

    static func intakeDefault(_ path: String, today: CalendarDate) -> String {
        switch path {
        case "case.type": return "resident"
        case "case.opened": return today.norwegianText
        default: return ""
        }
    }

    private func intakePage(_ inputs: [FieldInput], _ v: Viewer, status: HTTPResponse.Status = .ok, failure: String? = nil) -> Response {
        let (html, errors) = Page.fields(inputs)
        let data: [String: Any] = ["action": "/ny", "fieldsHTML": html, "errors": errors, "hasErrors": !errors.isEmpty,
                                   "errorCount": errors.count, "submit": "Opprett sak"]
        return Reply.html(Page.render("Nytt inntak", "fieldForm", data, viewer: v, failure: failure), status: status)
    }

    /// One section of single fields: set what changed, remove what was emptied.
    func editSection(_ id: CaseID, section: String, form: FormBody?) throws -> Response {
        try gate.withSession(command: "case.update") { s in
            let o = try s.showCase(id)
            let sealed = Set(o.sealedPaths)
            // A field sealed to this role is not offered: its value is not sent and not overwritten from here.
            var inputs = CaseSections.specs(section: section).filter { !sealed.contains($0.pattern) }.map { spec in
                FieldInput(spec: spec, typed: form?[spec.pattern] ?? FieldInput.typedText(of: o.fields[spec.pattern], spec: spec))
            }
            let title = "Endre \(CaseSections.sectionLabel(section))"
            let action = "/sak/\(id.hex)/endre/\(section)"
            guard form != nil else { return formPage(title, action, inputs, viewer(s), submit: "Lagre") }
            var set: [String: Any] = [:]
            var remove: [String] = []
            for i in inputs.indices {
                let before = FieldInput.typedText(of: o.fields[inputs[i].path], spec: inputs[i].spec)
                switch inputs[i].parsed(allowSyntheticIDs: s.vault.isTestVault) {
                case .failure(let p): inputs[i].error = p.message
                case .success(nil): if o.fields[inputs[i].path] != nil { remove.append(inputs[i].path) }
                case .success(let v?): if inputs[i].typed.trimmingWhitespace != before { set[inputs[i].path] = v }
                }
            }
            if inputs.contains(where: { $0.error != nil }) { return formPage(title, action, inputs, viewer(s), submit: "Lagre", status: .badRequest) }
            if set.isEmpty && remove.isEmpty { return Reply.seeOther("/sak/\(id.hex)") }
            var patch: [String: Any] = [:]
            if !set.isEmpty { patch["set"] = set }
            if !remove.isEmpty { patch["remove"] = remove }
            do {
                try s.updateCase(id, patchText: try Self.json(patch))
                return Reply.seeOther("/sak/\(id.hex)?melding=lagret")
            } catch let e as VaultError {
                return formPage(title, action, inputs, viewer(s), submit: "Lagre", status: .badRequest, failure: CoreErrorText.norwegian(e))
            }
        }
    }

    /// A new entry of a group (a consent, a measure, a child, a task).
    func addEntry(_ id: CaseID, group: String, form: FormBody?) throws -> Response {
        try gate.withSession(command: "case.update") { s in
            var inputs = CaseSections.specs(group: group).map { FieldInput(spec: $0, typed: form?[$0.pattern] ?? "") }
            let title = "Legg til i \(CaseSections.sectionLabel(group))"
            let action = "/sak/\(id.hex)/legg-til/\(group)"
            guard form != nil else { return formPage(title, action, inputs, viewer(s), submit: "Legg til") }
            var entry: [String: Any] = [:]
            for i in inputs.indices {
                switch inputs[i].parsed(allowSyntheticIDs: s.vault.isTestVault) {
                case .failure(let p): inputs[i].error = p.message
                case .success(nil): break
                case .success(let v?): entry[String(inputs[i].path.dropFirst(group.count + 3))] = v
                }
            }
            if entry.isEmpty, let first = inputs.indices.first { inputs[first].error = "Fyll ut minst ett felt." }
            if inputs.contains(where: { $0.error != nil }) { return formPage(title, action, inputs, viewer(s), submit: "Legg til", status: .badRequest) }
            do {
                try s.updateCase(id, patchText: try Self.json(["add": [group: entry]]))
                return Reply.seeOther("/sak/\(id.hex)?melding=lagret")
            } catch let e as VaultError {
                return formPage(title, action, inputs, viewer(s), submit: "Legg til", status: .badRequest, failure: CoreErrorText.norwegian(e))
            }
        }
    }

    func formPage(_ title: String, _ action: String, _ inputs: [FieldInput], _ v: Viewer, submit: String,
                  status: HTTPResponse.Status = .ok, failure: String? = nil) -> Response {
        let (html, errors) = Page.fields(inputs)
        let data: [String: Any] = ["action": action, "fieldsHTML": html, "errors": errors, "hasErrors": !errors.isEmpty,
                                   "errorCount": errors.count, "submit": submit]
        return Reply.html(Page.render(title, "fieldForm", data, viewer: v, failure: failure), status: status)
    }

    /// The record or patch as JSON text for the core's parser (in memory only).
    static func json(_ object: Any) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
