/// One field's rule in a stable shape for `casevault policy show --json`. Role names are the
/// policy file's spelling, in `Role.allCases` order; fields come in catalogue order.
public struct MatrixRow: Codable, Sendable, Equatable {
    public let field: String
    public let label: String
    public let read: [String]
    public let write: [String]

    public init(field: String, label: String, read: [String], write: [String]) {
        self.field = field
        self.label = label
        self.read = read
        self.write = write
    }
}

extension Policy {
    public func matrixRows() -> [MatrixRow] {
        FieldCatalog.fields.map { spec in
            let rule = rules[spec.pattern]!
            return MatrixRow(
                field: spec.pattern, label: spec.label,
                read: Role.allCases.filter(rule.read.contains).map(\.rawValue),
                write: Role.allCases.filter(rule.write.contains).map(\.rawValue))
        }
    }

    /// A role × field table for the terminal. The essential part (field and cells) fits in
    /// 80 columns; the Norwegian label comes last so a narrow terminal only cuts the label.
    /// No stability promise: scripts should use `matrixRows()`.
    public func matrixText() -> String {
        let fieldWidth = FieldCatalog.fields.map(\.pattern.count).max()!
        let widths = Role.allCases.map { max(2, $0.abbreviation.count) }
        func pad(_ text: String, _ width: Int) -> String {
            text + String(repeating: " ", count: max(0, width - text.count))
        }
        func row(_ field: String, _ cells: [String], _ label: String) -> String {
            let columns = zip(cells, widths).map { pad($0, $1) }.joined(separator: " ")
            return pad(field, fieldWidth) + "  " + columns + "  " + label
        }
        func names(_ roles: Set<Role>) -> String {
            roles.isEmpty ? "(none)" : roles.sorted().map(\.rawValue).joined(separator: ", ")
        }

        var lines = [
            "casevault-policy \(formatVersion), serial \(serial)",
            "centre-wide: \(names(centreWide))",
            "case-assigned: \(names(caseAssigned))",
            "approval-required: \(names(approvalRequired))",
            "",
            row("field", Role.allCases.map(\.abbreviation), "label"),
        ]
        var section = ""
        for spec in FieldCatalog.fields {
            if spec.section != section {
                if !section.isEmpty { lines.append("") }
                section = spec.section
            }
            let rule = rules[spec.pattern]!
            let cells = Role.allCases.map { role in
                (rule.read.contains(role) ? "R" : "-") + (rule.write.contains(role) ? "W" : "-")
            }
            lines.append(row(spec.pattern, cells, spec.label))
        }
        lines.append("")
        lines.append("R read, W write, - neither.")
        lines.append(Role.allCases.map { "\($0.abbreviation) \($0.rawValue)" }.joined(separator: ", "))
        return lines.joined(separator: "\n") + "\n"
    }
}
