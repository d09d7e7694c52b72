import AccessPolicy
import CaseVaultCore

/// One input of a form, built from the field catalogue: its label, the widget its kind needs,
/// and what the user typed (kept when the form comes back with errors).
struct FieldInput {
    let spec: FieldSpec
    var typed: String
    var error: String?

    var path: String { spec.pattern }
    /// Ids and names are derived from the path, never from a value.
    var inputID: String { "f-" + path.replacingOccurrences(of: ".", with: "-") }

    /// What the template needs: which widget, options for a choice, and the error, if any.
    func context() -> [String: Any] {
        var c: [String: Any] = ["id": inputID, "name": path, "label": spec.label, "value": typed]
        if let error { c["error"] = error; c["errorID"] = inputID + "-feil" }
        switch spec.kind {
        case .choice(let values):
            c["select"] = true
            c["options"] = [["value": "", "text": "(ikke satt)", "selected": typed.isEmpty]]
                + values.map { ["value": $0, "text": ValueLabels.label(of: $0, pattern: path), "selected": $0 == typed] as [String: Any] }
        case .bool:
            c["select"] = true
            c["options"] = [("", "(ikke satt)"), ("ja", "ja"), ("nei", "nei")].map { ["value": $0.0, "text": $0.1, "selected": $0.0 == typed] as [String: Any] }
        case .textList:
            c["textarea"] = true
            c["hint"] = "Én per linje"
        case .date:
            c["input"] = true
            c["hint"] = "DD.MM.ÅÅÅÅ"
        case .integer(let range):
            c["input"] = true
            c["hint"] = "Tall fra \(range.lowerBound) til \(range.upperBound)"
        case .text where path.hasSuffix("instructions") || path.hasSuffix("narrative"):
            c["textarea"] = true
        default:
            c["input"] = true
        }
        return c
    }

    /// The value as the core's record input takes it (a JSON value), nil when left empty;
    /// a Norwegian message when the typed text is not a value of this field.
    func parsed(allowSyntheticIDs: Bool) -> Result<Any?, FieldProblem> {
        let text = typed.trimmingWhitespace
        if text.isEmpty { return .success(nil) }
        switch spec.kind {
        case .text:
            return .success(text)
        case .date:
            guard let date = Self.date(text) else { return .failure(FieldProblem("Ugyldig dato: skriv DD.MM.ÅÅÅÅ, for eksempel 24.12.2026.")) }
            return .success(date.description)
        case .integer(let range):
            guard let n = Int(text), range.contains(n) else {
                return .failure(FieldProblem("Må være et tall fra \(range.lowerBound) til \(range.upperBound)."))
            }
            return .success(n)
        case .bool:
            switch text.lowercased() {
            case "ja": return .success(true)
            case "nei": return .success(false)
            default: return .failure(FieldProblem("Velg ja eller nei."))
            }
        case .choice(let values):
            guard values.contains(text) else { return .failure(FieldProblem("Velg en av verdiene i listen.")) }
            return .success(text)
        case .textList:
            let items = text.split(whereSeparator: \.isNewline).map { String($0).trimmingWhitespace }.filter { !$0.isEmpty }
            return .success(items)
        case .nationalID:
            do {
                try NationalID.validate(text, allowSynthetic: allowSyntheticIDs)
                return .success(text)
            } catch {
                return .failure(FieldProblem("Ugyldig fødselsnummer eller D-nummer: 11 siffer med riktige kontrollsiffer."))
            }
        }
    }

    /// `24.12.2026` (how the screens show dates) or `2026-12-24` (a browser's date field).
    static func date(_ text: String) -> CalendarDate? {
        let parts = text.split(separator: ".")
        if parts.count == 3, let d = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2]), parts[2].count == 4 {
            return CalendarDate(year: y, month: m, day: d)
        }
        return CalendarDate(text)
    }

    /// How a stored value is shown in an input: the same text a person types.
    static func typedText(of value: FieldValue?, spec: FieldSpec) -> String {
        guard let value else { return "" }
        switch (spec.kind, value) {
        case (.date, .text(let s)): return CalendarDate(s)?.norwegianText ?? s
        case (.bool, .bool(let b)): return b ? "ja" : "nei"
        case (.textList, .list(let items)): return items.joined(separator: "\n")
        default: return value.displayText
        }
    }
}

struct FieldProblem: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
