import CaseVaultCore
import Hummingbird

/// The screens of one request: which one the path names, each through the core.
struct Screens {
    let gate: VaultGate
    let csrf: UIToken
    let bundleFolder: String
    let clock: any UIClock

    func route(path: String, form: FormBody?, flashCode: String? = nil, query: [String: String] = [:]) throws -> Response {
        let flash = Self.flashText(flashCode)
        let parts = path.split(separator: "/").map(String.init)
        switch (parts.first, parts.count, form) {
        case (nil, 0, nil): return try nightBoard(query: nil, flash: flash)
        case ("sok", 1, let f?): return try nightBoard(query: f["alias"] ?? "")
        case ("saker", 1, nil): return try caseList(query: query)
        case ("ny", 1, _): return try intake(form)
        case ("sak", 2, nil): return try showCase(try handle(parts[1]), flash: flash)
        case ("sak", 3, let f?) where parts[2] == "notat": return try addNote(try handle(parts[1]), form: f)
        case ("sak", 3, _) where parts[2] == "utlevering": return try requestHandover(try handle(parts[1]), form: form)
        case ("sak", 3, nil) where parts[2] == "innsyn": return try accessReport(try handle(parts[1]))
        case ("sak", 3, nil) where parts[2] == "svar": return try answersToMerge(try handle(parts[1]))
        case ("sak", 4, nil) where parts[2] == "dokument": return try document(try handle(parts[1]), number: parts[3])
        case ("sak", 4, _) where parts[2] == "svar": return try answerMerge(try handle(parts[1]), number: parts[3], form: form)
        case ("sak", 4, _) where parts[2] == "endre" && CaseSections.editable.contains(parts[3]):
            return try editSection(try handle(parts[1]), section: parts[3], form: form)
        case ("sak", 4, _) where parts[2] == "legg-til" && CaseSections.addable.contains(parts[3]):
            return try addEntry(try handle(parts[1]), group: parts[3], form: form)
        case ("oppgaver", 1, nil): return try tasks()
        case ("logg", 1, _): return try auditLog(form)
        case ("kontroll", 1, _): return try auditVerification(run: form != nil)
        case ("medlemmer", 1, nil): return try roster()
        case ("utleveringer", 1, nil): return try handoverRequests()
        case ("utlevering", 2, nil): return try review(parts[1], flash: flash)
        case ("utlevering", 3, let f?): return try decide(parts[1], action: parts[2], form: f)
        default: return notFound()
        }
    }

    /// A case id from a URL: 20 hex digits, pseudonymous, never a name.
    func handle(_ text: String) throws -> CaseID {
        guard text.count == 20, let id = try? CaseID(text) else { throw VaultError(.notFound, "no such case") }
        return id
    }

    func viewer(_ session: Session) -> Viewer { Viewer(session: session, csrf: csrf) }

    func notFound() -> Response {
        Reply.html(Page.render("Finnes ikke", "message", ["text": "Siden finnes ikke.", "link": "/", "linkText": "Til nattoversikten"], viewer: nil),
                   status: .notFound)
    }

    /// A refusal from the core, on a page of its own (nothing was changed).
    func failurePage(_ error: any Error, title: String = "Ikke utført", kept: String? = nil) -> Response {
        var data: [String: Any] = ["text": "Ingenting ble endret.", "link": "/", "linkText": "Til nattoversikten"]
        if let kept { data["text"] = "Ingenting ble lagret. Teksten du skrev, til å kopiere: \(kept)" }
        let status: HTTPResponse.Status = (error as? VaultError)?.kind == .accessDenied ? .forbidden : .badRequest
        return Reply.html(Page.render(title, "message", data, viewer: nil, failure: CoreErrorText.norwegian(error)), status: status)
    }

    static func flashText(_ code: String?) -> String? {
        switch code {
        case "notat": return "Notatet er lagret."
        case "lagret": return "Endringen er lagret."
        case "ny": return "Saken er opprettet."
        case "forespurt": return "Forespørselen er sendt til godkjenning."
        case "godkjent": return "Utleveringen er godkjent."
        case "avvist": return "Utleveringen er avvist."
        case "flettet": return "Svaret er flettet inn i saken."
        default: return nil
        }
    }
}
