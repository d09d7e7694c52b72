import AccessPolicy

extension FieldValue {
    /// How a person reads this value of the field at `path`: Norwegian words for choice
    /// values, dates as `25.11.2026`, ja/nei. Formats and `--json` use `jsonObject` instead.
    public func norwegianText(path: String) -> String {
        // A document's content reference holds its key: people see where to get the document instead.
        if DocumentReference.isContentPath(path) { return "kryptert vedlegg (casevault case document get)" }
        guard case let .text(s) = self, let pattern = FieldCatalog.pattern(ofPath: path),
              let spec = FieldCatalog.spec(forPattern: pattern) else { return displayText }
        switch spec.kind {
        case .date: return CalendarDate(s)?.norwegianText ?? s
        case .choice, .text: return ValueLabels.label(of: s, pattern: pattern)
        default: return s
        }
    }
}
