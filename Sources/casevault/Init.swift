import ArgumentParser
import CaseVaultCore
import Foundation

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a vault, its centre root key file and the first leader's key file.",
        discussion: """
            The centre root key goes to its own file (--root-key-out), under its own passphrase: keep it offline (a USB stick in the safe). It is asked for only by what the root signs: member and recipient changes, policies, re-anchoring, migration. The leader's daily key file does not hold it.

            \(Examples.text(
                "casevault init --vault ~/nyby-vault --centre \"Krisesenteret i Nyby\" --leader-id lina --leader-name \"Lina Leder\" --key-out ~/lina.cvkey --root-key-out /media/usb/nyby-root.cvkey",
                "casevault init --centre Testsenteret --leader-id lina --leader-name Lina --key-out lina.cvkey --root-key-out root.cvkey --passphrase-file pass.txt --root-passphrase-file rootpass.txt --test-vault"))
            """)

    @OptionGroup var vault: VaultOptions
    @Option(help: "The centre's name.") var centre: String
    @Option(help: "The first leader's member id (lower-case handle).") var leaderId: String
    @Option(help: "The first leader's display name.") var leaderName: String
    @Option(help: "Where to write the leader's new key file (outside the vault's Keys/ folder).", completion: .file()) var keyOut: String
    @Option(help: "Read the new key file's passphrase from this file.") var passphraseFile: String?
    @Option(help: "Where to write the centre root key file (keep it offline).", completion: .file()) var rootKeyOut: String
    @Option(help: "Read the centre root key file's new passphrase from this file.") var rootPassphraseFile: String?
    @Flag(help: "Mark the vault as a test vault: synthetic identity numbers are accepted.") var testVault = false

    func run() throws {
        let path = try vault.path
        guard rootKeyOut != keyOut else { throw CLIError(.invalidInput, "--root-key-out must be another file than --key-out") }
        let passphrase = try Passphrase.readNew(file: passphraseFile, prompt: "New passphrase for \(keyOut): ")
        let rootPassphrase = try Passphrase.readNew(file: rootPassphraseFile, variable: Passphrase.root, prompt: "New passphrase for the centre root key \(rootKeyOut): ")
        let leader = try SecretIdentity.generate(withCentreRoot: true)
        guard let root = leader.centreRootKey else { throw VaultError(.ioFailure, "key generation failed") }
        try KeyFile.write(leader, to: keyOut, passphrase: passphrase)
        let v: Vault
        do {
            try RootKeyFile.write(root, to: rootKeyOut, passphrase: rootPassphrase)
            do {
                v = try Vault.create(at: path, centreName: centre, testVault: testVault, leaderID: leaderId, leaderName: leaderName, leader: leader)
            } catch {
                try? FileManager.default.removeItem(atPath: rootKeyOut)
                throw error
            }
        } catch {
            try? FileManager.default.removeItem(atPath: keyOut)  // a failed init leaves nothing behind
            throw error
        }
        try ClientAnchor.pin(vault: v, keyFile: keyOut, fingerprint: v.rootFingerprint)  // the leader made this root: pinned for them
        print("Created vault \(v.vaultID.hex) for \(centre) at \(path)\(testVault ? " (test vault)" : "")")
        print("Centre root fingerprint: \(v.rootFingerprint)")
        print("Pinned for you in \(keyOut).trust; read it out to each member, who pins it with `casevault vault trust`.")
        print("Leader \(leaderId): key file \(keyOut), fingerprint \(leader.publicIdentity.fingerprint)")
        print("Centre root key file: \(rootKeyOut) (keep it offline; member, recipient and policy changes ask for it with --root-key)")
        print("The default policy is installed; see `casevault policy show`. `casevault vault info` shows these facts again.")
    }
}
