import ArgumentParser
import CaseVaultCore
import Foundation

/// Binding a resident's key to their case: the resident is never put on the roster.
extension CaseCommand {
    struct AddResident: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-resident",
            abstract: "Bind a resident's key to the case under a fresh pseudonym (contact person of the case).",
            discussion: """
                The resident makes a key file of their own with `casevault identity new` and reads out its fingerprint. Their name is recorded, if at all, only in the sealed case record (person.legal_name); the roster and the audit export never name them.

                \(Examples.text("casevault case add-resident 3f9a --public-key @rita.pub --fingerprint \"1a2b 3c4d …\""))
                """)
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: CaseRef.help, completion: CaseRef.completion) var id: String
        @Option(help: "The resident's public identity line, or @FILE holding it (relative to the current folder).") var publicKey: String
        @Option(help: "The fingerprint the resident read out to you; must match.") var fingerprint: String
        @OptionGroup var reason: ReasonOption

        func run() throws {
            let v = try vault.open()
            let pub = try PublicIdentity(text: try KeyInput.read(publicKey))
            try KeyInput.confirm(fingerprint, matches: pub)
            let why = try reason.read()
            let (caseID, r) = try identity.withCase(id, in: v, command: "case.bind-key") { s, c in try s.addResident(c, identity: pub, reason: why) }
            print("Bound the resident's key to case \(caseID.hex) as \(r.pseudonym); the case is now version \(r.version)")
        }
    }

    struct RemoveResident: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove-resident",
            abstract: "Unbind a resident's pseudonym from the case: their key opens nothing from now on.",
            discussion: Examples.text("casevault case remove-resident 3f9a p-5c1e0a9b7d3f2e64"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: CaseRef.help, completion: CaseRef.completion) var id: String
        @Argument(help: "The resident's pseudonym (p-<16 hex>, as `case show` lists it).") var pseudonym: String
        @OptionGroup var reason: ReasonOption

        func run() throws {
            let v = try vault.open()
            let why = try reason.read()
            let (caseID, version) = try identity.withCase(id, in: v, command: "case.unbind-key") { s, c in
                try s.removeResident(c, pseudonym: pseudonym, reason: why)
            }
            print("Removed \(pseudonym) from case \(caseID.hex); the case is now version \(version)")
        }
    }
}
