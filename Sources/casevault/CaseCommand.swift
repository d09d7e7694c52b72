import AccessPolicy
import ArgumentParser
import CaseVaultCore
import Foundation

struct CaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case", abstract: "Create, read and update case records.",
        subcommands: [New.self, Show.self, List.self, Update.self, History.self, Assign.self])

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a case from a JSON or YAML record (FILE or - for stdin).")
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: "The record file, or - for standard input.") var file: String
        @Option(help: "Why (stored encrypted; only a commitment enters the access log).") var reason: String?
        @OptionGroup var output: JSONFlag

        func run() throws {
            let v = try vault.open()
            let text = try Output.readInput(file)
            let id = try identity.withSession(in: v, command: "case.new") { try $0.createCase(recordText: text, reason: reason) }
            if output.json { Output.json(["case": id.hex, "version": 1]) } else { print("Created case \(id.hex) (version 1)") }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the fields of a case that your role may read.")
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: "Case id.") var id: String
        @Option(help: "Why you open the case (stored encrypted).") var reason: String?
        @OptionGroup var output: JSONFlag

        func run() throws {
            let caseID = try CaseID(id)
            let v = try vault.open()
            let opened = try identity.session(in: v, command: "case.show").showCase(caseID, reason: reason)
            if output.json { Output.json(CaseJSON.opened(opened)) } else { CaseText.print(opened) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the cases you reach.")
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @OptionGroup var output: JSONFlag

        func run() throws {
            let v = try vault.open()
            let cases = try identity.withSession(in: v, command: "case.list") { try $0.listCases() }
            if output.json {
                Output.json(cases.map { c in
                    var row: [String: Any] = [
                        "case": c.caseID.hex, "version": c.version, "updated": c.updated.rfc3339,
                        "assigned": c.assignments.map { ["member": $0.member, "role": $0.role] },
                        "fields": Dictionary(uniqueKeysWithValues: c.glance.map { ($0.key, $0.value.jsonObject) }),
                    ]
                    if let problem = c.problem { row["problem"] = problem }  // only for a case that failed verification
                    return row
                })
                return
            }
            if cases.isEmpty { print("No cases you can reach.") }
            for c in cases {
                if let problem = c.problem {
                    print("\(c.caseID.hex)  FAILED VERIFICATION: \(problem)")
                    continue
                }
                let alias = c.glance["person.alias"]?.displayText ?? "(alias sealed)"
                let phase = c.glance["case.phase"].map { "fase \($0.displayText)" } ?? ""
                let status = c.glance["case.status"]?.norwegianText(path: "case.status") ?? ""
                print("\(c.caseID.hex)  v\(c.version)  \(c.updated.osloText)  \(alias.padding(20))\(phase.padding(8))\(status)")
            }
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply a patch (set / add / remove) as a new signed version.")
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: "Case id.") var id: String
        @Argument(help: "The patch file, or - for standard input.") var file: String
        @Option(help: "Why (stored encrypted).") var reason: String?
        @OptionGroup var output: JSONFlag

        func run() throws {
            let caseID = try CaseID(id)
            let v = try vault.open()
            let text = try Output.readInput(file)
            let version = try identity.withSession(in: v, command: "case.update", caseID: caseID) { try $0.updateCase(caseID, patchText: text, reason: reason) }
            if output.json { Output.json(["case": caseID.hex, "version": version]) } else { print("Updated case \(caseID.hex) to version \(version)") }
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a case's versions: who, when, which fields (no content).")
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: "Case id.") var id: String
        @OptionGroup var output: JSONFlag

        func run() throws {
            let caseID = try CaseID(id)
            let v = try vault.open()
            let chain = try identity.withSession(in: v, command: "case.history", caseID: caseID) { try $0.history(caseID) }
            if output.json {
                Output.json(chain.map { ["version": $0.version, "author": $0.author, "created": $0.created.rfc3339,
                                         "written": $0.written, "removed": $0.removed,
                                         "assigned": $0.assignments.map { ["member": $0.member, "role": $0.role] }] as [String: Any] })
                return
            }
            for c in chain {
                print("v\(c.version)  \(c.created.osloText)  \(c.author.padding(14)) wrote \(c.written.count), removed \(c.removed.count), assigned: \(c.assignments.map { "\($0.member) (\($0.role))" }.joined(separator: ", "))")
            }
        }
    }

    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Assign (or with --remove, unassign) a member to the case.")
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: "Case id.") var id: String
        @Option(help: "Member id.") var member: String
        @Option(name: .customLong("as"), help: "Role in the case: contact-person, child-contact or resident.") var role: Role
        @Flag(help: "Remove the assignment instead.") var remove = false

        func run() throws {
            let caseID = try CaseID(id)
            let v = try vault.open()
            let r = try identity.withSession(in: v, command: "case.assign", caseID: caseID) { try $0.assign(caseID, memberID: member, role: role, remove: remove) }
            print("\(remove ? "Unassigned" : "Assigned") \(member) as \(role.rawValue); case \(caseID.hex) is now version \(r.version)")
            if r.stillSealed > 0 {
                Output.note("\(r.stillSealed) field(s) you cannot read stay sealed to their previous readers until someone who can read them updates the case")
            }
        }
    }
}

enum CaseJSON {
    static func opened(_ o: OpenedCase) -> [String: Any] {
        [
            "case": o.caseID.hex, "version": o.latest.version, "author": o.latest.author, "updated": o.latest.created.rfc3339,
            "assigned": o.latest.assignments.map { ["member": $0.member, "role": $0.role] },
            "fields": Dictionary(uniqueKeysWithValues: o.fields.map { ($0.key, $0.value.jsonObject) }),
            "sealed_fields": o.sealedPaths,
        ]
    }
}

/// The readable form, grouped by section with Norwegian labels.
enum CaseText {
    static func print(_ o: OpenedCase) {
        Swift.print("Sak \(o.caseID.hex)  versjon \(o.latest.version)  \(o.latest.created.osloText)  av \(o.latest.author)")
        Swift.print("Tildelt: \(o.latest.assignments.map { "\($0.member) (\($0.role))" }.joined(separator: ", "))")
        var lastGroup = ""
        for path in o.record.orderedPaths {
            let group = groupName(path)
            if group != lastGroup {
                Swift.print("\n\(group)")
                lastGroup = group
            }
            let label = FieldCatalog.spec(forPath: path)?.label ?? path
            Swift.print("  \(label): \(o.fields[path]!.norwegianText(path: path).replacingOccurrences(of: "\n", with: "\n    "))")
        }
        if !o.sealedPaths.isEmpty {
            Swift.print("\nIkke synlig for deg (forseglet for andre roller): \(o.sealedPaths.count) felt")
        }
    }

    /// `threats[0].perpetrators[1].name` → `trusselbilde 1 › voldsutøver 2`.
    static func groupName(_ path: String) -> String {
        let section = FieldSpec(FieldCatalog.pattern(ofPath: path) ?? path, "", .text).section
        var label = FieldCatalog.sections.first { $0.key == section }?.label ?? section
        let parts = path.split(separator: ".").dropLast()
        for (i, part) in parts.enumerated() {
            guard let open = part.firstIndex(of: "["), let n = Int(part[part.index(after: open)..<part.index(before: part.endIndex)]) else { continue }
            label += i == 0 ? " \(n + 1)" : " › \(part[..<open] == "perpetrators" ? "voldsutøver" : String(part[..<open])) \(n + 1)"
        }
        return label
    }
}
