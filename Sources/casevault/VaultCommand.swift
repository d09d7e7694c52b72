import ArgumentParser
import CaseVaultCore

/// Trust in a vault that lives outside it: the pinned centre root, and the leader's re-anchor.
struct VaultCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vault", abstract: "Pin a vault's centre root, or re-anchor a restored vault.",
        subcommands: [Trust.self, Reanchor.self])

    struct Trust: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pin the vault's centre root fingerprint beside your key file (KEYFILE.trust), after the leader read it out to you.",
            discussion: "Type the fingerprint the leader reads out, not the one the vault shows. A different fingerprint is refused, naming both.")
        @OptionGroup var vault: VaultOptions
        @Option(help: "Your key file (default: $CASEVAULT_IDENTITY); no passphrase is needed.") var identity: String?
        @Option(help: "The centre root fingerprint the leader read out to you.") var fingerprint: String

        func run() throws {
            let keyFile = try IdentityOptions.keyPath(identity)
            let v = try vault.open()
            let path = try ClientAnchor.pin(vault: v, keyFile: keyFile, fingerprint: fingerprint)
            print("Pinned vault \(v.vaultID.hex), centre root \(v.rootFingerprint), in \(path)")
        }
    }

    struct Reanchor: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "After restoring the vault from a backup: sign its present state with the centre root key so members accept it again.",
            discussion: "Needs the centre root key. Logged as vault.reanchor. Members' clients then forget case versions newer than the backup.")
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions

        func run() throws {
            let v = try vault.open()
            let session = try identity.session(in: v, command: "vault.reanchor", reanchoring: true)
            let r = try session.reanchor()
            try session.anchor?.save(vault: v)
            print("Re-anchored vault \(v.vaultID.hex) at log size \(r.logSize) (re-anchor serial \(r.serial))")
        }
    }
}
