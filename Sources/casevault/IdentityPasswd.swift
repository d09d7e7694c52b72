import ArgumentParser
import CaseVaultCore
import Foundation

extension IdentityCommand {
    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "passwd",
            abstract: "Change a key file's passphrase (yours, or the centre root key file's).",
            discussion: """
                The file is rewritten under the new passphrase and replaced in one atomic step: a crash leaves the old file or the new one, never neither. A new passphrase shorter than \(PassphraseStrength.minimumCharacters) characters, a repeated pattern or a well-known one is refused. Keys do not change, so nothing in any vault changes; a running key agent keeps working.

                \(Examples.text(
                    "casevault identity passwd ~/kari.cvkey",
                    "casevault identity passwd /media/usb/nyby-root.cvkey",
                    "casevault identity passwd kari.cvkey --passphrase-file old.txt --new-passphrase-file new.txt"))
                """)
        @Argument(help: "The key file.", completion: .file()) var file: String
        @Option(help: "Read the current passphrase from this file.", completion: .file()) var passphraseFile: String?
        @Option(help: "Read the new passphrase from this file.", completion: .file()) var newPassphraseFile: String?

        func run() throws {
            let old = try Passphrase.read(file: passphraseFile, prompt: "Current passphrase for \(file): ")
            let new = try Passphrase.readNew(file: newPassphraseFile, variable: Passphrase.new, prompt: "New passphrase for \(file): ")
            do { try KeyFileChange.changePassphrase(at: file, old: old, new: new) } catch {
                throw KeyUnlock.explained(error, path: file, passphraseFile: passphraseFile, variable: Passphrase.own, whose: "the current")
            }
            print("Changed the passphrase of \(file).")
        }
    }

    struct SplitRoot: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "split-root",
            abstract: "Move the centre root key out of a key file made by an older CaseVault into its own file.",
            discussion: """
                Key files made by `init` before this version held the leader's keys and the centre root key together. This writes the root to ROOTFILE under its own passphrase, then rewrites the leader's file without it. Keep ROOTFILE offline.

                \(Examples.text("casevault identity split-root --identity ~/lina.cvkey --root-key-out /media/usb/nyby-root.cvkey"))
                """)
        @Option(help: "The key file holding both.", completion: .file()) var identity: String
        @Option(help: "Read its passphrase from this file.", completion: .file()) var passphraseFile: String?
        @Option(help: "Where to write the centre root key file.", completion: .file()) var rootKeyOut: String
        @Option(help: "Read the root key file's new passphrase from this file.", completion: .file()) var rootPassphraseFile: String?

        func run() throws {
            let passphrase = try Passphrase.read(file: passphraseFile, prompt: "Passphrase for \(identity): ")
            let rootPassphrase = try Passphrase.readNew(file: rootPassphraseFile, variable: Passphrase.root, prompt: "New passphrase for the centre root key \(rootKeyOut): ")
            let fingerprint: String
            do { fingerprint = try KeyFileChange.splitRoot(at: identity, passphrase: passphrase, rootOut: rootKeyOut, rootPassphrase: rootPassphrase) } catch {
                throw KeyUnlock.explained(error, path: identity, passphraseFile: passphraseFile, variable: Passphrase.own, whose: "your")
            }
            print("Wrote the centre root key (fingerprint \(fingerprint)) to \(rootKeyOut); \(identity) no longer holds it.")
        }
    }
}
