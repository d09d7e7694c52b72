import AccessPolicy
import ArgumentParser
import CaseVaultCore
import Foundation

struct CaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case", abstract: "Create, read and update case records.",
        subcommands: [New.self, Show.self, List.self, Update.self, Note.self, Document.self, History.self, Assign.self, AddResident.self, RemoveResident.self, Reseal.self, Template.self])

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a case from a JSON or YAML record (FILE or - for stdin).",
            discussion: Examples.text(
                "casevault case template > case.yaml     # every field, its Norwegian label and allowed values",
                "casevault case new case.yaml",
                "casevault case new - --reason-file grunn.txt < case.json"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: "The record file, or - for standard input.", completion: .file()) var file: String
        @OptionGroup var reason: ReasonOption
        @OptionGroup var output: JSONFlag

        func run() throws {
            try FreeText.requireOneStdin([("FILE", file), ("--reason-file", reason.reasonFile)])
            let v = try vault.open()
            let text = try Output.readInput(file)
            let why = try reason.read()
            let id = try identity.withSession(in: v, command: "case.new") { try $0.createCase(recordText: text, reason: why) }
            if output.json { Output.json(JSONShape.CaseVersionRef(case: id.hex, version: 1)) } else { print("Created case \(id.hex) (version 1)") }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the fields of a case that your role may read.",
            discussion: Examples.text("casevault case show 3f9a0c1d2e4b5a697887", "casevault case show 3f9a --json     # a unique prefix of a case you reach"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: CaseRef.help, completion: CaseRef.completion) var id: String
        @OptionGroup var reason: ReasonOption
        @OptionGroup var output: JSONFlag

        func run() throws {
            let why = try reason.read()
            let v = try vault.open()
            let opened = try identity.withCase(id, in: v, command: "case.show") { s, c in try s.showCase(c, reason: why) }.result
            for warning in opened.datingWarnings(now: v.now) { Output.note("warning: \(warning)") }
            if let first = opened.refusedGrants.first {
                Output.note("warning: \(opened.refusedGrants.count) grant(s) of this case refused as tampered and ignored: \(first)")
            }
            if output.json { Output.json(CaseJSON.opened(opened)) } else { CaseText.print(opened) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the cases you reach.", discussion: Examples.text("casevault case list", "casevault case list --json"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @OptionGroup var output: JSONFlag

        func run() throws {
            let v = try vault.open()
            let cases = try identity.withSession(in: v, command: "case.list") { try $0.listCases() }
            let failed = cases.filter { $0.problem != nil }
            defer { if !failed.isEmpty { Output.failedCases(failed) } }
            if output.json {
                Output.json(cases.map { c in
                    JSONShape.CaseRow(case: c.caseID.hex, version: c.version, updated: c.updated.rfc3339, assigned: JSONShape.Assignment.list(c.assignments),
                                      fields: JSONShape.Value.map(c.glance), problem: c.problem,
                                      pending: c.pendingGrants.isEmpty ? nil : c.pendingGrants.map { JSONShape.PendingGrantRow(member: $0.member, classes: $0.classes) })
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
                let pending = c.pendingGrants.isEmpty ? "" : "  pending: " + c.pendingGrants.map { "\($0.member) (\($0.classes) class\($0.classes == 1 ? "" : "es"))" }.joined(separator: ", ")
                print("\(c.caseID.hex)  v\(c.version)  \(c.updated.osloText)  \(alias.padding(20))\(phase.padding(8))\(status)\(pending)")
            }
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply a patch (set / add / remove) as a new signed version.",
            discussion: Examples.text(
                "casevault case update 3f9a endring.yaml --reason-file grunn.txt",
                "printf 'set:\\n  case.phase: 3\\n' | casevault case update 3f9a0c1d2e4b5a697887 -"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: CaseRef.help, completion: CaseRef.completion) var id: String
        @Argument(help: "The patch file, or - for standard input.", completion: .file()) var file: String
        @OptionGroup var reason: ReasonOption
        @OptionGroup var output: JSONFlag

        func run() throws {
            try FreeText.requireOneStdin([("FILE", file), ("--reason-file", reason.reasonFile)])
            let v = try vault.open()
            let text = try Output.readInput(file)
            let why = try reason.read()
            let (caseID, version) = try identity.withCase(id, in: v, command: "case.update") { s, c in try s.updateCase(c, patchText: text, reason: why) }
            if output.json { Output.json(JSONShape.CaseVersionRef(case: caseID.hex, version: version)) } else { print("Updated case \(caseID.hex) to version \(version)") }
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a case's versions: who, when, which fields (no content).",
            discussion: Examples.text("casevault case history 3f9a0c1d2e4b5a697887"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: CaseRef.help, completion: CaseRef.completion) var id: String
        @OptionGroup var output: JSONFlag

        func run() throws {
            let v = try vault.open()
            let (chain, sources) = try identity.withCase(id, in: v, command: "case.history") { s, c in (try s.history(c), try s.answerSources(c)) }.result
            if output.json {
                Output.json(chain.map {
                    JSONShape.HistoryRow(version: $0.version, author: $0.author, created: $0.created.rfc3339, written: $0.written, removed: $0.removed,
                                         assigned: JSONShape.Assignment.list($0.assignments), from: sources[$0.version]?.recipient)
                })
                return
            }
            for c in chain {
                let from = sources[c.version].map { "  from \($0.role.label): \($0.recipient)" } ?? ""
                print("v\(c.version)  \(c.created.osloText)  \(c.author.padding(14)) wrote \(c.written.count), removed \(c.removed.count), assigned: \(c.assignments.map { "\($0.member) (\($0.role))" }.joined(separator: ", "))\(from)")
            }
        }
    }

    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Assign (or with --remove, unassign) a member to the case.",
            discussion: Examples.text("casevault case assign 3f9a0c1d2e4b5a697887 --member cecilie --as child-contact",
                                      "casevault case assign 3f9a --member cecilie --as child-contact --remove"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: CaseRef.help, completion: CaseRef.completion) var id: String
        @Option(help: "Member id (see `casevault member list`).", completion: RosterCompletion.members) var member: String
        @Option(name: .customLong("as"), help: "Role in the case: \(Role.caseAssigned.map(\.rawValue).joined(separator: ", ")).",
                completion: .list(Role.caseAssigned.map(\.rawValue)), transform: Role.parser(Role.caseAssigned, option: "--as")) var role: Role
        @Flag(help: "Remove the assignment instead.") var remove = false

        func run() throws {
            let v = try vault.open()
            let (caseID, r) = try identity.withCase(id, in: v, command: "case.assign") { s, c in try s.assign(c, memberID: member, role: role, remove: remove) }
            print("\(remove ? "Unassigned" : "Assigned") \(member) as \(role.rawValue); case \(caseID.hex) is now version \(r.version)")
            if r.stillSealed > 0 {
                Output.note(remove
                    ? "\(r.stillSealed) field(s) you cannot read stay sealed to their previous readers until someone who can read them updates the case"
                    : "\(r.stillSealed) field(s) you cannot read wait for a grant: the next command run by a current reader of them gives \(member) the keys")
            }
        }
    }
}

extension CaseCommand {
    struct Reseal: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-encrypt what you can read of a case for its current readers, values unchanged.",
            discussion: Examples.text("casevault case reseal 3f9a0c1d2e4b5a697887     # after someone was unassigned or revoked"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: CaseRef.help, completion: CaseRef.completion) var id: String
        @OptionGroup var output: JSONFlag

        func run() throws {
            let v = try vault.open()
            let (caseID, version) = try identity.withCase(id, in: v, command: "case.reseal") { s, c in try s.reseal(c) }
            if output.json { Output.json(JSONShape.CaseVersionRef(case: caseID.hex, version: version)) } else { print("Re-sealed case \(caseID.hex) as version \(version)") }
        }
    }
}

enum CaseJSON {
    static func opened(_ o: OpenedCase) -> JSONShape.OpenedCase {
        JSONShape.OpenedCase(case: o.caseID.hex, version: o.latest.version, author: o.latest.author, updated: o.latest.created.rfc3339,
                             assigned: JSONShape.Assignment.list(o.latest.assignments), fields: JSONShape.Value.map(o.fields.filter { !CaseDocument.isContentPath($0.key) }),
                             sealedFields: o.sealedPaths)
    }
}

/// The readable form, grouped by section with Norwegian labels.
enum CaseText {
    static func print(_ o: OpenedCase) {
        Output.line("Sak \(o.caseID.hex)  versjon \(o.latest.version)  \(o.latest.created.osloText)  av \(o.latest.author)")
        Output.line("Tildelt: \(o.latest.assignments.map { "\($0.member) (\($0.role))" }.joined(separator: ", "))")
        var lastGroup = ""
        let notes = o.noteOrigins
        for path in o.record.orderedPaths {
            let group = groupName(path)
            if group != lastGroup {
                Output.line("\n\(group)")
                lastGroup = group
            }
            let label = FieldCatalog.spec(forPath: path)?.label ?? path
            // A document's content reference holds its key: `case document get` saves the document instead.
            if CaseDocument.isContentPath(path) { continue }
            Output.line("  \(label): \(o.fields[path]!.norwegianText(path: path).replacingOccurrences(of: "\n", with: "\n    "))")
            if path.hasSuffix(".text"), let origin = notes[String(path.dropLast(".text".count))] {
                Output.line("    skrevet av \(origin.author), \(origin.written.osloText)")
            }
        }
        if !o.sealedPaths.isEmpty {
            Output.line("\nIkke synlig for deg (forseglet for andre roller): \(o.sealedPaths.count) felt")
        }
        if o.readerWaitsForGrants > 0 {
            Output.line("Venter på nøkkel / waiting for a grant: \(o.readerWaitsForGrants) nøkkel(er) kommer når en som kan lese dem, kjører casevault")
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
