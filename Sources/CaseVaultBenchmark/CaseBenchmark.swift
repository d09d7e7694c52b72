import AccessPolicy
import CaseVaultCore
import CaseVaultSamples
import Foundation
import SodiumKit

/// Sealing and opening a fully filled case, measured against the libsodium calls the same work
/// makes, done alone in the same run.
enum CaseBenchmark {
    /// A realistic recipient set: two assigned staff (contact persons), a child contact and a leader.
    struct Fixture {
        let roster: Roster
        let policy: Policy
        let keys: [String: SecretIdentity]
        let assignments: [CaseVersion.Assignment]
        let record: CaseRecord
        let vault = VaultID.random()

        init() throws {
            let now = Timestamp(seconds: 1_764_000_000)
            var entries: [RosterEntry] = []
            var keys: [String: SecretIdentity] = [:]
            for (id, role) in [("lina", Role.leader), ("kari", .contactPerson), ("karl", .contactPerson), ("cecilie", .childContact)] {
                let k = try SecretIdentity.generate()
                keys[id] = k
                entries.append(RosterEntry(kind: .member, id: id, name: id, roles: [role], identity: k.publicIdentity, added: now))
            }
            let root = try SigningSecretKey.generate()
            roster = Roster(vaultID: vault, serial: 1, rootKey: root.publicKey, issued: now, entries: entries)
            policy = Policy.makeDefault()
            self.keys = keys
            assignments = [.init(member: "kari", role: "contact-person"), .init(member: "karl", role: "contact-person"),
                           .init(member: "cecilie", role: "child-contact")]
            record = try RecordParser(allowSyntheticIDs: true).parseRecord(SampleCase.yaml)
        }

        func sealer(_ caseID: CaseID) -> Sealer {
            Sealer(vaultID: vault, caseID: caseID, version: 1, parentHash: [UInt8](repeating: 0, count: 32), author: roster.entry("kari")!,
                   created: .now(), roster: roster, policy: policy, assignments: assignments)
        }

        func seal(_ caseID: CaseID) throws -> SealedVersion {
            try sealer(caseID).seal(fresh: record.fields, carried: [], written: Array(record.fields.keys), removed: [], signingKey: keys["kari"]!.signingKey)
        }

        func open(_ v: SealedVersion, reader: String) throws -> OpenedCase {
            let opener = Opener(vaultID: vault, roster: roster, policies: [policy.serial: policy])
            let chain = try opener.verifyChain([StoredVersion(version: 1, body: v.body, signature: v.signature)], caseID: v.version.caseID)
            return try opener.open(chain, caseID: v.version.caseID, reader: roster.entry(reader)!, key: keys[reader]!.boxKey)
        }
    }

    /// The same libsodium calls as sealing `v`, on the same sizes, with no CaseVault logic around them.
    static func floorSeal(like v: SealedVersion, key: SigningSecretKey, recipients: [BoxPublicKey]) throws {
        var classKeys: [SymmetricKey] = []
        for c in v.version.classes {
            let k = try SymmetricKey.generate()
            for i in 0..<c.envelopes.count { _ = try SealedBox.seal(k, to: recipients[i % recipients.count]) }
            _ = BLAKE2b.hash([UInt8](repeating: 0, count: 80), key: k)
            classKeys.append(k)
        }
        for f in v.version.fields {
            // Per field: pad, commit (keyed BLAKE2b under σ), derive the field key and encrypt.
            let plain = [UInt8](repeating: 1, count: f.ciphertext.count - 16)
            _ = try Padding.pad([UInt8](plain.prefix(8)), blockSize: plain.count - 32)
            _ = plain.withUnsafeBytes { p in BLAKE2b.hash(parts: [UnsafeRawBufferPointer(rebasing: p[32...])], keyBytes: UnsafeRawBufferPointer(rebasing: p[..<32])) }
            let nonce = XChaCha20Poly1305.randomNonce()
            _ = try plain.withUnsafeBytes { p in
                try XChaCha20Poly1305.seal(bytes: p, key: classKeys[Int(f.key.index)], subkeyContext: fieldKeyContext(f.path), nonce: nonce,
                                           associatedData: [UInt8](repeating: 2, count: 96 + f.path.utf8.count))
            }
        }
        _ = key.signature(for: CaseVersion.signedMessage(v.body))
    }

    /// The same libsodium calls as opening `v` for `reader`.
    static func floorOpen(_ v: SealedVersion, reader: String, identity: SecretIdentity, author: SigningPublicKey) throws {
        try author.verify(v.signature, for: CaseVersion.signedMessage(v.body))
        _ = CaseVersion.chainHash(body: v.body, signature: v.signature)
        var keys: [UInt32: SymmetricKey] = [:]
        for c in v.version.classes {
            guard let e = c.envelopes.first(where: { $0.member == reader }) else { continue }
            let k = try SymmetricKey(secret: try SealedBox.open(e.sealedKey, with: identity.boxKey))
            _ = BLAKE2b.hash([UInt8](repeating: 0, count: 80), key: k)
            keys[c.index] = k
        }
        let readable = v.version.fields.filter { keys[$0.key.index] != nil }
        _ = try SecureBytes(count: readable.reduce(0) { $0 + $1.ciphertext.count - 16 }) { (buffer) throws(CryptoError) in
            var offset = 0
            for f in readable {
                let n = try XChaCha20Poly1305.open(
                    f.ciphertext, key: keys[f.key.index]!, subkeyContext: fieldKeyContext(f.path), nonce: f.nonce,
                    associatedData: CaseVersion.associatedData(vault: v.version.vaultID, caseID: v.version.caseID, origin: f.origin, key: f.key,
                                                               path: f.path, format: 2, vc: f.vc),
                    into: UnsafeMutableRawBufferPointer(rebasing: buffer[offset...]))
                let padded = UnsafeRawBufferPointer(rebasing: buffer[offset + 32..<offset + n])
                let m = try Padding.unpaddedLength(padded, blockSize: padded.count)
                _ = BLAKE2b.hash(parts: [UnsafeRawBufferPointer(rebasing: padded[..<(padded.startIndex + m)])],
                                 keyBytes: UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + 32]))
                offset += n
            }
        }
    }

    /// "casevault/v2/field-key\0" ‖ string(path), as FORMAT.md gives it.
    static func fieldKeyContext(_ path: String) -> [UInt8] {
        let p = Array(path.utf8), n = UInt32(p.count)
        return Array("casevault/v2/field-key\0".utf8) + [UInt8(n >> 24), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)] + p
    }

    static func run(cases: Int) throws -> [String] {
        let fx = try Fixture()
        let kari = fx.keys["kari"]!
        let sample = try fx.seal(CaseID.random())
        let recipients = fx.roster.entries.map(\.identity.boxKey)
        var out = ["Case sealing (fully filled sample case: \(sample.version.fields.count) fields, \(sample.version.classes.count) access classes, \(sample.version.classes.reduce(0) { $0 + $1.envelopes.count }) envelopes, \(sample.body.count) bytes)"]

        // One case, best of several rounds, interleaving real work and floor.
        let reps = 200
        let ids = (0..<reps).map { _ in CaseID.random() }
        let sealOne = try Stopwatch.best { for id in ids { _ = try fx.seal(id) } }
        let sealFloor = try Stopwatch.best { for _ in ids { try floorSeal(like: sample, key: kari.signingKey, recipients: recipients) } }
        out.append(rateLine("  seal one case (×\(reps))", seconds: sealOne, floor: sealFloor, count: reps))
        let openOne = try Stopwatch.best { for _ in 0..<reps { _ = try fx.open(sample, reader: "kari") } }
        let openFloor = try Stopwatch.best { for _ in 0..<reps { try floorOpen(sample, reader: "kari", identity: kari, author: kari.signingKey.publicKey) } }
        out.append(rateLine("  open one case as its contact person (×\(reps))", seconds: openOne, floor: openFloor, count: reps))

        // 10,000 cases: throughput over a large batch, kept in memory.
        var sealed: [SealedVersion] = []
        sealed.reserveCapacity(cases)
        let sealMany = try Stopwatch.measure { for _ in 0..<cases { sealed.append(try fx.seal(CaseID.random())) } }.wall
        let sealManyFloor = try Stopwatch.measure {
            for _ in 0..<cases { try floorSeal(like: sample, key: kari.signingKey, recipients: recipients) }
        }.wall
        out.append(rateLine("  seal \(cases) cases", seconds: sealMany, floor: sealManyFloor, count: cases))
        let openMany = try Stopwatch.measure { for v in sealed { _ = try fx.open(v, reader: "kari") } }.wall
        let openManyFloor = try Stopwatch.measure {
            for v in sealed { try floorOpen(v, reader: "kari", identity: kari, author: kari.signingKey.publicKey) }
        }.wall
        out.append(rateLine("  open \(cases) cases", seconds: openMany, floor: openManyFloor, count: cases))
        return out
    }
}
