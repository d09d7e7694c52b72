/// Values from a case never reach a log or an error through `description`: printing one of
/// these types shows its shape, not its content.
extension FieldValue: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        switch self {
        case .text: "FieldValue.text(<redacted>)"
        case .integer: "FieldValue.integer(<redacted>)"
        case .bool: "FieldValue.bool(<redacted>)"
        case let .list(items): "FieldValue.list(<\(items.count) redacted>)"
        }
    }
    public var debugDescription: String { description }
}

extension CaseRecord: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "CaseRecord(\(fields.count) fields, <redacted>)" }
    public var debugDescription: String { description }
}

extension OpenedCase: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "OpenedCase(\(caseID), version \(latest.version), \(fields.count) readable fields, <redacted>)" }
    public var debugDescription: String { description }
}

extension OpenedBundle: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "OpenedBundle(\(manifest.bundleID), \(fields.count) fields, <redacted>)" }
    public var debugDescription: String { description }
}

extension HandoverManifest: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "HandoverManifest(\(bundleID), to \(recipient), <redacted>)" }
    public var debugDescription: String { description }
}

extension CaseSummary: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "CaseSummary(\(caseID), version \(version), <redacted>)" }
    public var debugDescription: String { description }
}
