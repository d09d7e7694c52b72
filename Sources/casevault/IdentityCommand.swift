import ArgumentParser
import CaseVaultCore
import Foundation

struct IdentityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identity", abstract: "Create or show a personal key file (no vault needed).",
        subcommands: [New.self, Show.self])

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key file (X25519 + Ed25519) protected by a passphrase.")
        @Option(help: "Where to write the key file; created with mode 0600, never overwritten.") var out: String
        @Option(help: "Read the new passphrase from this file.") var passphraseFile: String?
        @Option(help: "Also write the public identity line to this file, to hand over or publish.") var publicOut: String?
        @OptionGroup var output: JSONFlag

        func run() throws {
            if let publicOut, FileManager.default.fileExists(atPath: publicOut) {
                throw VaultError(.refused, "\(publicOut) already exists; refusing to overwrite it")
            }
            let passphrase = try PassphraseSource.resolve(file: passphraseFile, prompt: "New passphrase for \(out): ").read(confirm: true)
            let identity = try SecretIdentity.generate()
            try KeyFile.write(identity, to: out, passphrase: passphrase)
            if let publicOut {
                guard FileManager.default.createFile(atPath: publicOut, contents: Data((identity.publicIdentity.text + "\n").utf8),
                                                     attributes: [.posixPermissions: 0o644]) else {
                    throw VaultError(.ioFailure, "cannot write \(publicOut)")
                }
            }
            try IdentityCommand.printPublic(identity.publicIdentity, path: out, json: output.json)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a key file's public identity and fingerprint (no passphrase needed).")
        @Argument(help: "The key file.") var file: String
        @OptionGroup var output: JSONFlag

        func run() throws {
            try IdentityCommand.printPublic(try KeyFile.loadPublic(from: file), path: file, json: output.json)
        }
    }

    static func printPublic(_ id: PublicIdentity, path: String, json: Bool) throws {
        if json {
            Output.json(["file": path, "public_identity": id.text, "fingerprint": id.fingerprint])
        } else {
            print("Public identity (give this to your leader or publish it):")
            print(id.text)
            print("Fingerprint: \(id.fingerprint)")
        }
    }
}
