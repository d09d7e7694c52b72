import AccessPolicy
import ArgumentParser

extension CaseCommand {
    struct Template: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a commented YAML case: every field with its Norwegian label and allowed values.",
            discussion: """
                Every field line starts with "# ": remove that from the lines you fill in (with their section and list lines), delete or leave the rest. Every value is a placeholder that `case new` refuses ("" or <…>): replace it. A new case needs person.alias, case.opened and case.type; dates of what has happened (opened, obtained_on, done, …) may not lie in the future.

                \(Examples.text("casevault case template > case.yaml", "casevault case new case.yaml"))
                """)

        func run() throws { print(CaseTemplate.text, terminator: "") }
    }
}

/// The template is built from the field catalogue, so it lists exactly the fields the record
/// validator accepts. Its values are placeholders the validator refuses, so a template filed
/// as it stands is never a case. Disclosures, answers and documents are left out: `handover
/// create`, `handover answer-import` and `case document add` write them.
enum CaseTemplate {
    static let omittedSections: Set<String> = ["disclosures", "answers", "documents"]

    static var text: String {
        var out = """
            ## CaseVault case record (YAML). Fill in what you know; leave out the rest.
            ## Uncomment a field by removing "# " at the start of its line, and of its section and list lines.
            ## Every value is a placeholder ("" or <…>) that is refused until you replace it.
            ## Required: person.alias, case.opened, case.type. Dates of what has happened may not be in the future.
            ## Repeated groups (children, threats, measures, …) are lists: copy the "- " item for each one.
            ## Identity numbers must be valid; the example one is synthetic and only a --test-vault accepts it.

            """
        let root = Node()
        for spec in FieldCatalog.fields where !omittedSections.contains(spec.section) { root.insert(spec) }
        for (key, child) in root.children {
            if let label = FieldCatalog.sections.first(where: { $0.key == key.replacingOccurrences(of: "[]", with: "") })?.label {
                out += "\n## \(label)\n"
            }
            child.emit(key: key, indent: "", into: &out)
        }
        return out
    }

    /// A placeholder the validator refuses (empty text, or `<…>`), and a comment saying what is allowed.
    static func example(_ spec: FieldSpec) -> (value: String, allowed: String) { example(kind: spec.kind) }

    static func example(kind: FieldKind) -> (value: String, allowed: String) {
        switch kind {
        case .text: ("\"\"", "text")
        case .date: ("<ÅÅÅÅ-MM-DD>", "date YYYY-MM-DD")
        case .bool: ("<true|false>", "true or false")
        case let .integer(r): ("<\(r.lowerBound)-\(r.upperBound)>", "a whole number \(r.lowerBound)–\(r.upperBound)")
        case let .choice(values): ("<\(values[0])|…>", "one of: \(values.joined(separator: ", "))")
        case .textList: ("[\"\"]", "a list of texts: [a, b]")
        case .nationalID: ("<11 sifre>", "11-digit fødselsnummer or D-nummer, in quotes")
        }
    }

    /// Fields in catalogue order, grouped by path component (`threats[]` › `perpetrators[]` › `name`).
    final class Node {
        var children: [(String, Node)] = []
        var spec: FieldSpec?

        func insert(_ spec: FieldSpec) {
            var node = self
            for part in spec.pattern.split(separator: ".").map(String.init) {
                if let existing = node.children.first(where: { $0.0 == part })?.1 {
                    node = existing
                } else {
                    let next = Node()
                    node.children.append((part, next))
                    node = next
                }
            }
            node.spec = spec
        }

        /// Writes `key: value  # label; allowed`, or a section / list and its fields below it.
        func emit(key: String, indent: String, into out: inout String) {
            let isList = key.hasSuffix("[]")
            let name = isList ? String(key.dropLast(2)) : key
            if let spec {
                let (value, allowed) = CaseTemplate.example(spec)
                out += "# \(indent)\(name): \(value)    # \(spec.label); \(allowed)\n"
                return
            }
            out += "# \(indent)\(name):\n"
            for (i, (childKey, child)) in children.enumerated() {
                let childIndent = isList ? indent + (i == 0 ? "  - " : "    ") : indent + "  "
                child.emitFirstLineAware(key: childKey, indent: childIndent, continuation: isList ? indent + "    " : childIndent, into: &out)
            }
        }

        /// The first line of a list item carries "- "; anything the item spans below it is
        /// indented as the item's body.
        private func emitFirstLineAware(key: String, indent: String, continuation: String, into out: inout String) {
            if spec != nil || indent == continuation {
                emit(key: key, indent: indent, into: &out)
                return
            }
            var first = ""
            emit(key: key, indent: continuation, into: &first)
            var lines = first.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if !lines.isEmpty { lines[0] = "# " + indent + lines[0].dropFirst(2 + continuation.count) }
            out += lines.joined(separator: "\n")
        }
    }
}
