import AccessPolicy
import CaseVaultCore
import CaseVaultSamples
import SodiumKit

/// Making and opening a police bundle of the fully filled case (leader-approved), against the
/// libsodium calls the same work makes, done alone in the same run.
enum HandoverBenchmark {
    static func run(rounds: Int = 200) throws -> [String] {
        let now = Timestamp.now()
        let root = try SigningSecretKey.generate()
        let sender = try SecretIdentity.generate(), leader = try SecretIdentity.generate(), police = try SecretIdentity.generate()
        let roster = Roster(vaultID: .random(), centre: "Bench", serial: 1, rootKey: root.publicKey, issued: now, entries: [
            RosterEntry(kind: .member, id: "kari", name: "Kari", roles: [.contactPerson], identity: sender.publicIdentity, added: now),
            RosterEntry(kind: .member, id: "lina", name: "Lina", roles: [.leader], identity: leader.publicIdentity, added: now),
            RosterEntry(kind: .recipient, id: "politi", name: "Politi", roles: [.police], identity: police.publicIdentity, added: now),
        ])
        let signedRoster = try SignedRoster(roster: roster, signedBy: root)
        let policy = Policy.makeDefault()
        let record = try RecordParser(allowSyntheticIDs: true).parseRecord(SampleCase.yaml)
        let fields = record.fields.filter { policy.canRead(.police, field: $0.key).isAllowed }
        let manifest = HandoverManifest(
            bundleID: Hex.encode(Random.bytes(16)), vaultID: roster.vaultID,
            caseID: .random(), caseVersion: 2, sender: "kari", recipient: "politi", recipientRole: .police,
            recipientFingerprint: police.publicIdentity.fingerprint, purpose: "Benchmark", basis: .consent, consentReference: "REF",
            approvalRequired: true, created: now, expires: nil, logIndex: 0, rosterSerial: 0, policySerial: 0, fields: [], payloadHash: [])
        let approver = HandoverBundle.Signer(entry: signedRoster.roster.entry("lina")!, key: leader.signingKey)
        let trust = Fingerprint.root(root.publicKey)
        let signedPolicy = HandoverBundle.SignedPolicy(bytes: policy.sourceBytes, signature: PolicySigning.sign(policy, vault: roster.vaultID, root: root))
        let maker = StandaloneHandover(roster: signedRoster, policy: signedPolicy)
        let final = try maker.manifest(manifest, fields: fields)
        let evidence = try maker.evidence(for: final, sender: sender.signingKey, approver: "lina")
        let sample = (bytes: try HandoverBundle.seal(manifest: final, fields: fields, sender: sender.signingKey, approver: approver, policy: signedPolicy,
                                                     evidence: evidence, recipient: police.publicIdentity), manifest: final)
        let payload = HandoverBundle.encodePayload(fields)
        let manifestBytes = Array(sample.manifest.text.utf8)
        let innerSize = sample.bytes.count - (8 + 1 + 16 + 80 + 24 + 4 + 16)

        let create = try Stopwatch.best {
            for _ in 0..<rounds {
                _ = try HandoverBundle.seal(manifest: final, fields: fields, sender: sender.signingKey, approver: approver, policy: signedPolicy,
                                            evidence: evidence, recipient: police.publicIdentity)
            }
        }
        let createFloor = try Stopwatch.best {
            for _ in 0..<rounds {
                _ = BLAKE2b.hash(HandoverBundle.payloadDomain + payload)
                _ = leader.signingKey.signature(for: HandoverBundle.approvalDomain + manifestBytes)
                _ = sender.signingKey.signature(for: HandoverBundle.senderDomain + manifestBytes)
                let k = try SymmetricKey.generate()
                _ = try SealedBox.seal(k, to: police.publicIdentity.boxKey)
                _ = try XChaCha20Poly1305.seal([UInt8](repeating: 0, count: innerSize), key: k, nonce: XChaCha20Poly1305.randomNonce(), associatedData: [UInt8](repeating: 0, count: 133))
            }
        }
        let open = try Stopwatch.best {
            for _ in 0..<rounds { _ = try HandoverBundle.open(sample.bytes, identity: police, trustedRoot: trust) }
        }
        let sealedKey = Array(sample.bytes[25..<105]), nonce = Array(sample.bytes[105..<129]), header = Array(sample.bytes[0..<129])
        let ct = Array(sample.bytes[133...])
        let rosterMessage = Array("casevault/v1/roster\0".utf8) + Array(signedRoster.roster.text.utf8)
        let leaderBlock = Array(RosterEntry.certificateMessage(block: approver.entry.blockText, vault: roster.vaultID))
        let senderSig = sender.signingKey.signature(for: HandoverBundle.senderDomain + manifestBytes)
        let approverSig = leader.signingKey.signature(for: HandoverBundle.approvalDomain + manifestBytes)
        let openFloor = try Stopwatch.best {
            for _ in 0..<rounds {
                let k = try SymmetricKey(secret: try SealedBox.open(sealedKey, with: police.boxKey))
                _ = try XChaCha20Poly1305.open(ct, key: k, nonce: nonce, associatedData: header)
                try root.publicKey.verify(signedRoster.signature, for: rosterMessage)
                try sender.signingKey.publicKey.verify(senderSig, for: HandoverBundle.senderDomain + manifestBytes)
                try root.publicKey.verify(approver.entry.certificate, for: leaderBlock)
                try leader.signingKey.publicKey.verify(approverSig, for: HandoverBundle.approvalDomain + manifestBytes)
                try root.publicKey.verify(signedPolicy.signature, for: PolicySigning.message(signedPolicy.bytes, vault: roster.vaultID))
                _ = BLAKE2b.hash(HandoverBundle.payloadDomain + payload)
            }
        }
        return [
            "Handover bundles (police, leader-approved: \(fields.count) fields, \(sample.bytes.count) bytes)",
            rateLine("  create a bundle (×\(rounds))", seconds: create, floor: createFloor, count: rounds),
            rateLine("  open and verify a bundle (×\(rounds))", seconds: open, floor: openFloor, count: rounds),
        ]
    }
}
