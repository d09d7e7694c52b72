import AccessPolicy
import ArgumentParser
import CaseVaultCore
import Foundation

struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Show, check and sign the access policy.",
        subcommands: [Show.self, Check.self, Sign.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the role × field matrix of the policy in force (or of FILE, or the default).",
            discussion: Examples.text("casevault policy show", "casevault policy show --default-policy --json", "casevault policy show ny-policy.yaml"))
        @Option(name: .long, help: "The vault folder (default: $CASEVAULT_VAULT; without one, the built-in default policy).") var vault: String?
        @Argument(help: "A policy file to show instead.") var file: String?
        @Flag(help: "Show the built-in default policy.") var defaultPolicy = false
        @OptionGroup var output: JSONFlag

        func run() throws {
            let policy: Policy
            if let file {
                policy = try PolicyFile.parse(try Output.readInput(file))
            } else if !defaultPolicy, let dir = vault ?? ProcessInfo.processInfo.environment["CASEVAULT_VAULT"] {
                policy = try Vault.open(at: dir).policy()
            } else {
                policy = Policy.makeDefault()
            }
            if output.json {
                Output.json(JSONShape.Policy(
                    serial: policy.serial, centreWide: policy.centreWide.map(\.rawValue).sorted(), caseAssigned: policy.caseAssigned.map(\.rawValue).sorted(),
                    approvalRequired: policy.approvalRequired.map(\.rawValue).sorted(),
                    fields: policy.matrixRows().map { JSONShape.PolicyRow(field: $0.field, label: $0.label, read: $0.read, write: $0.write) }))
            } else {
                print("Policy serial \(policy.serial)")
                print(policy.matrixText())
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a policy file (and its signature for a vault, with --vault).",
            discussion: Examples.text("casevault policy check ny-policy.yaml", "casevault policy check ny-policy.yaml --vault ~/nyby-vault"))
        @Argument(help: "The policy file.") var file: String
        @Option(help: "The vault whose root key must have signed it (checks FILE.sig).") var vault: String?

        func run() throws {
            let text = try Output.readInput(file)
            if let vault {
                let sigPath = file + ".sig"
                guard let sig = FileManager.default.contents(atPath: sigPath).flatMap({ String(data: $0, encoding: .utf8) }) else {
                    throw VaultError(.authenticationFailed, "the policy is not signed (no \(sigPath))")
                }
                let policy = try Vault.open(at: vault).checkPolicy(bytes: Array(text.utf8), signatureFile: sig)
                print("OK: policy serial \(policy.serial), signed by the centre root key of this vault")
            } else {
                _ = try PolicyFile.parse(text)
                print("OK: the policy is well-formed (not signature-checked; pass --vault to check its signature)")
            }
        }
    }

    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign a policy with the centre root key, install it, and write FILE.sig.",
            discussion: Examples.text("casevault policy sign --identity ~/lina.cvkey ny-policy.yaml"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @OptionGroup var root: RootKeyOptions
        @Argument(help: "The policy file.") var file: String

        func run() throws {
            let text = try Output.readInput(file)
            let v = try vault.open()
            let result = try identity.withRootSession(in: v, command: "policy.sign", root: root) { try $0.installPolicy(bytes: Array(text.utf8)) }
            try Vault.writePolicySignatureFile(result.signature, vault: v.vaultID, to: file + ".sig")
            print("Signed and installed policy serial \(result.policy.serial); signature written to \(file).sig")
        }
    }
}

enum PolicyFile {
    static func parse(_ text: String) throws -> Policy {
        do { return try Policy(yaml: text) } catch {
            throw CLIError(.invalidInput, error.description, hints: ["the policy format, with the default policy, is in docs/FORMAT.md, section 5"], cause: error)
        }
    }
}
