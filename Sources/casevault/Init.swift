import ArgumentParser
import CaseVaultCore
import Foundation

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a vault, its centre root key and the first leader's key file.")

    @OptionGroup var vault: VaultOptions
    @Option(help: "The centre's name.") var centre: String
    @Option(help: "The first leader's member id (lower-case handle).") var leaderId: String
    @Option(help: "The first leader's display name.") var leaderName: String
    @Option(help: "Where to write the leader's new key file (outside the vault's Keys/ folder).") var keyOut: String
    @Option(help: "Read the new key file's passphrase from this file.") var passphraseFile: String?
    @Flag(help: "Mark the vault as a test vault: synthetic identity numbers are accepted.") var testVault = false

    func run() throws {
        let path = try vault.path
        let passphrase = try PassphraseSource.resolve(file: passphraseFile, prompt: "New passphrase for \(keyOut): ").read(confirm: true)
        let leader = try SecretIdentity.generate(withCentreRoot: true)
        try KeyFile.write(leader, to: keyOut, passphrase: passphrase)
        let v: Vault
        do {
            v = try Vault.create(at: path, centreName: centre, testVault: testVault, leaderID: leaderId, leaderName: leaderName, leader: leader)
        } catch {
            try? FileManager.default.removeItem(atPath: keyOut)  // a failed init leaves nothing behind
            throw error
        }
        try ClientAnchor.pin(vault: v, keyFile: keyOut, fingerprint: v.rootFingerprint)  // the leader made this root: pinned for them
        print("Created vault \(v.vaultID.hex) for \(centre) at \(path)\(testVault ? " (test vault)" : "")")
        print("Centre root fingerprint: \(v.rootFingerprint)")
        print("Pinned for you in \(keyOut).trust; read it out to each member, who pins it with `casevault vault trust`.")
        print("Leader \(leaderId): key file \(keyOut), fingerprint \(leader.publicIdentity.fingerprint)")
        print("The default policy is installed; see `casevault policy show`.")
    }
}
