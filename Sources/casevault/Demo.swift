import AccessPolicy
import ArgumentParser
import CaseVaultCore
import CaseVaultSamples
import Foundation

/// A guided walk through phase 2 ("obtain a safe home") in a throwaway vault, showing what
/// each role can and cannot read. Identities live in memory, so no key files or passphrases.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Walk a realistic case through phase 2 in a throwaway vault.",
        discussion: Examples.text("casevault demo", "casevault demo --keep     # keep the demo vault to look at afterwards"))

    @Flag(help: "Keep the demo vault folder instead of deleting it.") var keep = false

    func run() throws {
        let dir = NSTemporaryDirectory() + "casevault-demo-" + UUID().uuidString
        defer { if !keep { try? FileManager.default.removeItem(atPath: dir) } }
        let world = try DemoWorld(directory: dir)
        try world.walk()
        if keep { print("\nThe demo vault is kept at \(dir)") }
    }
}

private final class DemoWorld {
    let vault: Vault
    var ids: [String: SecretIdentity] = [:]

    init(directory: String) throws {
        let leader = try SecretIdentity.generate(withCentreRoot: true)
        vault = try Vault.create(at: directory, centreName: "Krisesenteret i Nyby (demo)", testVault: true,
                                 leaderID: "lina", leaderName: "Lina (leder)", leader: leader)
        ids["lina"] = leader
    }

    func session(_ id: String) throws -> Session { try Session(vault: vault, identity: ids[id]!) }

    func step(_ title: String) { print("\n== \(title)") }

    func walk() throws {
        step("1. The leader creates the vault and its signed roster")
        print("Vault \(vault.vaultID.hex); centre root fingerprint \(vault.rootFingerprint)")
        let lina = try session("lina")
        let staff: [(String, String, [Role])] = [
            ("kari", "Kari (kontaktperson)", [.contactPerson]), ("cecilie", "Cecilie (barnekontakt)", [.childContact]),
            ("nils", "Nils (vakt)", [.nightShift]), ("anne", "Anne (personvernombud)", [.auditor]),
        ]
        for (id, name, roles) in staff {
            let identity = try SecretIdentity.generate()
            _ = try lina.addMember(id: id, name: name, roles: roles, identity: identity.publicIdentity)
            ids[id] = identity
            print("  member \(id.padding(9)) \(roles.map(\.rawValue).joined(separator: ","))")
        }
        for (id, name, role) in [("politi-ost", "Øst politidistrikt", Role.police), ("nyby-bolig", "Nyby kommune, boligkontoret", .housingOffice), ("nav-nyby", "NAV Nyby", .nav)] {
            let identity = try SecretIdentity.generate()
            _ = try lina.addRecipient(id: id, name: name, role: role, identity: identity.publicIdentity)
            ids[id] = identity
            print("  recipient \(id.padding(11)) \(role.rawValue) (fingerprint \(identity.publicIdentity.fingerprint))")
        }

        step("2. Kari, the contact person, records the case and the § 4 a threat mapping")
        let kari = try session("kari")
        let caseID = try kari.createCase(recordText: SampleCase.yaml, reason: "Innkomst")
        try kari.assign(caseID, memberID: "cecilie", role: .childContact)
        // The resident is on no roster: her own key is bound to her case under a pseudonym.
        ids["rita"] = try SecretIdentity.generate()
        let pseudonym = try kari.addResident(caseID, identity: ids["rita"]!.publicIdentity).pseudonym
        print("The resident's key is bound to the case as \(pseudonym); the roster does not name her.")
        print("Case \(caseID.hex): every field encrypted on its own; keys sealed only to readers the policy allows.")

        step("3. Mapping what a safe home is, together with the resident (phase 2, step 1)")
        let v = try kari.updateCase(caseID, patchText: """
            set:
              housing.not_ground_floor: true
              housing.excluded_areas: [Sentrum øst, Bryggeområdet, Industriveien]
            add:
              notes: {date: 2026-11-24, text: "Boligkrav gjennomgått med beboer og boligkonsulent."}
            """)
        print("Version \(v): criteria updated as a new signed version; history kept.")

        step("4. 02:10 — the night shift adds a note it cannot read back")
        let nils = try session("nils")
        _ = try nils.updateCase(caseID, patchText: "add:\n  notes: {date: 2026-11-25, text: \"Ukjent bil parkert ved inngangen kl. 02.05. Politiet varslet.\"}\n")
        let nightView = try nils.showCase(caseID)
        print("Nils now sees \(nightView.fields.count) fields (alias, measures, do-not-admit, alarm), and \(nightView.sealedPaths.count) stay sealed, his own note included.")

        step("5. What each role can read in this case (decrypted with each member's own key)")
        try printMatrix(caseID)

        step("6. § 4 b: a handover to the police, approved by the leader")
        let request = HandoverRequest(caseID: caseID, recipientID: "politi-ost", purpose: "Sikkerhetstiltak ved ny bolig (§ 4 b)",
                                      basis: .consent, consentReference: "SAM-2026-014", expires: nil,
                                      includeAddress: true)
        let police = try kari.createHandover(request, approver: ids["lina"])
        print("Bundle \(police.manifest.bundleID): \(police.bytes.count) bytes, \(police.manifest.fields.count) fields, signed by kari, approved by lina, sealed to politi-ost.")
        let opened = try HandoverBundle.open(police.bytes, identity: ids["politi-ost"]!, trustedRoot: vault.rootFingerprint)
        print("Police side: verified sender \(opened.sender.id) against the centre root, approval by \(opened.approver?.id ?? "-").")
        print("  includes threats: \(opened.fields.keys.contains { $0.hasPrefix("threats[") }), new address: \(opened.fields["address.new"] != nil), narrative: \(opened.fields.keys.contains { $0.hasSuffix("narrative") }), NAV's economy: \(opened.fields.keys.contains { $0.hasPrefix("economy.") })")
        let receipt = HandoverReceipt(for: opened, identity: ids["politi-ost"]!)
        _ = try kari.confirmReceipt(receipt.text)
        print("Police receipt confirmed and recorded in the case's disclosures.")
        do {
            _ = try HandoverBundle.open(police.bytes, identity: ids["nyby-bolig"]!, trustedRoot: vault.rootFingerprint)
        } catch { print("Housing office trying the police bundle: refused — \(error.message)") }

        step("7. A handover to the municipal housing office")
        let housing = try kari.createHandover(HandoverRequest(caseID: caseID, recipientID: "nyby-bolig", purpose: "Søknad om kommunal bolig",
                                                              basis: .consent, consentReference: "SAM-2026-015", expires: nil, includeAddress: false), approver: nil)
        let hb = try HandoverBundle.open(housing.bytes, identity: ids["nyby-bolig"]!, trustedRoot: vault.rootFingerprint)
        print("Housing office sees \(hb.fields.count) fields: household, address-protection flag, criteria and excluded zones.")
        print("  includes threats: \(hb.fields.keys.contains { $0.hasPrefix("threats[") }), protected address: \(hb.fields.keys.contains { $0.hasPrefix("address.") }), perpetrator: \(hb.fields.keys.contains { $0.contains("perpetrators") })")

        step("8. The resident's right of access: disclosures made about her")
        let rita = try session("rita").showCase(caseID)
        let disclosures = rita.fields.filter { $0.key.hasSuffix(".recipient") && $0.key.hasPrefix("disclosures") }
        for (_, value) in disclosures.sorted(by: { $0.key < $1.key }) { print("  disclosed to \(value.displayText)") }

        step("9. The data protection officer checks the access log, without any case key")
        let anne = try session("anne")
        let witnessState = vault.directory + "/../" + "witness-\(vault.vaultID.hex).state"
        defer { try? FileManager.default.removeItem(atPath: witnessState) }
        let cosigned = try anne.witness(statePath: witnessState)
        print("Witness: anne cosigned the checkpoint at size \(cosigned.checkpoint.size) (a later cut or fork of the log will be refused).")
        let exportDir = vault.directory + "/audit-export"
        let export = try anne.exportAudit(to: exportDir)
        print("Export: \(export.entries) signed entries, \(export.rosters) signed rosters, checkpoint size \(export.checkpointSize).")
        var options = AuditVerifier.Options()
        options.rootFingerprint = vault.rootFingerprint
        options.witnessMemberKeys = [ids["anne"]!.signingKey.publicKey]
        let report = try AuditVerifier(folder: exportDir, options: options).verify()
        for line in report.summaryLines { print("  \(line)") }
        do { _ = try anne.showCase(caseID) } catch { print("  anne opening the case: \(error)") }
    }

    func printMatrix(_ caseID: CaseID) throws {
        let fields = ["person.alias", "person.legal_name", "address.new", "threats[0].narrative", "threats[0].perpetrators[0].name",
                      "safety.do_not_admit", "housing.excluded_areas", "economy.income", "notes[0].text"]
        let members = ["kari", "cecilie", "nils", "lina", "rita"]
        var views: [String: Set<String>] = [:]
        for m in members { views[m] = Set(try session(m).showCase(caseID).fields.keys) }
        do { _ = try session("anne").showCase(caseID) } catch { print("  anne (auditor): \(error) — the auditor reads no content") }
        print("  " + "field".padding(34) + members.map { $0.padding(9) }.joined())
        for f in fields {
            print("  " + f.padding(34) + members.map { (views[$0]!.contains(f) ? "read" : "-").padding(9) }.joined())
        }
        print("  (" + members.map { "\($0): \(views[$0]!.count)" }.joined(separator: ", ") + " fields readable)")
    }
}
