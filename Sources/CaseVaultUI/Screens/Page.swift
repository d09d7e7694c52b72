import AccessPolicy
import CaseVaultCore
import Mustache

/// Who is signed in, for the layout: name, roles and the CSRF token every form carries.
struct Viewer {
    let member: String
    let roles: String
    let csrf: String

    init(session: Session, csrf: UIToken) {
        member = session.member.name
        roles = session.member.roles.map(\.label).joined(separator: ", ")
        self.csrf = csrf.revealedText
    }
}

/// Renders a screen inside the layout.
enum Page {
    static func render(_ title: String, _ template: String, _ data: [String: Any] = [:], viewer: Viewer?,
                       flash: String? = nil, failure: String? = nil) -> String {
        var data = data
        if let viewer { data["csrf"] = viewer.csrf }
        let body = Templates.library.render(data, withTemplate: template) ?? ""
        var layout: [String: Any] = ["title": title, "body": body]
        if let viewer {
            layout["signedIn"] = true
            layout["member"] = viewer.member
            layout["roles"] = viewer.roles
            layout["csrf"] = viewer.csrf
        }
        if let flash { layout["flash"] = flash }
        if let failure { layout["failure"] = failure }
        return Templates.library.render(layout, withTemplate: "layout") ?? ""
    }

    /// The fields of a form as HTML, and the summary of their errors.
    static func fields(_ inputs: [FieldInput]) -> (html: String, errors: [[String: Any]]) {
        let html = inputs.map { Templates.library.render($0.context(), withTemplate: "field") ?? "" }.joined(separator: "\n")
        let errors = inputs.compactMap { i in i.error.map { ["id": i.inputID, "label": i.spec.label, "error": $0] as [String: Any] } }
        return (html, errors)
    }
}

/// A core error as one Norwegian line. The core's own message names ids and fields, never a
/// value from a case, so it is shown after the Norwegian sentence for the one who can fix it.
enum CoreErrorText {
    static func norwegian(_ error: any Error) -> String {
        guard let e = error as? VaultError else { return "Noe gikk galt. Ingenting ble endret." }
        let lead: String
        switch e.kind {
        case .invalidInput: lead = "Ugyldig innhold, ingenting ble endret"
        case .accessDenied: lead = "Ingen tilgang: rollen din kan ikke gjøre dette"
        case .authenticationFailed: lead = "Avvist: en signatur eller nøkkel stemmer ikke"
        case .notFound: lead = "Finnes ikke, eller du har ikke tilgang"
        case .unsupportedFormat: lead = "Ukjent eller skadet format"
        case .ioFailure: lead = "Lagringsfeil, ingenting ble endret"
        case .refused: lead = "Avvist av sikkerhetshensyn"
        }
        return "\(lead) (\(e.message))."
    }
}
