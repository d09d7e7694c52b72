import ArgumentParser
import CaseVaultCore
import Foundation

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a vault, its centre root key and the first leader's key file.",
        discussion: Examples.text(
            "casevault init --vault ~/nyby-vault --centre \"Krisesenteret i Nyby\" --leader-id lina --leader-name \"Lina Leder\" --key-out ~/lina.cvkey",
            "casevault init --centre Testsenteret --leader-id lina --leader-name Lina --key-out lina.cvkey --passphrase-file pass.txt --test-vault"))

    @OptionGroup var vault: VaultOptions
    @Option(help: "The centre's name.") var centre: String
    @Option(help: "The first leader's member id (lower-case handle).") var leaderId: String
    @Option(help: "The first leader's display name.") var leaderName: String
    @Option(help: "Where to write the leader's new key file (outside the vault's Keys/ folder).", completion: .file()) var keyOut: String
    @Option(help: "Read the new key file's passphrase from this file.") var passphraseFile: String?
    @Flag(help: "Mark the vault as a test vault: synthetic identity numbers are accepted.") var testVault = false

    func run() throws {
        let path = try vault.path
        let passphrase = try Passphrase.read(file: passphraseFile, prompt: "New passphrase for \(keyOut): ", confirm: true)
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
        print("The default policy is installed; see `casevault policy show`. `casevault vault info` shows these facts again.")
    }
}
