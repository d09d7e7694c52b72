import AccessPolicy
import CaseVaultCore

/// A case's readable fields grouped as the CLI prints them: by section, then by entry
/// (`barn 1`, `trusselbilde 1 › voldsutøver 2`), labels from the field catalogue, values as
/// `case show` prints them.
enum CaseSections {
    /// Sections of single fields, edited in one form each.
    static let editable: Set<String> = ["case", "person", "address", "police", "safety", "housing", "result", "economy", "followup"]
    /// Groups an entry is added to with one form (their fields are all single values).
    static let addable: Set<String> = ["children", "measures", "consents", "tasks"]

    static func context(_ opened: OpenedCase) -> [[String: Any]] {
        var out: [[String: Any]] = []
        let notes = opened.noteOrigins
        // A document the member opened in full gets a link where its sealed reference would be.
        let documents = Dictionary(uniqueKeysWithValues: opened.documents.map { ("documents[\($0.index)].content", $0.index) })
        for path in opened.record.orderedPaths {
            let (key, label) = group(path)
            let spec = FieldCatalog.spec(forPath: path)
            var field: [String: Any] = ["path": path, "label": spec?.label ?? path,
                                        "value": opened.fields[path]!.norwegianText(path: path)]
            if let n = documents[path] { field["document"] = "/sak/\(opened.caseID.hex)/dokument/\(n + 1)" }
            if path.hasSuffix(".text"), let origin = notes[String(path.dropLast(".text".count))] {
                field["origin"] = "\(origin.author), \(origin.written.osloText)"
            }
            if let last = out.last, last["label"] as? String == label {
                out[out.count - 1]["fields"] = (last["fields"] as! [[String: Any]]) + [field]
            } else {
                let section = spec?.section ?? key
                out.append(["key": key, "label": label, "fields": [field],
                            "editable": editable.contains(key) && key == section])
            }
        }
        // Every section the member may add to shows its form link, even with no entry yet.
        for key in addable.sorted() where !out.contains(where: { ($0["key"] as? String) == key && ($0["label"] as? String) == sectionLabel(key) }) {
            out.append(["key": key, "label": sectionLabel(key), "fields": [[String: Any]](), "groupForm": true])
        }
        return out
    }

    static func sectionLabel(_ key: String) -> String { FieldCatalog.sections.first { $0.key == key }?.label ?? key }

    /// `threats[0].perpetrators[1].name` → (`threats`, `trusselbilde 1 › voldsutøver 2`).
    static func group(_ path: String) -> (key: String, label: String) {
        let head = path.split(separator: ".")[0]
        let key = String(head.split(separator: "[")[0])
        var label = sectionLabel(key)
        for (i, part) in path.split(separator: ".").dropLast().enumerated() {
            guard let open = part.firstIndex(of: "["), let n = Int(part[part.index(after: open)..<part.index(before: part.endIndex)]) else { continue }
            label += i == 0 ? " \(n + 1)" : " › \(part[..<open] == "perpetrators" ? "voldsutøver" : String(part[..<open])) \(n + 1)"
        }
        return (key, label)
    }

    /// The single-value fields of a section, or the fields of one entry of a group, in catalogue order.
    static func specs(section key: String) -> [FieldSpec] {
        FieldCatalog.fields.filter { $0.pattern.hasPrefix(key + ".") && !$0.pattern.contains("[") }
    }

    static func specs(group key: String) -> [FieldSpec] {
        FieldCatalog.fields.filter { $0.pattern.hasPrefix(key + "[].") && $0.pattern.dropFirst(key.count + 3).contains("[") == false }
    }
}
