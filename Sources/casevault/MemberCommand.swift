import AccessPolicy
import ArgumentParser
import CaseVaultCore
import Foundation

struct MemberCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "member", abstract: "Manage the signed roster of members.",
        subcommands: [Add.self, List.self, Revoke.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a member, signed by the centre root key.",
            discussion: """
                --public-key takes the line `casevault identity new` printed, or @FILE to read it from a file; a relative FILE is read from the current folder, not from where the key file is.

                \(Examples.text("casevault member add --identity ~/lina.cvkey --id kari --name \"Kari K\" --role contact-person \\",
                                "    --public-key @$HOME/kari.pub --fingerprint \"1a2b 3c4d …\""))
                """)
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @OptionGroup var root: RootKeyOptions
        @Option(help: "Member id: lower-case handle, never reused.") var id: String
        @Option(help: "Display name.") var name: String
        @Option(help: "A role (repeat for several): \(Role.memberRoles.map(\.rawValue).joined(separator: ", ")).",
                completion: .list(Role.memberRoles.map(\.rawValue)), transform: Role.parser(Role.memberRoles, option: "--role")) var role: [Role]
        @Option(help: "The member's public identity line, or @FILE holding it (relative to the current folder).") var publicKey: String
        @Option(help: "The fingerprint the member read out to you; must match.") var fingerprint: String

        func run() throws {
            let v = try vault.open()
            let pub = try PublicIdentity(text: try KeyInput.read(publicKey))
            try KeyInput.confirm(fingerprint, matches: pub)
            let roster = try identity.withRootSession(in: v, command: "member.add", root: root) { try $0.addMember(id: id, name: name, roles: role, identity: pub) }
            print("Added \(id) (\(role.map(\.rawValue).joined(separator: ", "))); roster serial \(roster.serial)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the roster (verified against the centre root key).", discussion: Examples.text("casevault member list", "casevault member list --json"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var output: JSONFlag

        func run() throws {
            let roster = try vault.open().roster()
            RosterPrinter.print(roster.entries.filter { $0.kind == .member }, serial: roster.serial, json: output.json)
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a member: never again a recipient of keys nor an accepted author.",
            discussion: Examples.text("casevault member revoke --identity ~/lina.cvkey nils"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @OptionGroup var root: RootKeyOptions
        @Argument(help: "Member id.", completion: RosterCompletion.members) var id: String

        func run() throws {
            let v = try vault.open()
            let roster = try identity.withRootSession(in: v, command: "member.revoke", root: root) { try $0.revoke(id: id, kind: .member) }
            print("Revoked \(id); roster serial \(roster.serial). Cases are re-sealed without them at their next update.")
        }
    }
}

enum KeyInput {
    /// A public identity line, or `@FILE` (relative to the current folder) holding it.
    static func read(_ value: String) throws -> String {
        value.hasPrefix("@") ? try Output.readInput(String(value.dropFirst())) : value
    }

    /// Fingerprints are compared ignoring spaces and case, as people read them out.
    static func confirm(_ given: String, matches id: PublicIdentity) throws {
        guard id.hasFingerprint(given) else {
            throw CLIError(.authenticationFailed, "the fingerprint does not match the key (expected what the key's owner reads out)",
                           hints: ["ask the key's owner to read out the fingerprint `casevault identity show KEYFILE` prints, and check you have their current public identity"])
        }
    }
}

enum RosterPrinter {
    static func print(_ entries: [RosterEntry], serial: UInt64, json: Bool) {
        if json {
            Output.json(JSONShape.Roster(rosterSerial: serial, entries: entries.map { e in
                JSONShape.RosterEntry(id: e.id, kind: e.kind.rawValue, name: e.name, roles: e.roles.map(\.rawValue),
                                      fingerprint: e.identity.fingerprint, added: e.added.rfc3339, revoked: e.revoked?.rfc3339)
            }))
            return
        }
        Output.line("Roster serial \(serial)")
        for e in entries {
            let status = e.revoked.map { "revoked \($0.osloText)" } ?? "active"
            Output.line("\(e.id.padding(18))\(e.roles.map(\.rawValue).joined(separator: ",").padding(28))\(status.padding(32))\(e.name)")
        }
    }
}

extension String {
    func padding(_ n: Int) -> String { count >= n ? self + " " : self + String(repeating: " ", count: n - count) }
}
