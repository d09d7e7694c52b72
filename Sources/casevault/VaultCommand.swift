import ArgumentParser
import CaseVaultCore

/// Facts about a vault, and trust in it that lives outside it: the pinned centre root, and the
/// leader's re-anchor.
struct VaultCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vault", abstract: "Facts about a vault; pin its centre root; re-anchor a restored vault.",
        subcommands: [Info.self, Trust.self, Reanchor.self, Migrate.self])

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the vault id, centre, centre root fingerprint and format version (no key needed).",
            discussion: """
                The root fingerprint is what recipients pass to `handover open --trust` and auditors to `audit verify --root-fingerprint`; read it to them over a separate channel.

                \(Examples.text("casevault vault info --vault ~/nyby-vault", "casevault vault info --json"))
                """)
        @OptionGroup var vault: VaultOptions
        @OptionGroup var output: JSONFlag

        func run() throws {
            let v = try vault.openAnyFormat()
            let freshness = try? v.witnessFreshness()  // a damaged or format-1 log still shows the rest
            let info = JSONShape.VaultInfo(vault: v.vaultID.hex, centre: v.centreName, rootFingerprint: v.rootFingerprint, formatVersion: v.format,
                                           testVault: v.isTestVault, rosterSerial: try v.roster().serial, policySerial: try v.policy().serial,
                                           witnessFreshness: freshness.map(JSONShape.WitnessFreshness.init))
            if output.json { Output.json(info); return }
            print("Vault: \(info.vault)\(info.testVault ? " (test vault)" : "")")
            print("Centre: \(info.centre)")
            print("Centre root fingerprint: \(info.rootFingerprint)")
            print("Format version: \(info.formatVersion)")
            print("Roster serial: \(info.rosterSerial); policy serial: \(info.policySerial)")
            if let freshness { print(freshness.line(now: .now())) }
        }
    }

    struct Trust: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pin the vault's centre root fingerprint beside your key file (KEYFILE.trust), after the leader read it out to you.",
            discussion: """
                Type the fingerprint the leader reads out, not the one the vault shows. A different fingerprint is refused, naming both.

                \(Examples.text("casevault vault trust --identity ~/kari.cvkey --fingerprint \"1a2b 3c4d 5e6f 7a8b 9c0d 1e2f 3a4b 5c6d\""))
                """)
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
            discussion: """
                Needs the centre root key. Logged as vault.reanchor. Members' clients then forget case versions newer than the backup.

                \(Examples.text("casevault vault reanchor --identity ~/lina.cvkey --root-key /media/usb/nyby-root.cvkey"))
                """)
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @OptionGroup var root: RootKeyOptions

        func run() throws {
            let v = try vault.open()
            let session = try identity.session(in: v, command: "vault.reanchor", reanchoring: true)
            let r = try session.holdingCentreRoot(try root.load(for: "vault reanchor"), for: "vault.reanchor").reanchor()
            try session.complete()
            print("Re-anchored vault \(v.vaultID.hex) at log size \(r.logSize) (re-anchor serial \(r.serial))")
        }
    }

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Convert a format-1 vault to format 2, after verifying all of it (needs the centre root key).",
            discussion: """
                Verifies every roster, policy, log entry and case chain; then signs with the centre root key a migration statement naming the log and every case head, logs it as vault.migrate and sets format 2, all in one transaction. A vault that fails verification is refused and left unchanged.

                \(Examples.text("casevault vault migrate --vault ~/nyby-vault --identity ~/lina.cvkey --root-key /media/usb/nyby-root.cvkey"))
                """)
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @OptionGroup var root: RootKeyOptions

        func run() throws {
            let v = try vault.openAnyFormat()
            let session = try identity.session(in: v, command: "vault.migrate")
            let r = try session.holdingCentreRoot(try root.load(for: "vault migrate"), for: "vault.migrate").migrateVault()
            print("Migrated vault \(v.vaultID.hex) from format \(r.fromFormat) to \(r.toFormat): \(r.cases) case\(r.cases == 1 ? "" : "s"), log size \(r.logSize) signed by the centre root")
        }
    }
}
