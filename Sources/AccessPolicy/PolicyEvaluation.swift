/// Field-level checks. Each accepts a pattern (`children[].name`) or a stored path with
/// indices (`children[2].name`); anything else is denied rather than guessed at.
extension Policy {
    public func canRead(_ role: Role, field pattern: String) -> PolicyDecision {
        decide(role, "read", pattern) { $0.read }
    }

    public func canWrite(_ role: Role, field pattern: String) -> PolicyDecision {
        decide(role, "write", pattern) { $0.write }
    }

    /// Roles that may read the field; empty for a field the catalogue does not know.
    public func readers(of pattern: String) -> Set<Role> {
        rule(for: pattern)?.read ?? []
    }

    /// Roles that may write the field; empty for a field the catalogue does not know.
    public func writers(of pattern: String) -> Set<Role> {
        rule(for: pattern)?.write ?? []
    }

    /// The patterns a role may read, in catalogue order.
    public func readablePatterns(for role: Role) -> [String] {
        FieldCatalog.fields.map(\.pattern).filter { rules[$0]?.read.contains(role) == true }
    }

    /// The patterns a role may write, in catalogue order.
    public func writablePatterns(for role: Role) -> [String] {
        FieldCatalog.fields.map(\.pattern).filter { rules[$0]?.write.contains(role) == true }
    }

    /// The rule for a pattern or concrete path, nil when the field is unknown or the path malformed.
    public func rule(for pattern: String) -> FieldRule? {
        Self.catalogPattern(for: pattern).flatMap { rules[$0] }
    }

    /// Which cases the role reaches before field rules apply.
    public func scope(of role: Role) -> CaseScope {
        if centreWide.contains(role) { return .centreWide }
        if caseAssigned.contains(role) { return .caseAssigned }
        return .none
    }

    /// A catalogue pattern as given, else the pattern of a well-formed concrete path.
    static func catalogPattern(for patternOrPath: String) -> String? {
        if FieldCatalog.spec(forPattern: patternOrPath) != nil { return patternOrPath }
        guard let pattern = FieldCatalog.pattern(ofPath: patternOrPath),
              FieldCatalog.spec(forPattern: pattern) != nil else { return nil }
        return pattern
    }

    private func decide(
        _ role: Role, _ verb: String, _ field: String, _ granted: (FieldRule) -> Set<Role>
    ) -> PolicyDecision {
        guard let pattern = Self.catalogPattern(for: field), let rule = rules[pattern] else {
            // Tell a typo in a field name from a malformed index: both are denied.
            let what = FieldCatalog.pattern(ofPath: field) == nil ? "malformed path" : "unknown field"
            return .denied(reason: "\(role.rawValue) may not \(verb) \(what) \"\(oneLine(field))\"")
        }
        return granted(rule).contains(role) ? .allowed : .denied(reason: "\(role.rawValue) may not \(verb) \(field)")
    }
}
