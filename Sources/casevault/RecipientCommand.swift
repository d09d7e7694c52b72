import AccessPolicy
import ArgumentParser
import CaseVaultCore
import Foundation

struct RecipientCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recipient", abstract: "Register the police districts, housing offices and NAV offices that receive handovers.",
        subcommands: [Add.self, List.self, Show.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a recipient after confirming its key fingerprint; signed by the centre root key.",
            discussion: """
                The recipient makes its keys with `casevault identity new` and publishes the public identity line. Read its fingerprint back to the recipient over a separate channel (phone) before registering it. @FILE is read relative to the current folder.

                \(Examples.text("casevault recipient add --identity ~/lina.cvkey --id politi-ost --name \"Øst politidistrikt\" --role police \\",
                                "    --public-key @politi.pub --fingerprint \"9f8e 7d6c …\""))
                """)
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @OptionGroup var root: RootKeyOptions
        @Option(help: "Recipient id, e.g. politi-ost.") var id: String
        @Option(help: "Display name, e.g. \"Øst politidistrikt\".") var name: String
        @Option(help: "\(Role.recipientRoles.map(\.rawValue).joined(separator: ", ")).", completion: .list(Role.recipientRoles.map(\.rawValue)),
                transform: Role.parser(Role.recipientRoles, option: "--role")) var role: Role
        @Option(help: "The recipient's public identity line, or @FILE holding it.") var publicKey: String
        @Option(help: "The fingerprint confirmed with the recipient; must match.") var fingerprint: String

        func run() throws {
            let v = try vault.open()
            let pub = try PublicIdentity(text: try KeyInput.read(publicKey))
            try KeyInput.confirm(fingerprint, matches: pub)
            let roster = try identity.withRootSession(in: v, command: "recipient.add", root: root) { try $0.addRecipient(id: id, name: name, role: role, identity: pub) }
            print("Registered \(id) (\(role.rawValue)); roster serial \(roster.serial)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List registered recipients.", discussion: Examples.text("casevault recipient list", "casevault recipient list --json"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var output: JSONFlag

        func run() throws {
            let roster = try vault.open().roster()
            RosterPrinter.print(roster.entries.filter { $0.kind == .recipient }, serial: roster.serial, json: output.json)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one recipient with its fingerprint and what its role may receive.", discussion: Examples.text("casevault recipient show politi-ost"))
        @OptionGroup var vault: VaultOptions
        @Argument(help: "Recipient id.", completion: RosterCompletion.recipients) var id: String
        @OptionGroup var output: JSONFlag

        func run() throws {
            let v = try vault.open()
            guard let e = try v.roster().entry(id), e.kind == .recipient else { throw VaultError(.notFound, "no recipient \(id)") }
            let fields = try v.policy().readablePatterns(for: e.roles[0])
            if output.json {
                Output.json(JSONShape.RecipientDetail(id: e.id, name: e.name, role: e.roles[0].rawValue, fingerprint: e.identity.fingerprint,
                                                      publicIdentity: e.identity.text, added: e.added.rfc3339, revoked: e.revoked?.rfc3339, mayReceive: fields))
            } else {
                print("\(e.id): \(e.name) (\(e.roles[0].rawValue))\(e.revoked.map { ", removed \($0.osloText)" } ?? "")")
                print("Fingerprint: \(e.identity.fingerprint)")
                print("May receive \(fields.count) fields: \(fields.joined(separator: ", "))")
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a recipient: no further bundles can be made for it.", discussion: Examples.text("casevault recipient remove --identity ~/lina.cvkey politi-ost"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @OptionGroup var root: RootKeyOptions
        @Argument(help: "Recipient id.", completion: RosterCompletion.recipients) var id: String

        func run() throws {
            let v = try vault.open()
            let roster = try identity.withRootSession(in: v, command: "recipient.remove", root: root) { try $0.revoke(id: id, kind: .recipient) }
            print("Removed \(id); roster serial \(roster.serial)")
        }
    }
}
