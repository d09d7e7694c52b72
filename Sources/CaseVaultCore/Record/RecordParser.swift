import AccessPolicy

/// Turns JSON/YAML into validated fields. Every error names the field path and what was
/// expected, never the value that was given (it may be a name or an address).
package struct RecordParser {
    var allowSyntheticIDs: Bool
    /// When set, a bad field is noted here and parsing goes on, so every problem is reported at once.
    var problems: ProblemList? = nil

    package init(allowSyntheticIDs: Bool) { self.allowSyntheticIDs = allowSyntheticIDs }

    init(allowSyntheticIDs: Bool, problems: ProblemList?) {
        self.allowSyntheticIDs = allowSyntheticIDs
        self.problems = problems
    }

    static let maxTextBytes = RecordLimits.maxTextBytes
    static let maxListItems = RecordLimits.maxListItems

    /// A whole record, as given to `case new`.
    package func parseRecord(_ text: String) throws(VaultError) -> CaseRecord {
        let root = try InputNode.parse(text)
        guard case .object = root else { throw .input("a case must be an object with sections such as \"person\" and \"case\"") }
        var fields: [String: FieldValue] = [:]
        var collecting = self
        collecting.problems = ProblemList()
        try collecting.flatten(root, at: "", into: &fields)
        try RecordLimits.checkFieldCount(fields.count)
        collecting.problems!.items += RecordConsistency(fields: fields, sealed: []).problems()
        try collecting.problems!.throwIfAny()
        return CaseRecord(fields: fields)
    }

    /// Flattens `node` found at concrete `path` ("" for the whole record).
    func flatten(_ node: InputNode, at path: String, into fields: inout [String: FieldValue]) throws(VaultError) {
        if case .null = node { return }
        guard let pattern = FieldCatalog.pattern(ofPath: path) else { throw .input("malformed field path \"\(path.prefix(80))\"") }
        if let spec = FieldCatalog.spec(forPattern: pattern) {
            fields[path] = try value(node, spec: spec, path: path)
            return
        }
        let childPrefix = pattern.isEmpty ? "" : pattern + "."
        switch node {
        case let .object(pairs) where Self.hasChildren(pattern: pattern):
            for (key, child) in pairs {
                try noting { () throws(VaultError) in
                    guard Self.isPlainKey(key) else { throw .input("unknown field \"\(Self.join(path, key).prefix(80))\"") }
                    let childPath = Self.join(path, key)
                    let childPattern = childPrefix + key
                    if FieldCatalog.spec(forPattern: childPattern) == nil && !Self.hasChildren(pattern: childPattern) && !Self.isGroup(pattern: childPattern) {
                        throw .input("unknown field \"\(childPath.prefix(80))\"")
                    }
                    try flatten(child, at: childPath, into: &fields)
                }
            }
        case let .array(items) where Self.isGroup(pattern: pattern):
            guard items.count <= Self.maxListItems else { throw .input("\(path): at most \(Self.maxListItems) entries") }
            for (i, item) in items.enumerated() {
                guard case .object = item else { throw .input("\(path)[\(i)]: expected an object") }
                try noting { () throws(VaultError) in try flatten(item, at: "\(path)[\(i)]", into: &fields) }
            }
        default:
            if Self.isGroup(pattern: pattern) { throw .input("\(path): expected a list of objects, got \(node.kindName)") }
            if Self.hasChildren(pattern: pattern) { throw .input("\(path.isEmpty ? "record" : path): expected an object, got \(node.kindName)") }
            throw .input("unknown field \"\(path.prefix(80))\"")
        }
    }

    /// Runs one step; with a problem list, a failure is noted there instead of ending the parse.
    func noting(_ step: () throws(VaultError) -> Void) throws(VaultError) {
        guard let problems else { return try step() }
        do { try step() } catch { problems.items.append(error.message) }
    }

    /// True when some field lies under `pattern.` (an object such as `person` or `children[]`).
    static func hasChildren(pattern: String) -> Bool {
        let prefix = pattern.isEmpty ? "" : pattern + "."
        return FieldCatalog.fields.contains { $0.pattern.hasPrefix(prefix) }
    }

    /// True when `pattern[]` is a repeated group (`children`, `threats[].perpetrators`).
    static func isGroup(pattern: String) -> Bool { hasChildren(pattern: pattern + "[]") }

    /// `female (kvinne)`: a choice value with the word people read, where it differs.
    static func withLabel(_ value: String, _ pattern: String) -> String {
        let label = ValueLabels.label(of: value, pattern: pattern)
        return label == value ? value : "\(value) (\(label))"
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    private static func isPlainKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.allSatisfy { (0x61...0x7A).contains($0) || $0 == 0x5F || (0x30...0x39).contains($0) }
    }

    func value(_ node: InputNode, spec: FieldSpec, path: String) throws(VaultError) -> FieldValue {
        // `case template` writes `<…>` where a value goes: refused with a word on what it is.
        if spec.kind != .text, case let .scalar(s, _) = node, s.hasPrefix("<"), s.hasSuffix(">") {
            throw .input("\(path): still the template's placeholder; give a value or delete the line")
        }
        switch spec.kind {
        case .text:
            return .text(try text(node, path))
        case .date:
            let s = try scalar(node, path, expected: "a date (YYYY-MM-DD)")
            guard CalendarDate(s) != nil else { throw .input("\(path): expected a date (YYYY-MM-DD)") }
            return .text(s)
        case .bool:
            guard case let .scalar(s, quoted: false) = node, s == "true" || s == "false" else {
                throw .input("\(path): expected true or false")
            }
            return .bool(s == "true")
        case let .integer(range):
            guard case let .scalar(s, quoted: false) = node, let i = Int(s), range.contains(i) else {
                throw .input("\(path): expected a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return .integer(i)
        case let .choice(options):
            let s = try scalar(node, path, expected: "one of \(options.joined(separator: ", "))")
            if options.contains(s) { return .text(s) }
            // The Norwegian word `case show` prints is taken for its value.
            if let value = ValueLabels.canonical(of: s, pattern: spec.pattern), options.contains(value) { return .text(value) }
            throw .input("\(path): expected one of \(options.map { Self.withLabel($0, spec.pattern) }.joined(separator: ", "))")
        case .textList:
            guard case let .array(items) = node else { throw .input("\(path): expected a list of texts") }
            guard items.count <= Self.maxListItems else { throw .input("\(path): at most \(Self.maxListItems) entries") }
            var out: [String] = []
            for item in items { out.append(try text(item, path)) }
            return .list(out)
        case .nationalID:
            let s = try scalar(node, path, expected: "an 11-digit identity number written as text")
            do { try NationalID.validate(s, allowSynthetic: allowSyntheticIDs) } catch {
                throw .input("\(path): identity number \(error)")
            }
            return .text(s)
        }
    }

    private func scalar(_ node: InputNode, _ path: String, expected: String) throws(VaultError) -> String {
        guard case let .scalar(s, _) = node else { throw .input("\(path): expected \(expected), got \(node.kindName)") }
        return s
    }

    private func text(_ node: InputNode, _ path: String) throws(VaultError) -> String {
        let s = try scalar(node, path, expected: "a text")
        guard s.contains(where: { !$0.isWhitespace }) else { throw .input("\(path): empty text; give a value or delete the line") }
        guard s.utf8.count <= Self.maxTextBytes else { throw .input("\(path): text longer than \(Self.maxTextBytes) bytes") }
        guard !s.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t" }) else {
            throw .input("\(path): text contains control characters")
        }
        return s
    }
}
