import Yams

/// Strict reader for the policy file: every key known, every catalogue field ruled, every
/// role spelt as in `Role`. Structure is checked first, then the rules that protect content,
/// so the first error reported is the most basic one.
enum PolicyParser {
    static let versionKey = "casevault-policy"
    static let formatOneKeys = [versionKey, "serial", "description", "centre-wide", "case-assigned", "approval-required", "fields"]
    /// Format 2 adds `handover:` (which member roles may send a bundle to which recipient role).
    static func topLevelKeys(_ version: Int) -> [String] { version == 1 ? formatOneKeys : formatOneKeys + ["handover"] }
    static func requiredKeys(_ version: Int) -> [String] { topLevelKeys(version).filter { $0 != "description" } }
    static let ruleKeys = ["read", "write"]

    static func parse(bytes: [UInt8]) throws(PolicyError) -> Policy {
        let text = String(decoding: bytes, as: UTF8.self)
        // Decoding replaces invalid sequences, so a round trip that differs means bad UTF-8.
        guard Array(text.utf8) == bytes else { throw .notUTF8 }
        // A CR can make a terminal show one rule over another, and the signature covers exact bytes.
        guard !bytes.contains(0x0D) else { throw .carriageReturn }

        let yamlParser: Yams.Parser
        let root: Node?
        do {
            yamlParser = try Yams.Parser(yaml: text, encoding: .utf8)
            root = try yamlParser.singleRoot()
        } catch {
            throw translate(error)
        }
        // Anchors are held weakly by the nodes and owned by the parser: keep it alive while walking.
        return try withExtendedLifetime(yamlParser) { () throws(PolicyError) -> Policy in
            guard let root, case .mapping(let top) = root else { throw .notAMapping }
            try refuseAnchors(root)
            return try build(top, text: text, bytes: bytes)
        }
    }

    private static func build(_ top: Node.Mapping, text: String, bytes: [UInt8]) throws(PolicyError) -> Policy {
        let entries = try keyedEntries(top, within: nil)

        // The version comes first: a file from a newer format should say so, not list unknown keys.
        guard let versionNode = entries[versionKey] else { throw .missingKey(versionKey, within: nil) }
        guard let version = decimalInteger(versionNode) else {
            throw .wrongType(key: versionKey, expected: "an integer")
        }
        guard Policy.readableFormatVersions.contains(version) else { throw .unsupportedVersion(String(version)) }

        for (key, _) in entries.ordered where !topLevelKeys(version).contains(key) {
            throw .unknownKey(key, within: nil)
        }
        for key in requiredKeys(version) where entries[key] == nil {
            throw .missingKey(key, within: nil)
        }

        let serialNode = entries["serial"]!
        guard let serial = decimalInteger(serialNode), serial > 0 else {
            throw .invalidSerial(serialNode.scalar?.string ?? "a non-scalar value")
        }

        var descriptionText: String?
        if let node = entries["description"] {
            guard let scalar = node.scalar else { throw .wrongType(key: "description", expected: "text") }
            descriptionText = scalar.string
        }

        let centreWide = try roles(entries["centre-wide"]!, at: "centre-wide")
        let caseAssigned = try roles(entries["case-assigned"]!, at: "case-assigned")
        let approvalRequired = try roles(entries["approval-required"]!, at: "approval-required")
        let rules = try fieldRules(entries["fields"]!)
        let handoverSenders = try entries["handover"].map(handoverRules) ?? Policy.formatOneHandoverSenders

        try checkScopes(centreWide: centreWide, caseAssigned: caseAssigned, approvalRequired: approvalRequired)
        try checkContentRules(rules)

        return Policy(
            formatVersion: version, serial: serial, descriptionText: descriptionText,
            centreWide: centreWide, caseAssigned: caseAssigned, approvalRequired: approvalRequired,
            handoverSenders: handoverSenders, rules: rules, sourceText: text, sourceBytes: bytes)
    }

    // MARK: Sections

    private static func fieldRules(_ node: Node) throws(PolicyError) -> [String: FieldRule] {
        guard case .mapping(let mapping) = node else {
            throw .wrongType(key: "fields", expected: "a mapping from field patterns to rules")
        }
        var rules: [String: FieldRule] = [:]
        for (pattern, ruleNode) in try keyedEntries(mapping, within: "fields").ordered {
            // Only patterns are keys: `children[0].name` is a stored path, not a policy field.
            guard FieldCatalog.spec(forPattern: pattern) != nil else { throw .unknownField(pattern) }
            let path = "fields.\(pattern)"
            guard case .mapping(let ruleMapping) = ruleNode else {
                throw .wrongType(key: path, expected: "a mapping with read and write")
            }
            let entries = try keyedEntries(ruleMapping, within: path)
            for (key, _) in entries.ordered where !ruleKeys.contains(key) {
                throw .unknownKey(key, within: path)
            }
            guard let read = entries["read"] else { throw .missingKey("read", within: path) }
            guard let write = entries["write"] else { throw .missingKey("write", within: path) }
            rules[pattern] = FieldRule(
                read: try roles(read, at: "\(path).read"),
                write: try roles(write, at: "\(path).write"))
        }
        // No implicit defaults: a field added to the catalogue stays closed until someone rules on it.
        for spec in FieldCatalog.fields where rules[spec.pattern] == nil {
            // Fields added after policies were first signed stay closed in an older policy, so it still parses.
            guard FieldCatalog.closedUnlessRuled.contains(spec.pattern) else { throw .missingRule(field: spec.pattern) }
            rules[spec.pattern] = FieldRule(read: [], write: [])
        }
        return rules
    }

    /// `handover:` maps every recipient role to the member roles that may send it a bundle. The
    /// auditor and residents never send: a bundle shows its content as verified by the centre.
    private static func handoverRules(_ node: Node) throws(PolicyError) -> [Role: Set<Role>] {
        guard case .mapping(let mapping) = node else {
            throw .wrongType(key: "handover", expected: "a mapping from recipient roles to sender roles")
        }
        var out: [Role: Set<Role>] = [:]
        for (key, value) in try keyedEntries(mapping, within: "handover").ordered {
            guard let recipient = Role(rawValue: key), recipient.isExternal else { throw .unknownKey(key, within: "handover") }
            let senders = try roles(value, at: "handover.\(key)")
            for sender in senders where sender.isExternal || sender == .auditor || sender == .resident {
                throw .handoverSenderNotAllowed(sender, recipient: recipient)
            }
            out[recipient] = senders
        }
        for role in Role.allCases where role.isExternal && out[role] == nil { throw .missingKey(role.rawValue, within: "handover") }
        return out
    }

    private static func checkScopes(
        centreWide: Set<Role>, caseAssigned: Set<Role>, approvalRequired: Set<Role>
    ) throws(PolicyError) {
        for role in Role.allCases {
            if centreWide.contains(role) && caseAssigned.contains(role) { throw .roleInBothScopes(role) }
            if role.isExternal && centreWide.contains(role) { throw .externalRoleInScope(role, scope: "centre-wide") }
            if role.isExternal && caseAssigned.contains(role) { throw .externalRoleInScope(role, scope: "case-assigned") }
            if !role.isExternal && approvalRequired.contains(role) { throw .approvalForInternalRole(role) }
        }
    }

    private static func checkContentRules(_ rules: [String: FieldRule]) throws(PolicyError) {
        for spec in FieldCatalog.fields {
            let rule = rules[spec.pattern]!
            if rule.read.contains(.auditor) { throw .auditorGrantedContent(field: spec.pattern, access: "read") }
            if rule.write.contains(.auditor) { throw .auditorGrantedContent(field: spec.pattern, access: "write") }
            // External roles work from handover bundles; they never change the centre's record.
            for role in Role.allCases where role.isExternal && rule.write.contains(role) {
                throw .externalRoleWrites(role, field: spec.pattern)
            }
        }
    }

    // MARK: Values

    private static func roles(_ node: Node, at path: String) throws(PolicyError) -> Set<Role> {
        guard case .sequence(let sequence) = node else { throw .wrongType(key: path, expected: "a list of roles") }
        var roles: Set<Role> = []
        for item in sequence {
            guard let name = item.scalar?.string else { throw .wrongType(key: path, expected: "a list of roles") }
            guard let role = Role(rawValue: name) else { throw .unknownRole(name, at: path) }
            guard roles.insert(role).inserted else { throw .duplicateRole(role, at: path) }
        }
        return roles
    }

    /// A plain decimal integer without sign or leading zeros; quoted "1", `0x1` and `1.0` are not.
    private static func decimalInteger(_ node: Node) -> Int? {
        guard let scalar = node.scalar, scalar.style == .plain || scalar.style == .any else { return nil }
        let text = scalar.string
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              text == "0" || !text.hasPrefix("0") else { return nil }
        return Int(text)
    }

    /// A mapping's entries by string key, in document order, refusing non-string and repeated keys.
    private static func keyedEntries(_ mapping: Node.Mapping, within path: String?) throws(PolicyError) -> KeyedEntries {
        var result = KeyedEntries()
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else {
                throw .wrongType(key: path ?? "the document", expected: "a mapping with plain keys")
            }
            // Yams catches exact repeats; this also catches a repeat spelt once quoted, once plain.
            guard result[key] == nil else { throw .duplicateKey(key, line: keyNode.mark?.line ?? 0) }
            result.append(key, value)
        }
        return result
    }

    private static func refuseAnchors(_ node: Node) throws(PolicyError) {
        if node.anchor != nil { throw .anchorOrAlias(line: node.mark?.line ?? 0) }
        switch node {
        case .mapping(let mapping):
            for (key, value) in mapping {
                try refuseAnchors(key)
                try refuseAnchors(value)
            }
        case .sequence(let sequence):
            for item in sequence { try refuseAnchors(item) }
        case .scalar:
            break
        case .alias(let alias):
            throw .anchorOrAlias(line: alias.mark?.line ?? 0)
        }
    }

    /// libyaml's multi-line report folded to its problem and position.
    private static func translate(_ error: any Error) -> PolicyError {
        guard let yamlError = error as? YamlError else { return .malformedYAML(String(describing: error)) }
        switch yamlError {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return .malformedYAML("\(problem) (line \(mark.line), column \(mark.column))")
        case .reader(let problem, _, _, _):
            return .malformedYAML(problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return .duplicateKey(duplicates.first ?? "", line: context.mark.line)
        default:
            return .malformedYAML(String(describing: yamlError).split(separator: "\n").first.map(String.init) ?? "unreadable")
        }
    }
}

/// Mapping entries kept both in order (for deterministic errors) and by key.
private struct KeyedEntries {
    private(set) var ordered: [(String, Node)] = []
    private var byKey: [String: Node] = [:]

    subscript(key: String) -> Node? { byKey[key] }

    mutating func append(_ key: String, _ value: Node) {
        ordered.append((key, value))
        byKey[key] = value
    }
}
