import ArgumentParser
import CaseVaultCore

struct VaultCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vault", abstract: "Facts about a vault.", subcommands: [Info.self])

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
            let v = try vault.open()
            let info = JSONShape.VaultInfo(vault: v.vaultID.hex, centre: v.centreName, rootFingerprint: v.rootFingerprint, formatVersion: Vault.formatVersion,
                                           testVault: v.isTestVault, rosterSerial: try v.roster().serial, policySerial: try v.policy().serial)
            if output.json { Output.json(info); return }
            print("Vault: \(info.vault)\(info.testVault ? " (test vault)" : "")")
            print("Centre: \(info.centre)")
            print("Centre root fingerprint: \(info.rootFingerprint)")
            print("Format version: \(info.formatVersion)")
            print("Roster serial: \(info.rosterSerial); policy serial: \(info.policySerial)")
        }
    }
}
