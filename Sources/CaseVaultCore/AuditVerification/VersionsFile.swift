import SodiumKit

/// The export's `versions` file (docs/FORMAT.md, "Versions file"): every stored policy and case
/// version by number and hash, nothing of their content, so the auditor checks the database
/// against what the log names.
///
///     casevault-audit-versions v1
///     policy <serial> <hex policy hash>            one per stored policy, by serial
///     case <20 hex> <version> <hex chain hash>     one per stored version, by case id, then version
package struct VersionsFile: Equatable {
    static let header = "casevault-audit-versions v1"

    var policies: [(serial: UInt64, hash: [UInt8])] = []
    var cases: [CaseID: [(version: UInt64, hash: [UInt8])]] = [:]

    package static func == (a: VersionsFile, b: VersionsFile) -> Bool { a.text == b.text }

    var text: String {
        var lines = [Self.header]
        for p in policies { lines.append("policy \(p.serial) \(Hex.encode(p.hash))") }
        for c in cases.keys.sorted() {
            for v in cases[c]! { lines.append("case \(c.hex) \(v.version) \(Hex.encode(v.hash))") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func parse(_ bytes: [UInt8]) throws(AuditFailure) -> VersionsFile {
        func bad(_ why: String) -> AuditFailure { .malformed(AuditExportFormat.versionsFile, why) }
        guard let text = String(validating: bytes, as: UTF8.self), text.hasSuffix("\n") else { throw bad("is not LF-terminated UTF-8 text") }
        let lines = text.dropLast().split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first.map(String.init) == header else {
            if lines.first?.hasPrefix("casevault-audit-versions ") == true { throw bad("version \"\(lines[0].prefix(40))\" is not supported") }
            throw bad("does not start with \(header)")
        }
        var f = VersionsFile()
        for line in lines.dropFirst() {
            let p = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            func hash(_ s: String) -> [UInt8]? { Hex.decode(s).flatMap { $0.count == 32 ? $0 : nil } }
            if p.count == 3, p[0] == "policy", let n = UInt64(p[1]), let h = hash(p[2]), f.cases.isEmpty, n > (f.policies.last?.serial ?? 0) {
                f.policies.append((n, h))
            } else if p.count == 4, p[0] == "case", let c = try? CaseID(p[1]), let n = UInt64(p[2]), let h = hash(p[3]),
                      n > (f.cases[c]?.last?.version ?? 0) {
                f.cases[c, default: []].append((n, h))
            } else {
                throw bad("has a malformed line")
            }
        }
        guard f.text.utf8.elementsEqual(bytes) else { throw bad("is not in canonical form (sorted, one spelling)") }
        return f
    }
}
