import AccessPolicy
@testable import CaseVaultCore
import CaseVaultSamples
import Foundation
import GRDB
import SodiumKit
import TransparencyLog

/// Writes a seed corpus for every target (FUZZ_WRITE_SEEDS=FOLDER): valid inputs, signed with
/// the `Fixed` keys where a target checks signatures, so mutations start from deep inside.
enum Seeds {
    static func write(to folder: String) throws {
        func put(_ target: String, _ name: String, _ bytes: [UInt8]) throws {
            let dir = folder + "/" + target
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: dir + "/" + name))
        }
        func put(_ target: String, _ name: String, _ text: String) throws { try put(target, name, Array(text.utf8)) }

        try put("record", "sample.yaml", SampleCase.yaml)
        try put("record", "notes.json", #"{"notes": [{"date": "2026-11-25", "text": "Ringte kl. 02.10"}], "children": [{"name": "Ola"}]}"#)
        try put("patch", "patch.yaml", """
            set:
              person.language: arabisk
              children[1]: {school: Nyskolen}
            add:
              notes: {date: 2026-11-25, text: Ringte kl. 02.10}
            remove: [address.current, children[2]]
            """)
        try put("policy", "default.yaml", Policy.defaultYAML)
        let escrowKey = try EscrowKeyRecord.sign(kind: .recovery, vault: Fixed.vaultID, epoch: 1, publicKey: Fixed.member.boxKey.publicKey,
                                                 holders: ["anne", "nils", "lina"], threshold: 2, created: Fixed.vectorOpenAt, root: Fixed.root)
        try put("escrow", "recovery-key.txt", escrowKey.statement.text)
        try put("policy-signature", "policy.sig", PolicySigning.signatureFile([UInt8](repeating: 9, count: 64), vault: Fixed.vaultID))

        // A throwaway vault for the roster, a certificate, a key file and case versions.
        let dir = NSTemporaryDirectory() + "casevault-fuzz-seeds-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let leader = SecretIdentity(boxKey: try BoxSecretKey(secret: Fixed.secret(repeating: 8)),
                                    signingKey: try SigningSecretKey(seed: Fixed.secret(repeating: 9)), centreRootKey: Fixed.root)
        let vault = try Vault.create(at: dir, centreName: "Krisesenteret (fuzz)", testVault: true, leaderID: "lina", leaderName: "Lina", leader: leader)
        _ = try Session(vault: vault, identity: leader).addMember(id: "kari", name: "Kari", roles: [.contactPerson], identity: Fixed.member.publicIdentity)
        let session = try Session(vault: vault, identity: Fixed.member)
        let caseID = try session.createCase(recordText: SampleCase.yaml)
        _ = try session.updateCase(caseID, patchText: "add:\n  notes: {date: 2026-11-25, text: Ringte}\n")
        try put("roster", "keyring.txt", Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/Keys/keyring.txt"))))
        let bodies = try vault.read { tx in try Data.fetchAll(tx.db, sql: "SELECT body FROM case_versions ORDER BY version") }
        for (i, body) in bodies.enumerated() { try put("version", "v\(i + 1)", [UInt8](body)) }
        let state = try vault.read { db in try session.currentState(db) }
        if let entry = state.roster.entry("kari") { try put("certificate", "kari.txt", entry.certifiedText) }
        let keyFile = try KeyFile.encode(leader, passphrase: Fixed.secret(repeating: 0x61), limits: .testOnlyMinimum)
        try put("keyfile", "leader.key", Array(keyFile.dropLast(32)))  // the target appends the checksum

        // Field plaintexts of every kind.
        for (name, value) in [("text", FieldValue.text("Ringte")), ("integer", .integer(-12)), ("bool", .bool(true)), ("list", .list(["a", "bø"]))] {
            try put("field-value", name, value.encoded())
        }

        // The handover test vector, outside and in, and a receipt for it.
        let vectorFolder = "Tests/CaseVaultCoreTests/Fixtures/handover-vector/"
        let bundle = [UInt8](try Data(contentsOf: URL(fileURLWithPath: vectorFolder + "bundle.cvb")))
        try put("bundle-outer", "vector.cvb", bundle)
        let inner = try innerPart(of: bundle)
        try put("bundle-inner", "vector-inner", inner)
        var r = ByteReader(inner)
        _ = try r.raw(HandoverBundle.innerMagic.count)
        try put("manifest", "vector.txt", try r.string(max: 1 << 20))
        try put("bundle-payload", "vector", try r.data(max: 1 << 27))
        let opened = try HandoverBundle.open(bundle, identity: Fixed.recipient, trustedRoot: Fixed.vectorTrustedRoot, now: Fixed.vectorOpenAt)
        try put("receipt", "vector.txt", HandoverReceipt(for: opened, identity: Fixed.recipient, received: Fixed.vectorOpenAt).text)

        // A request and its decision, answer files of each kind, and an answer to the vector bundle.
        var request = ApprovalRequest(
            requestID: String(repeating: "ab", count: 16), vaultID: Fixed.vaultID, caseID: opened.manifest.caseID, caseVersion: 4,
            requester: "kari", recipient: opened.manifest.recipient, recipientRole: .police, basis: .consent, consentReference: "SAM-2026-014",
            purposeCommitment: [UInt8](repeating: 7, count: 32), fields: opened.manifest.fields, expires: Fixed.vectorOpenAt, created: Fixed.vectorOpenAt)
        try request.sign(with: Fixed.member.signingKey)
        var decision = ApprovalDecision(requestID: request.requestID, vaultID: Fixed.vaultID, requestHash: request.hash, verdict: .approve,
                                        reasonCommitment: nil, approver: "lina", decided: Fixed.vectorOpenAt)
        try decision.sign(with: leader.signingKey)
        try put("handover-request", "request.txt", request.text)
        try put("handover-request", "decision.txt", decision.text)
        let answers = [
            ("assessment.yaml", "kind: assessment\nsummary: Høy risiko\nassessment_tool: SARA:SV\nassessment_level: high\nassessment_date: 2026-11-30\n"),
            ("measures.yaml", "kind: measures\nmeasures:\n  - {type: mobile-violence-alarm, decided_on: 2026-11-30, valid_from: 2026-12-01, valid_to: 2027-03-01}\n"),
            ("offer.json", #"{"kind": "housing-offer", "offer_area": "Nordstrand", "offer_kind": "municipal", "offer_respond_by": "2026-12-10"}"#),
            ("decision.yaml", "kind: social-assistance\ndecision: partly-granted\ndecision_date: 2026-12-03\ndecision_amount: 9500\ndecision_respond_by: 2026-12-17\n"),
        ]
        for (name, text) in answers { try put("answer-content", name, text) }
        let answer = try HandoverAnswer.make(answering: opened, answerText: answers[0].1, identity: Fixed.recipient, now: Fixed.vectorOpenAt)
        try put("answer", "vector.cva", answer.bytes)
        try put("answer", "manifest.txt", answer.manifest.text)

        // Log entries, checkpoints, cosignatures, proofs and a witness state under the Fixed keys.
        var entries: [LogEntry] = []
        for i in 0..<3 {
            entries.append(try LogEntry.sign(vaultID: Fixed.vaultID, index: UInt64(i), time: Timestamp(seconds: 1_764_000_000 + Int64(i)),
                                             actor: "lina", key: Fixed.member.signingKey, action: i == 0 ? "case.create" : "case.read",
                                             caseID: CaseID.random(), fields: ["notes[0].text", "person.name"],
                                             detail: ["version": "1"], reasonCommitment: i == 2 ? [UInt8](repeating: 1, count: 32) : nil))
        }
        try put("log-entry", "entry", entries[2].bytes)
        try put("audit-entries", "entries", EntryFraming.headerBytes + entries.flatMap { [0x0A] + $0.bytes })
        let leaves = entries.map { Merkle.leafHash($0.bytes) }
        let checkpoint = try Checkpoint(origin: Fixed.origin, size: 1, rootHash: leaves[0])
        let signed = try SignedNote.parse(try checkpoint.sign(with: [Fixed.logSigner]))
        let cosigned = try signed.adding(try CosignatureSigner(name: "witness.example", secretKey: Fixed.witness).cosign(checkpoint, timestamp: 1_764_000_100))
        try put("signed-note", "checkpoint", signed.bytes)
        try put("checkpoint", "checkpoint", signed.bytes)
        try put("cosignature", "cosigned", cosigned.bytes)
        try put("tlog-proof", "proof", try InclusionProofFile(index: 0, proof: [], checkpointNote: cosigned).bytes)
        try put("witness-state", "state", try WitnessState(vaultID: Fixed.vaultID, rootKey: Fixed.root.publicKey, witnessName: "witness.example", note: cosigned).bytes)
        try put("audit-manifest", "vault", AuditManifest(vaultID: Fixed.vaultID, rootKey: Fixed.root.publicKey, vaultFormat: "1", exported: Fixed.vectorOpenAt).text)
        let mira = RosterEntry(kind: .member, id: "mira", name: "Mira", roles: [.contactPerson], identity: Fixed.member.publicIdentity, added: Timestamp(seconds: 0))
        try put("reason", "sealed", try ReasonSeal.seal("Akutt: politiet ringte", readers: [mira]).sealed)
    }

    /// Decrypts a bundle's inner part with the vector recipient's key (layout: FORMAT.md §8).
    static func innerPart(of bundle: [UInt8]) throws -> [UInt8] {
        var r = ByteReader(bundle)
        _ = try r.raw(HandoverBundle.magic.count + 1 + 16)
        let sealedKey = try r.raw(SymmetricKey.byteCount + SealedBox.overhead)
        let nonce = try r.raw(XChaCha20Poly1305.nonceByteCount)
        let header = Array(bundle.prefix(r.offset))
        let ciphertext = try r.data(max: 1 << 28)
        let key = try SymmetricKey(secret: try SealedBox.open(sealedKey, with: Fixed.recipient.boxKey))
        return try XChaCha20Poly1305.open(ciphertext, key: key, nonce: nonce, associatedData: header).withUnsafeBytes { Array($0) }
    }
}
