/// Why a policy file was refused. Each case names the offending key, field or role, never
/// more than that: a policy holds no case content, but errors still stay one short line.
public enum PolicyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not valid UTF-8.
    case notUTF8
    /// The file holds a carriage return: line endings are LF only, as in every CaseVault text.
    case carriageReturn
    /// The text is not well-formed YAML (libyaml's problem and position).
    case malformedYAML(String)
    /// A mapping repeats a key.
    case duplicateKey(String, line: Int)
    /// Anchors and aliases are refused: every rule must be spelt out where it applies.
    case anchorOrAlias(line: Int)
    /// The document is not a mapping of keys.
    case notAMapping
    /// A value has the wrong YAML shape; `expected` says what was wanted.
    case wrongType(key: String, expected: String)
    /// A required key is absent; `within` is the enclosing key path, nil at the top level.
    case missingKey(String, within: String?)
    /// A key the format does not define; `within` as for `missingKey`.
    case unknownKey(String, within: String?)
    /// `casevault-policy` is not a version this build understands.
    case unsupportedVersion(String)
    /// `serial` is not a positive decimal integer.
    case invalidSerial(String)
    /// `fields` names a pattern the record's catalogue does not have.
    case unknownField(String)
    /// A catalogue field has no rule: there are no implicit defaults.
    case missingRule(field: String)
    /// A role list names something that is not a role.
    case unknownRole(String, at: String)
    /// A role list names the same role twice.
    case duplicateRole(Role, at: String)
    /// A role is both `centre-wide` and `case-assigned`.
    case roleInBothScopes(Role)
    /// An external role is listed in `centre-wide` or `case-assigned`.
    case externalRoleInScope(Role, scope: String)
    /// An external role is given write permission.
    case externalRoleWrites(Role, field: String)
    /// `approval-required` lists a role that never receives handovers.
    case approvalForInternalRole(Role)
    /// `handover:` lets a role send that never may: an external role, the auditor or a resident.
    case handoverSenderNotAllowed(Role, recipient: Role)
    /// The auditor is given read or write on a field; `access` is "read" or "write".
    case auditorGrantedContent(field: String, access: String)

    public var description: String {
        "policy: " + detail
    }

    private var detail: String {
        switch self {
        case .notUTF8:
            return "the file is not valid UTF-8"
        case .carriageReturn:
            return "the file holds a carriage return (CR); use LF line endings only"
        case .malformedYAML(let problem):
            return "malformed YAML: \(oneLine(problem, limit: 200))"
        case .duplicateKey(let key, let line):
            return "duplicate key \(quoted(key)) (line \(line))"
        case .anchorOrAlias(let line):
            return "anchors and aliases are not allowed, write each rule out (line \(line))"
        case .notAMapping:
            return "the document must be a mapping of keys"
        case .wrongType(let key, let expected):
            return "\(oneLine(key)) must be \(expected)"
        case .missingKey(let key, let within):
            return "missing key \(quoted(key))" + (within.map { " in \(oneLine($0))" } ?? "")
        case .unknownKey(let key, let within):
            return "unknown key \(quoted(key))" + (within.map { " in \(oneLine($0))" } ?? "")
        case .unsupportedVersion(let version):
            return "unsupported format version \(oneLine(version))"
        case .invalidSerial(let serial):
            return "serial must be a positive integer, not \(quoted(serial))"
        case .unknownField(let field):
            return "unknown field \(quoted(field))"
        case .missingRule(let field):
            return "field \(quoted(field)) has no rule"
        case .unknownRole(let name, let path):
            return "unknown role \(quoted(name)) in \(oneLine(path))"
        case .duplicateRole(let role, let path):
            return "role \(quoted(role.rawValue)) is listed twice in \(oneLine(path))"
        case .roleInBothScopes(let role):
            return "role \(quoted(role.rawValue)) is both centre-wide and case-assigned"
        case .externalRoleInScope(let role, let scope):
            return "external role \(quoted(role.rawValue)) may not be \(scope): it receives handovers only"
        case .externalRoleWrites(let role, let field):
            return "external role \(quoted(role.rawValue)) may not write \(oneLine(field))"
        case .approvalForInternalRole(let role):
            return "approval-required lists \(quoted(role.rawValue)), but only external roles receive handovers"
        case .handoverSenderNotAllowed(let role, let recipient):
            return "handover.\(recipient.rawValue) lists \(quoted(role.rawValue)), who may never send a bundle"
        case .auditorGrantedContent(let field, let access):
            return "the auditor may not \(access) \(oneLine(field)): the auditor sees no content"
        }
    }
}

/// Text from the file, made safe for a one-line message: quotes and control characters
/// escaped (a key may hold a newline), long text cut.
func oneLine(_ text: String, limit: Int = 80) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        if scalar == "\"" {
            out += "\\\""
            continue
        }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator:
            out += "\\u{\(String(scalar.value, radix: 16))}"
        default:
            out.unicodeScalars.append(scalar)
        }
    }
    return out.count > limit ? String(out.prefix(limit)) + "…" : out
}

private func quoted(_ text: String) -> String {
    "\"" + oneLine(text) + "\""
}
