import AccessPolicy
import CaseVaultCore
import Hummingbird

/// A police (or housing, NAV) handover through the screens: the contact person asks, a leader
/// sees exactly what would leave and approves or rejects, the contact person makes the bundle.
extension Screens {
    func requestHandover(_ id: CaseID, form: FormBody?) throws -> Response {
        try gate.withSession(command: "handover.request") { s in
            let recipients = try s.vault.roster().entries.filter { $0.kind == .recipient && !$0.isRevoked }
            let specs = [
                FieldSpec("mottaker", "mottaker", .choice(recipients.map(\.id))),
                FieldSpec("grunnlag", "grunnlag", .choice(["consent", "avvergeplikt"])),
                FieldSpec("samtykke", "samtykkereferanse (ved samtykke)", .text),
                FieldSpec("formaal", "formål", .text),
                FieldSpec("utloper", "utløper (valgfritt)", .date),
            ]
            var inputs = specs.map { FieldInput(spec: $0, typed: form?[$0.pattern] ?? ($0.pattern == "grunnlag" ? "consent" : "")) }
            guard let form else { return handoverPage(id, inputs, includeAddress: false, viewer(s)) }
            var values: [String: Any] = [:]
            for i in inputs.indices {
                switch inputs[i].parsed(allowSyntheticIDs: false) {
                case .failure(let p): inputs[i].error = p.message
                case .success(nil) where ["mottaker", "formaal"].contains(inputs[i].path): inputs[i].error = "Må fylles ut."
                case .success(let v): values[inputs[i].path] = v
                }
            }
            if values["grunnlag"] as? String == "consent", values["samtykke"] as? String == nil, let i = inputs.firstIndex(where: { $0.path == "samtykke" }) {
                inputs[i].error = "Må fylles ut når grunnlaget er samtykke."
            }
            let includeAddress = form["adresse"] == "ja"
            if inputs.contains(where: { $0.error != nil }) {
                return handoverPage(id, inputs, includeAddress: includeAddress, viewer(s), status: .badRequest)
            }
            let ask = HandoverRequest(
                caseID: id, recipientID: values["mottaker"] as! String, purpose: values["formaal"] as! String,
                basis: values["grunnlag"] as? String == "avvergeplikt" ? .avvergeplikt : .consent,
                consentReference: values["samtykke"] as? String,
                expires: (values["utloper"] as? String).flatMap(CalendarDate.init)?.osloEnd, includeAddress: includeAddress)
            do {
                let r = try s.requestHandover(ask)
                return Reply.seeOther("/utlevering/\(r.requestID)?melding=forespurt")
            } catch let e as VaultError {
                return handoverPage(id, inputs, includeAddress: includeAddress, viewer(s), status: .badRequest, failure: CoreErrorText.norwegian(e))
            }
        }
    }

    private func handoverPage(_ id: CaseID, _ inputs: [FieldInput], includeAddress: Bool, _ v: Viewer,
                              status: HTTPResponse.Status = .ok, failure: String? = nil) -> Response {
        let (html, errors) = Page.fields(inputs)
        let data: [String: Any] = ["handle": id.hex, "fieldsHTML": html, "errors": errors, "hasErrors": !errors.isEmpty,
                                   "errorCount": errors.count, "includeAddress": includeAddress]
        return Reply.html(Page.render("Be om utlevering", "handoverForm", data, viewer: v, failure: failure), status: status)
    }

    func handoverRequests() throws -> Response {
        try gate.withSession(command: "handover.requests") { s in
            let rows: [[String: Any]] = try s.handoverRequests().map { r in
                ["id": r.request.requestID, "created": r.request.created.osloText, "requester": r.request.requester,
                 "recipient": "\(r.request.recipient) (\(r.request.recipientRole.label))", "fields": r.request.fields.count,
                 "status": r.problem.map { "feil: \($0)" } ?? Self.statusLabel(r.status)]
            }
            return Reply.html(Page.render("Utleveringer", "requests", ["rows": rows, "hasRows": !rows.isEmpty], viewer: viewer(s)))
        }
    }

    /// Exactly what would leave: every field of the request, with the value where the reviewer may read it.
    func review(_ requestID: String, flash: String? = nil) throws -> Response {
        do {
            return try gate.withSession(command: "handover.review") { s in
                let r = try s.reviewHandoverRequest(requestID)
                let summary = try s.handoverRequests().first { $0.request.requestID == requestID }
                let q = r.request
                let fields: [[String: Any]] = q.fields.map { path in
                    ["path": path, "section": CaseSections.group(path).label, "label": FieldCatalog.spec(forPath: path)?.label ?? path,
                     "value": r.values[path].map { $0.norwegianText(path: path) } ?? "(forseglet for din rolle)"]
                }
                let status = summary?.status
                let data: [String: Any] = [
                    "id": q.requestID, "requester": q.requester, "recipient": "\(q.recipient) (\(q.recipientRole.label))",
                    "basis": ValueLabels.label(of: q.basis.rawValue, pattern: "disclosures[].basis"), "consent": q.consentReference ?? "",
                    "purpose": r.purpose ?? "(ikke forseglet til deg)", "expires": q.expires.osloText,
                    "status": status.map(Self.statusLabel) ?? "ukjent", "count": q.fields.count, "fields": fields,
                    "canDecide": status == .pending && s.member.roles.contains(.leader),
                    "canSend": status == .approved && q.requester == s.member.id,
                ]
                return Reply.html(Page.render("Utlevering til \(q.recipient)", "review", data, viewer: viewer(s), flash: flash))
            }
        } catch let e as VaultError { return failurePage(e, title: "Kan ikke vise forespørselen") }
    }

    func decide(_ requestID: String, action: String, form: FormBody) throws -> Response {
        do {
            switch action {
            case "godkjenn":
                _ = try gate.withSession(command: "handover.approve") { s in try s.decideHandoverRequest(requestID, verdict: .approve) }
                return Reply.seeOther("/utlevering/\(requestID)?melding=godkjent")
            case "avvis":
                guard let reason = form.trimmed("grunn") else {
                    return Reply.html(Page.render("Mangler begrunnelse", "message",
                                                  ["text": "Et avslag må ha en begrunnelse. Ingenting ble endret.", "link": "/utlevering/\(requestID)", "linkText": "Tilbake"],
                                                  viewer: nil), status: .badRequest)
                }
                _ = try gate.withSession(command: "handover.reject") { s in try s.decideHandoverRequest(requestID, verdict: .reject, reason: reason) }
                return Reply.seeOther("/utlevering/\(requestID)?melding=avvist")
            case "send":
                return try send(requestID)
            default:
                return notFound()
            }
        } catch let e as VaultError { return failurePage(e) }
    }

    /// The sealed bundle (encrypted to the recipient) is written beside the others, never overwriting one.
    private func send(_ requestID: String) throws -> Response {
        let safeName = requestID.filter { $0.isLetter || $0.isNumber || $0 == "-" }.prefix(24)
        let path = bundleFolder + "/utlevering-\(safeName).cvb"
        let reserved = try SecureFile.Reservation(path)
        let result = try gate.withSession(command: "handover.create") { s in try s.sendRequestedHandover(requestID) }
        try reserved.commit(result.bytes)
        return Reply.html(Page.render("Pakken er laget", "message",
                                      ["text": "Den forseglede pakken med \(result.manifest.fields.count) felt er lagret som \(path). Gi filen til mottakeren.",
                                       "link": "/utleveringer", "linkText": "Til utleveringer"], viewer: nil))
    }

    static func statusLabel(_ s: RequestSummary.Status) -> String {
        switch s {
        case .pending: "venter på godkjenning"
        case .approved: "godkjent"
        case .rejected: "avslått"
        case .sent: "sendt"
        }
    }

    /// The resident's access report, printable: who looked at or changed the case, and what left.
    func accessReport(_ id: CaseID) throws -> Response {
        do {
            return try gate.withSession(command: "audit.for-case") { s in
                let report = try s.residentAccessReport(caseID: id)
                let sections: [[String: Any]] = report.sections.map { ["heading": $0.heading, "lines": $0.lines, "hasLines": !$0.lines.isEmpty] }
                let data: [String: Any] = ["centre": report.centre, "generated": report.generated.osloText, "sections": sections]
                return Reply.html(Page.render("Innsynsrapport", "accessReport", data, viewer: viewer(s)))
            }
        } catch let e as VaultError { return failurePage(e, title: "Kan ikke lage innsynsrapporten") }
    }
}
