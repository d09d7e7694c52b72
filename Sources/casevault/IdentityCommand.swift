import ArgumentParser
import CaseVaultCore
import Foundation

struct IdentityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identity", abstract: "Create or show a personal key file (no vault needed).",
        subcommands: [New.self, Show.self, Passwd.self, SplitRoot.self])

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key file (X25519 + Ed25519) protected by a passphrase.",
            discussion: """
                Prints the public identity line, in exactly the form `member add --public-key` and `recipient add --public-key` accept, and its fingerprint to read out. With --write-public the line is also written next to the key file (KEY.pub for KEY.cvkey), for `--public-key @FILE`.

                \(Examples.text(
                    "casevault identity new --out ~/kari.cvkey --write-public     # also writes ~/kari.pub",
                    "casevault identity new --out politi.cvkey --public-out politi.pub --passphrase-file pass.txt"))
                """)
        @Option(help: "Where to write the key file; created with mode 0600, never overwritten.", completion: .file()) var out: String
        @Option(help: "Read the new passphrase from this file.", completion: .file()) var passphraseFile: String?
        @Flag(help: "Also write the public identity line next to the key file (KEY.pub for KEY.cvkey).") var writePublic = false
        @Option(help: "Also write the public identity line to this file, to hand over or publish.", completion: .file()) var publicOut: String?
        @OptionGroup var output: JSONFlag

        func run() throws {
            let publicPath = publicOut ?? (writePublic ? IdentityCommand.publicPath(forKey: out) : nil)
            if let publicPath, FileManager.default.fileExists(atPath: publicPath) {
                throw VaultError(.refused, "\(publicPath) already exists; refusing to overwrite it")
            }
            let passphrase = try Passphrase.readNew(file: passphraseFile, prompt: "New passphrase for \(out): ")
            let identity = try SecretIdentity.generate()
            try KeyFile.write(identity, to: out, passphrase: passphrase)
            if let publicPath {
                guard FileManager.default.createFile(atPath: publicPath, contents: Data((identity.publicIdentity.text + "\n").utf8),
                                                     attributes: [.posixPermissions: 0o644]) else {
                    throw VaultError(.ioFailure, "cannot write \(publicPath)")
                }
            }
            try IdentityCommand.printPublic(identity.publicIdentity, path: out, json: output.json, writtenTo: publicPath)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a key file's public identity and fingerprint (no passphrase needed).",
            discussion: Examples.text("casevault identity show ~/kari.cvkey", "casevault identity show --public ~/kari.cvkey > kari.pub"))
        @Argument(help: "The key file.", completion: .file()) var file: String
        @Flag(help: "Print only the public identity line (what `member add --public-key @FILE` reads).") var `public` = false
        @Flag(help: "Print only the fingerprint.") var fingerprint = false
        @OptionGroup var output: JSONFlag

        func run() throws {
            let id = try KeyFile.loadPublic(from: file)
            if output.json || (!`public` && !fingerprint) { return try IdentityCommand.printPublic(id, path: file, json: output.json) }
            if `public` { print(id.text) }
            if fingerprint { print(id.fingerprint) }
        }
    }

    /// `kari.cvkey` → `kari.pub`; a name without that extension gets `.pub` added.
    static func publicPath(forKey path: String) -> String {
        path.hasSuffix(".cvkey") ? String(path.dropLast(".cvkey".count)) + ".pub" : path + ".pub"
    }

    static func printPublic(_ id: PublicIdentity, path: String, json: Bool, writtenTo: String? = nil) throws {
        if json {
            Output.json(JSONShape.Identity(file: path, publicIdentity: id.text, fingerprint: id.fingerprint))
        } else {
            print("Public identity (give this to your leader or publish it):")
            print(id.text)
            print("Fingerprint: \(id.fingerprint)")
            if let writtenTo { print("The public identity line is also in \(writtenTo) (use --public-key @\(writtenTo))") }
        }
    }
}
