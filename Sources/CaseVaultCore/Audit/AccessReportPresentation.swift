import AccessPolicy

/// The resident's access report as people read it: fields grouped by section, times in
/// Norwegian local time, plain reasons for refused attempts, and an HTML form to print.
extension AccessReport {
    /// `sak: status, fase · barn 1: navn`: labels grouped by section (and entry) in record order.
    static func grouped(_ paths: [String]) -> String {
        var groups: [(name: String, labels: [String])] = []
        for path in CaseRecord.order(paths) {
            let name = sectionName(path)
            let label = FieldCatalog.spec(forPath: path)?.label ?? path
            if groups.last?.name == name { groups[groups.count - 1].labels.append(label) } else { groups.append((name, [label])) }
        }
        return groups.map { "\($0.name): \($0.labels.joined(separator: ", "))" }.joined(separator: " · ")
    }

    /// `children[1].name` → `barn 2`; `threats[0].perpetrators[1].name` → `trusselbilde 1, voldsutøver 2`.
    static func sectionName(_ path: String) -> String {
        guard let pattern = FieldCatalog.pattern(ofPath: path), let spec = FieldCatalog.spec(forPattern: pattern) else { return path }
        var name = FieldCatalog.sections.first { $0.key == spec.section }?.label ?? spec.section
        let numbers = RecordPatch.indexedGroups(of: path)
        for (i, n) in numbers.enumerated() {
            name += i == 0 ? " \(n.index + 1)" : ", \(n.group.hasSuffix("perpetrators") ? "voldsutøver" : "del") \(n.index + 1)"
        }
        return name
    }

    /// Why an attempt was refused, from the fixed word the log records.
    static func refusalReason(_ detail: [String: String]) -> String? {
        guard let error = detail["error"] else { return nil }
        switch error {
        case "access-denied": return "rollen har ikke tilgang til dette / the role has no access to this"
        case "not-found": return "personen er ikke knyttet til saken / the person is not connected to the case"
        case "authentication-failed": return "feil passord eller ukjent nøkkel / wrong passphrase or unknown key"
        case "invalid-input": return "ugyldig forespørsel / invalid request"
        default: return "avvist av sikkerhetshensyn / refused for safety (\(error))"
        }
    }

    /// Adds each disclosure's purpose and consent from the case record (the `disclosures[]` entry with the same bundle id).
    func addingPurposes(from fields: [String: FieldValue]) -> AccessReport {
        var copy = self
        for i in copy.disclosures.indices {
            guard let bundle = copy.disclosures[i].bundle,
                  let entry = fields.first(where: { $0.key.hasPrefix("disclosures[") && $0.key.hasSuffix("].bundle") && $0.value == .text(bundle) })
            else { continue }
            let prefix = String(entry.key.dropLast(".bundle".count))
            if case let .text(purpose)? = fields[prefix + ".purpose"] { copy.disclosures[i].purpose = purpose }
            if case let .text(consent)? = fields[prefix + ".consent_ref"] { copy.disclosures[i].consent = consent }
        }
        return copy
    }

    /// One line per event and disclosure, as `(heading, lines)` sections, shared by text and HTML.
    public var sections: [(heading: String, lines: [String])] {
        var seen: [String] = []
        for e in events {
            var line = "\(e.time.osloText)  \(Self.who(e.actor, e.actorName, e.actorRoles)): \(Self.describe(e.action))"
            if !e.fields.isEmpty { line += " — \(Self.grouped(e.fields))" }
            if let reason = Self.refusalReason(e.detail) { line += " — grunn / reason: \(reason)" }
            line += Self.breakGlassNote(e.detail)
            seen.append(line)
        }
        var disclosed: [String] = []
        for d in disclosures {
            let to = d.recipientName.map { "\($0) (\(d.recipient))" } ?? d.recipient
            let role = d.recipientRole.flatMap(Role.init(rawValue:)).map { ", \($0.label)" } ?? ""
            let basis = d.basis.map { ValueLabels.label(of: $0, pattern: "disclosures[].basis") } ?? "-"
            var line = "\(d.time.osloText)  til / to \(to)\(role); grunnlag / basis: \(basis)"
            if let consent = d.consent { line += " (\(consent))" }
            if let purpose = d.purpose { line += "; formål / purpose: \(purpose)" }
            line += "; av / by \(d.by)" + (d.approvedBy.map { ", godkjent av / approved by \($0)" } ?? "")
            line += " — \(Self.grouped(d.fields)) — "
                + (d.confirmed.map { "mottak bekreftet / receipt confirmed \($0.osloText)" } ?? "mottak ikke bekreftet / receipt not confirmed")
            disclosed.append(line)
        }
        return [("Hvem har sett eller endret saken / Who viewed or changed the case", seen),
                ("Utleveringer / Disclosures", disclosed)]
    }

    /// A self-contained HTML page of the report, every text escaped.
    public var html: String {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        var out = [
            "<!DOCTYPE html>", "<html lang=\"nb\"><head><meta charset=\"utf-8\"><title>Innsynsrapport</title>",
            "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}li{margin:.4em 0}</style></head><body>",
            "<h1>Innsynsrapport / Access report</h1>",
            "<p>\(esc(centre))<br>Sak / Case: <code>\(caseID.hex)</code><br>Laget / Produced: \(esc(generated.osloText))</p>",
        ]
        for s in sections {
            out.append("<h2>\(esc(s.heading))</h2>")
            out.append(s.lines.isEmpty ? "<p>(ingen / none)</p>" : "<ul>\n" + s.lines.map { "<li>\(esc($0))</li>" }.joined(separator: "\n") + "\n</ul>")
        }
        out.append("<p>Rapporten viser hvem og hva, aldri innholdet i feltene. / The report shows who and what, never the fields' content.</p>")
        out.append("</body></html>")
        return out.joined(separator: "\n") + "\n"
    }
}

extension Session {
    /// The access report for the resident or their contact person, with each disclosure's purpose
    /// and consent read from the case (a logged read). Others get the report as `accessReport` gives it.
    public func residentAccessReport(caseID: CaseID) throws(VaultError) -> AccessReport {
        let report = try accessReport(caseID: caseID)
        guard member.roles.contains(where: ProceduralRight.personalReport.onTheirCases.contains), !report.disclosures.isEmpty else { return report }
        return report.addingPurposes(from: try showCase(caseID, reason: "innsynsrapport").fields)
    }
}
