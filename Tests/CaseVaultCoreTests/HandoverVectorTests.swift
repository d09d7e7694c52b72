import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import CaseVaultSamples
import Foundation
import SodiumKit
import XCTest

/// The committed test vector: a bundle made by this project's own code with
/// FIXED test keys, kept in `Fixtures/handover-vector/` so that anyone can open it with any
/// libsodium binding (see the README there), and so that a change to the format is noticed.
///
/// `scripts/regenerate-handover-vector.sh` (which sets CASEVAULT_REGENERATE_VECTOR=1) rewrites the vector
/// files (bundle, keys, expected.json), `Keys/test-vector-keyring.txt` and
/// `docs/parts/71-handover-example.md`; the payload key and the nonces are random, so the
/// bundle's bytes differ on each regeneration while everything else stays the same.
final class HandoverVectorTests: XCTestCase {
    // MARK: - The fixed inputs

    enum Vector {
        static let labelPrefix = "casevault test vector: "

        /// 32 bytes: SHA-256 of the label. TEST KEYS ONLY: anyone can recompute them.
        static func seedBytes(_ label: String) -> [UInt8] { SHA256.hash(Array((labelPrefix + label).utf8)) }
        static func seed(_ label: String) throws -> SecureBytes {
            var b = seedBytes(label)
            return try SecureBytes(consuming: &b)
        }

        static func identity(_ id: String) throws -> SecretIdentity {
            SecretIdentity(boxKey: try BoxSecretKey(secret: try seed("\(id) x25519")), signingKey: try SigningSecretKey(seed: try seed("\(id) ed25519")))
        }

        static func rootKey() throws -> SigningSecretKey { try SigningSecretKey(seed: try seed("centre root")) }

        static let vaultID = VaultID(hex: Hex.encode(Array(seedBytes("vault id").prefix(16))))!
        static let caseID = try! CaseID(Hex.encode(Array(seedBytes("case id").prefix(10))))
        static let bundleID = Hex.encode(Array(seedBytes("bundle id").prefix(16)))
        static let centreName = "Krisesenteret i Testby (testvektor)"
        static let recipient = "politi-ost"
        static let created = Timestamp(rfc3339: "2026-11-25T00:00:00Z")!
        static let expires = Timestamp(rfc3339: "2099-01-01T00:00:00Z")!
        /// The fixed "now" at which the test opens the vector: after `created`, before `expires`.
        static let openAt = Timestamp(rfc3339: "2026-11-25T12:00:00Z")!

        /// A small, realistic police payload taken from the sample case.
        static let fieldPaths = [
            "person.alias", "person.legal_name", "person.national_id", "person.address_protection",
            "children[0].alias", "children[0].birth_date",
            "threats[0].perpetrators[0].relation", "threats[0].perpetrators[0].name", "threats[0].perpetrators[0].weapons_access",
            "threats[0].violence_types", "threats[0].centre_judgement",
            "police.basis", "police.consent_ref", "measures[0].type", "measures[0].valid_to",
        ]

        static func roster() throws -> SignedRoster {
            let root = try rootKey()
            let t = { (s: String) in Timestamp(rfc3339: s)! }
            let roster = Roster(vaultID: vaultID, centre: centreName, serial: 3, rootKey: root.publicKey, issued: t("2026-11-20T09:10:00Z"), entries: [
                RosterEntry(kind: .member, id: "lina", name: "Lina Leder", roles: [.leader], identity: try identity("lina").publicIdentity,
                            added: t("2026-11-20T09:00:00Z")),
                RosterEntry(kind: .member, id: "kari", name: "Kari Kontaktperson", roles: [.contactPerson], identity: try identity("kari").publicIdentity,
                            added: t("2026-11-20T09:05:00Z")),
                RosterEntry(kind: .recipient, id: recipient, name: "Øst politidistrikt", roles: [.police], identity: try identity(recipient).publicIdentity,
                            added: t("2026-11-20T09:10:00Z")),
            ])
            // SignedRoster certifies every entry (Roster.certifyEntries) and signs the whole.
            return try SignedRoster(roster: roster, signedBy: root)
        }

        static func fields() throws -> [String: FieldValue] {
            let all = try RecordParser(allowSyntheticIDs: true).parseRecord(SampleCase.yaml).fields
            var out: [String: FieldValue] = [:]
            for p in fieldPaths { out[p] = try XCTUnwrap(all[p], "sample case lacks \(p)") }
            return out
        }

        static func manifest() throws -> HandoverManifest {
            HandoverManifest(
                bundleID: bundleID, vaultID: vaultID, caseID: caseID, caseVersion: 7, sender: "kari", recipient: recipient, recipientRole: .police,
                recipientFingerprint: try identity(recipient).publicIdentity.fingerprint, purpose: "Sikkerhetstiltak ved ny bolig (§ 4 b)",
                basis: .consent, consentReference: "SAM-2026-014", approvalRequired: true, created: created, expires: expires,
                logIndex: 0, rosterSerial: 0, policySerial: 0, fields: [], payloadHash: [])
        }

        /// The log before the handover's entry: two entries with fixed times and keys, so the
        /// proof has a hash in it and the inner part is the same on every regeneration.
        static func priorLog() throws -> [[UInt8]] {
            let t = { (s: String) in Timestamp(rfc3339: s)! }
            let lina = try identity("lina").signingKey, kari = try identity("kari").signingKey
            return [
                try LogEntry.sign(vaultID: vaultID, index: 0, time: t("2026-11-20T09:00:00Z"), actor: "lina", key: lina, action: "vault.init",
                                  caseID: nil, fields: [], detail: ["policy-serial": "1", "roster-serial": "1"], reasonCommitment: nil).bytes,
                try LogEntry.sign(vaultID: vaultID, index: 1, time: t("2026-11-24T10:00:00Z"), actor: "kari", key: kari, action: "case.create",
                                  caseID: caseID, fields: [], detail: ["version": "1"], reasonCommitment: nil).bytes,
            ]
        }

        /// Seals the vector with the project's own `HandoverBundle.seal`.
        static func make() throws -> (bytes: [UInt8], manifest: HandoverManifest) {
            let roster = try roster().roster
            let kari = HandoverBundle.Signer(entry: roster.entry("kari")!, key: try identity("kari").signingKey)
            let lina = HandoverBundle.Signer(entry: roster.entry("lina")!, key: try identity("lina").signingKey)
            let policy = Policy.makeDefault()
            let signedPolicy = HandoverBundle.SignedPolicy(bytes: policy.sourceBytes, signature: PolicySigning.sign(policy, vault: vaultID, root: try rootKey()))
            let maker = StandaloneHandover(roster: try Self.roster(), policy: signedPolicy, priorLog: try priorLog())
            return try maker.make(try manifest(), fields: try fields(), sender: kari.key, approver: lina, recipient: try identity(recipient).publicIdentity)
        }

        static var folder: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/handover-vector") }
        static var repositoryRoot: URL {
            var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
                dir.deleteLastPathComponent()
            }
            return dir
        }
        static var keyringFile: URL { repositoryRoot.appendingPathComponent("Keys/test-vector-keyring.txt") }
        static var exampleDoc: URL { repositoryRoot.appendingPathComponent("docs/parts/71-handover-example.md") }

        static func file(_ name: String) -> URL { folder.appendingPathComponent(name) }
        static func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: file(name))) }
        static func text(_ name: String) throws -> String { try String(contentsOf: file(name), encoding: .utf8) }
    }

    static var regenerating: Bool { ProcessInfo.processInfo.environment["CASEVAULT_REGENERATE_VECTOR"] == "1" }

    // MARK: - The tests

    /// (a) Opens the stored vector with the fixed recipient key and root fingerprint (read from
    /// the files a reader gets) and compares with expected.json. (b) With
    /// CASEVAULT_REGENERATE_VECTOR=1 it first rewrites the vector.
    func testStoredVectorOpensToExpectedContent() throws {
        if Self.regenerating { try regenerate() }
        let bundle = try Vector.bytes("bundle.cvb")
        let identity = try loadRecipientKey()
        XCTAssertEqual(identity.publicIdentity, try Vector.identity(Vector.recipient).publicIdentity, "recipient-secret-key.hex holds the fixed key")
        let trust = try Vector.text("trusted-root-fingerprint.txt").trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(trust, Fingerprint.root(try Vector.rootKey().publicKey))

        let opened = try HandoverBundle.open(bundle, identity: identity, trustedRoot: trust, now: Vector.openAt)
        let expected = try expectedJSON()
        XCTAssertFalse(opened.openedAfterExpiry)
        XCTAssertEqual(opened.manifest.text, expected["manifest_text"] as? String)
        let manifestValues = try XCTUnwrap(expected["manifest"] as? [String: String])
        XCTAssertEqual(Self.manifestValues(opened.manifest.text), manifestValues)
        XCTAssertEqual(manifestValues["bundle"], Vector.bundleID)
        XCTAssertEqual(manifestValues["created"], "2026-11-25T00:00:00Z")
        XCTAssertEqual(manifestValues["expires"], "2099-01-01T00:00:00Z")
        XCTAssertEqual(Base64.encode(opened.manifest.hash), expected["manifest_hash"] as? String)
        XCTAssertEqual(opened.manifest, try Vector.make().manifest, "the stored vector is the one the fixed inputs produce")
        XCTAssertEqual(opened.sender.id, "kari")
        XCTAssertEqual(opened.approver?.id, "lina")
        XCTAssertEqual((expected["sender"] as? [String: String])?["fingerprint"], opened.sender.identity.fingerprint)
        XCTAssertEqual((expected["approver"] as? [String: String])?["fingerprint"], opened.approver?.identity.fingerprint)
        XCTAssertEqual(try Self.canonicalJSON(opened.fields.mapValues(\.jsonObject)), try Self.canonicalJSON(try XCTUnwrap(expected["fields"])))
        XCTAssertEqual(opened.fields, try Vector.fields())

        // expected.json describes this very file.
        let header = try XCTUnwrap(expected["outer"] as? [String: Any])
        let outer = try BundleSurgery.parseOuter(bundle)
        XCTAssertEqual(header["bundle_length"] as? Int, bundle.count)
        XCTAssertEqual(header["bundle_sha256"] as? String, Hex.encode(SHA256.hash(bundle)))
        XCTAssertEqual(header["recipient_fp"] as? String, Hex.encode(outer.fingerprint))
        XCTAssertEqual(header["sealed_key"] as? String, Hex.encode(outer.sealedKey))
        XCTAssertEqual(header["nonce"] as? String, Hex.encode(outer.nonce))
        XCTAssertEqual(header["ciphertext_length"] as? Int, outer.ciphertext.count)
        let inner = try BundleSurgery.decryptInner(bundle, with: identity)
        XCTAssertEqual(expected["inner_sha256"] as? String, Hex.encode(SHA256.hash(inner)))
        XCTAssertEqual(expected["inner_length"] as? Int, inner.count)
    }

    /// Opens the vector with libsodium primitives only, step by step as the README describes,
    /// without `HandoverBundle.open`: checks that the README (and docs/FORMAT.md) are enough.
    func testVectorOpensByFollowingTheREADMEWithPrimitivesOnly() throws {
        let b = try Vector.bytes("bundle.cvb")
        let keyLines = try Vector.text("recipient-secret-key.hex").split(separator: "\n").filter { !$0.hasPrefix("#") }
        func hexValue(_ key: String) throws -> [UInt8] {
            try XCTUnwrap(keyLines.first { $0.hasPrefix(key + " ") }.flatMap { Hex.decode(String($0.dropFirst(key.count + 1))) }, key)
        }
        var x = try hexValue("x25519-secret"), e = try hexValue("ed25519-seed")
        let boxKey = try BoxSecretKey(secret: try SecureBytes(consuming: &x))
        let signKey = try SigningSecretKey(seed: try SecureBytes(consuming: &e))
        let trusted = try Vector.text("trusted-root-fingerprint.txt").trimmingCharacters(in: .whitespacesAndNewlines)
        let fp = { (domain: String, bytes: [UInt8]) in
            Array(BLAKE2b.hash(Array(domain.utf8) + [0] + bytes).prefix(16))
        }
        func u32(_ at: Int) -> Int { Int(b[at]) << 24 | Int(b[at + 1]) << 16 | Int(b[at + 2]) << 8 | Int(b[at + 3]) }

        // Step 1: outer layout.
        XCTAssertEqual(Array(b[0..<8]), Array("CVBUNDLE".utf8))
        XCTAssertEqual(b[8], 2)
        XCTAssertEqual(Array(b[9..<25]), fp("casevault/v1/identity-fingerprint", boxKey.publicKey.bytes + signKey.publicKey.bytes))
        let ctLength = u32(129)
        XCTAssertEqual(133 + ctLength, b.count, "no trailing bytes")
        // Step 2: crypto_box_seal_open of the 80-byte sealed key.
        let k = try SymmetricKey(secret: try SealedBox.open(Array(b[25..<105]), with: boxKey))
        // Step 3: XChaCha20-Poly1305 with the 129 header bytes as associated data.
        let inner = try XChaCha20Poly1305.open(Array(b[133...]), key: k, nonce: Array(b[105..<129]), associatedData: Array(b[0..<129]))
            .withUnsafeBytes { Array($0) }
        // Step 4: inner layout.
        var at = 0
        func take(_ n: Int) -> [UInt8] { defer { at += n }; return Array(inner[at..<at + n]) }
        func data() -> [UInt8] {
            let n = Int(inner[at]) << 24 | Int(inner[at + 1]) << 16 | Int(inner[at + 2]) << 8 | Int(inner[at + 3])
            at += 4
            return take(n)
        }
        XCTAssertEqual(take(5), Array("CVBI\u{2}".utf8))
        let manifest = data(), payload = data(), rosterText = data(), approverEntry = data(), approverSig = data()
        let policy = data(), policySig = data(), logEntry = data(), proofText = data(), senderSig = data()
        XCTAssertEqual(at, inner.count)
        let m = Self.manifestValues(String(decoding: manifest, as: UTF8.self))
        // Step 5: the roster: its root is the one we trust, and its signature verifies.
        let roster = String(decoding: rosterText, as: UTF8.self)
        let head = roster.split(separator: "\n").prefix(6).map(String.init)
        XCTAssertEqual(head[0], "casevault-roster v2")
        XCTAssertEqual(head[2], "centre \(Vector.centreName)")
        let root = try XCTUnwrap(Base64.decode(String(try XCTUnwrap(head.first { $0.hasPrefix("root ") }).dropFirst(5))))
        XCTAssertEqual(Fingerprint.format(fp("casevault/v1/root-fingerprint", root)), trusted)
        let rootKey = try SigningPublicKey(bytes: root)
        let sigAt = try XCTUnwrap(roster.range(of: "\nsignature ", options: .backwards))
        let body = String(roster[..<sigAt.lowerBound])
        let rosterSig = try XCTUnwrap(Base64.decode(String(roster[sigAt.upperBound...].dropLast())))
        XCTAssertTrue(rootKey.isValidSignature(rosterSig, for: Array("casevault/v1/roster\0".utf8) + Array(body.utf8)))
        XCTAssertEqual(head[3], "serial \(try XCTUnwrap(m["roster-serial"]))")
        let vault = try XCTUnwrap(Hex.decode(try XCTUnwrap(m["vault"])))
        // Step 6: the sender: an active member on the roster, with a role the policy's `handover: police` lists.
        func member(_ id: String) throws -> [String: String] {
            let block = try XCTUnwrap(body.components(separatedBy: "\n\n").first { $0.hasPrefix("member \(id)\n") })
            return Dictionary(block.split(separator: "\n").dropFirst().map { l in let p = l.split(separator: " ", maxSplits: 1); return (String(p[0]), String(p[1])) },
                              uniquingKeysWith: { a, _ in a })
        }
        let sender = try member("kari")
        XCTAssertEqual(sender["roles"], "contact-person")
        XCTAssertNil(sender["revoked"])
        XCTAssertTrue(String(decoding: policy, as: UTF8.self).contains("  police: [contact-person]\n"))
        let senderKey = try SigningPublicKey(bytes: try XCTUnwrap(Base64.decode(try XCTUnwrap(sender["sign-key"]))))
        // Step 7: the sender's signature over the manifest.
        XCTAssertTrue(senderKey.isValidSignature(senderSig, for: Array("casevault/v2/handover\0".utf8) + manifest))
        // Step 8: addressed to us.
        XCTAssertEqual(m["recipient-fingerprint"], Fingerprint.format(Array(b[9..<25])))
        // Step 9: the leader's approval: a certified entry, the same as the roster's.
        let approverText = String(decoding: approverEntry, as: UTF8.self)
        var lines = approverText.split(separator: "\n").map(String.init)
        let cert = try XCTUnwrap(Base64.decode(try XCTUnwrap(lines.popLast()?.dropFirst("certificate ".count))))
        let block = lines.joined(separator: "\n") + "\n"
        XCTAssertTrue(rootKey.isValidSignature(cert, for: Array("casevault/v1/roster-entry\0".utf8) + vault + Array(block.utf8)))
        XCTAssertTrue(body.contains(approverText))
        let approverKey = try SigningPublicKey(bytes: try XCTUnwrap(Base64.decode(try XCTUnwrap(member("lina")["sign-key"]))))
        XCTAssertTrue(approverKey.isValidSignature(approverSig, for: Array("casevault/v2/handover-approval\0".utf8) + manifest))
        // Step 9b: the centre's policy, signed by the root for this vault, asks for that approval.
        XCTAssertTrue(rootKey.isValidSignature(policySig, for: Array("casevault/v1/policy\0".utf8) + vault + policy))
        XCTAssertTrue(String(decoding: policy, as: UTF8.self).contains("approval-required: [police]"))
        XCTAssertEqual(m["approval-required"], "yes")
        // Step 9c: the log entry: signed by kari, naming this bundle and manifest, at `created`.
        let entry = String(decoding: logEntry, as: UTF8.self)
        let entrySigAt = try XCTUnwrap(entry.range(of: "signature ", options: .backwards))
        let entrySig = try XCTUnwrap(Base64.decode(String(entry[entrySigAt.upperBound...].dropLast())))
        XCTAssertTrue(senderKey.isValidSignature(entrySig, for: Array("casevault/v1/log-entry\0".utf8) + Array(entry[..<entrySigAt.lowerBound].utf8)))
        let manifestHash = BLAKE2b.hash(Array("casevault/v1/handover-manifest\0".utf8) + manifest)
        XCTAssertTrue(entry.contains("\ntime \(try XCTUnwrap(m["created"]))\n"))
        XCTAssertTrue(entry.contains("\nindex \(try XCTUnwrap(m["log-index"]))\n"))
        XCTAssertTrue(entry.contains("bundle=\(Vector.bundleID);manifest=\(Hex.encode(manifestHash));"))
        XCTAssertTrue(entry.contains(";roster=3;roster-hash=\(Hex.encode(BLAKE2b.hash(Array("casevault/v2/roster-hash\0".utf8) + rosterText)));"))
        // Step 9d: the inclusion proof (RFC 6962, SHA-256) to a checkpoint kari signed.
        let proof = String(decoding: proofText, as: UTF8.self)
        let split = try XCTUnwrap(proof.range(of: "\n\n"))
        let proofLines = proof[..<split.lowerBound].split(separator: "\n").map(String.init)
        XCTAssertEqual(proofLines[0], "c2sp.org/tlog-proof@v1")
        XCTAssertEqual(proofLines[1], "index 2")
        let note = proof[split.upperBound...].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(note[0], "casevault.invalid/log/\(Vector.vaultID.hex)")
        XCTAssertEqual(note[1], "3")
        var hash = SHA256.hash([0] + logEntry)
        let sibling = try XCTUnwrap(Base64.decode(proofLines[2]))
        hash = SHA256.hash([1] + sibling + hash)   // index 2 of 3: its sibling is the left subtree of 0 and 1
        XCTAssertEqual(Base64.encode(hash), note[2])
        let noteSig = try XCTUnwrap(Base64.decode(String(try XCTUnwrap(note.first { $0.hasPrefix("— ") }).split(separator: " ")[2])))
        XCTAssertTrue(senderKey.isValidSignature(Array(noteSig.dropFirst(4)), for: Array((note[0...2].joined(separator: "\n") + "\n").utf8)))
        // Step 10: the payload hash, then the fields.
        XCTAssertEqual(Base64.encode(BLAKE2b.hash(Array("casevault/v1/handover-payload\0".utf8) + payload)), m["payload"])
        var p = 0
        func pu32() -> Int { defer { p += 4 }; return Int(payload[p]) << 24 | Int(payload[p + 1]) << 16 | Int(payload[p + 2]) << 8 | Int(payload[p + 3]) }
        func pdata() -> [UInt8] { let n = pu32(); defer { p += n }; return Array(payload[p..<p + n]) }
        var fields: [String: Any] = [:]
        var paths: [String] = []
        for _ in 0..<pu32() {
            let path = String(decoding: pdata(), as: UTF8.self)
            let v = pdata()
            paths.append(path)
            switch v[0] {
            case 1: fields[path] = String(decoding: v.dropFirst(), as: UTF8.self)
            case 2: fields[path] = Int(String(decoding: v.dropFirst(), as: UTF8.self))!
            case 3: fields[path] = v[1] == 1
            default:
                var q = 1
                let n = Int(v[q]) << 24 | Int(v[q + 1]) << 16 | Int(v[q + 2]) << 8 | Int(v[q + 3])
                q += 4
                var items: [String] = []
                for _ in 0..<n {
                    let len = Int(v[q]) << 24 | Int(v[q + 1]) << 16 | Int(v[q + 2]) << 8 | Int(v[q + 3])
                    items.append(String(decoding: v[(q + 4)..<(q + 4 + len)], as: UTF8.self))
                    q += 4 + len
                }
                fields[path] = items
            }
        }
        XCTAssertEqual(p, payload.count)
        XCTAssertEqual(paths.joined(separator: ","), m["fields"])
        // Step 11: not expired at the fixed time.
        XCTAssertGreaterThan(try XCTUnwrap(m["expires"]), Vector.openAt.rfc3339)
        XCTAssertEqual(try Self.canonicalJSON(fields), try Self.canonicalJSON(try XCTUnwrap(try expectedJSON()["fields"])))
    }

    /// The keyring file is the fixed vault's signed roster, byte for byte (Ed25519 is
    /// deterministic), and opening the vector with it (revocation check) succeeds.
    func testCommittedKeyringIsTheFixedVaultsSignedRoster() throws {
        let text = try String(contentsOf: Vector.keyringFile, encoding: .utf8)
        XCTAssertEqual(text, try Vector.roster().fileText)
        let parsed = try SignedRoster(fileText: text, trustedRoot: try Vector.rootKey().publicKey)
        XCTAssertEqual(parsed.roster.vaultID, Vector.vaultID)
        XCTAssertEqual(parsed.roster.entries.map(\.id), ["lina", "kari", Vector.recipient])
        XCTAssertFalse(text.contains("secret") || text.contains("seed"), "public keys only")
        let opened = try HandoverBundle.open(try Vector.bytes("bundle.cvb"), identity: try Vector.identity(Vector.recipient),
                                             trustedRoot: Fingerprint.root(try Vector.rootKey().publicKey), now: Vector.openAt, keyring: text)
        XCTAssertEqual(opened.sender.id, "kari")
    }

    /// The vector is refused where it must be: after its expiry, under another root, by another key.
    func testVectorRefusals() throws {
        let bundle = try Vector.bytes("bundle.cvb")
        let id = try Vector.identity(Vector.recipient)
        let trust = Fingerprint.root(try Vector.rootKey().publicKey)
        expectHandoverError(.accessDenied, "expired") { try HandoverBundle.open(bundle, identity: id, trustedRoot: trust, now: Vector.expires) }
        XCTAssertTrue(try HandoverBundle.open(bundle, identity: id, trustedRoot: trust, now: Vector.expires, allowExpired: true).openedAfterExpiry)
        expectHandoverError(.authenticationFailed, "other root") {
            try HandoverBundle.open(bundle, identity: id, trustedRoot: Fingerprint.root(try SigningSecretKey.generate().publicKey), now: Vector.openAt)
        }
        expectHandoverError(.accessDenied, "kari's key") {
            try HandoverBundle.open(bundle, identity: try Vector.identity("kari"), trustedRoot: trust, now: Vector.openAt)
        }
    }

    /// docs/parts/71-handover-example.md walks through this very vector.
    /// The whole section is rendered from the stored vector and compared; with
    /// CASEVAULT_UPDATE_DOCS=1 it is rewritten (then run scripts/make-format-doc.sh).
    func testWorkedExampleDocumentMatchesTheVector() throws {
        let bundle = try Vector.bytes("bundle.cvb")
        let opened = try HandoverBundle.open(bundle, identity: try Vector.identity(Vector.recipient),
                                             trustedRoot: Fingerprint.root(try Vector.rootKey().publicKey), now: Vector.openAt)
        let rendered = try exampleDocument(bundle: bundle, inner: try BundleSurgery.decryptInner(bundle, with: try Vector.identity(Vector.recipient)),
                                           manifest: opened.manifest)
        if ProcessInfo.processInfo.environment["CASEVAULT_UPDATE_DOCS"] == "1" { try Data(rendered.utf8).write(to: Vector.exampleDoc) }
        let doc = try String(contentsOf: Vector.exampleDoc, encoding: .utf8)
        XCTAssertEqual(doc, rendered, "docs/parts/71-handover-example.md is stale: regenerate it with scripts/regenerate-handover-vector.sh")
        XCTAssertTrue(doc.hasPrefix("### Worked example (test vector)\n"))
        for line in Self.annotatedHeader(bundle).split(separator: "\n") {
            XCTAssertTrue(doc.contains(line), "the document lacks the header line: \(line)")
        }
        let manifest = try HandoverBundle.open(bundle, identity: try Vector.identity(Vector.recipient),
                                               trustedRoot: Fingerprint.root(try Vector.rootKey().publicKey), now: Vector.openAt).manifest
        XCTAssertTrue(doc.contains(manifest.text), "the document lacks the decrypted manifest")
        let readme = try Vector.text("README.md")
        XCTAssertTrue(readme.contains("TEST KEYS ONLY"))
        XCTAssertTrue(readme.contains(Fingerprint.root(try Vector.rootKey().publicKey)))
        XCTAssertTrue(readme.contains(try Vector.identity(Vector.recipient).publicIdentity.fingerprint))
    }

    // MARK: - Helpers

    private func loadRecipientKey() throws -> SecretIdentity {
        let lines = try Vector.text("recipient-secret-key.hex").split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }
        var v: [String: [UInt8]] = [:]
        for l in lines {
            let p = l.split(separator: " ")
            v[String(p[0])] = Hex.decode(String(p[1]))
        }
        var x = try XCTUnwrap(v["x25519-secret"]), e = try XCTUnwrap(v["ed25519-seed"])
        XCTAssertEqual(x.count, 32)
        XCTAssertEqual(e.count, 32)
        let id = SecretIdentity(boxKey: try BoxSecretKey(secret: try SecureBytes(consuming: &x)), signingKey: try SigningSecretKey(seed: try SecureBytes(consuming: &e)))
        XCTAssertEqual(v["x25519-public"], id.publicIdentity.boxKey.bytes)
        XCTAssertEqual(v["ed25519-public"], id.publicIdentity.signingKey.bytes)
        return id
    }

    private func expectedJSON() throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try Vector.bytes("expected.json"))) as? [String: Any])
    }

    static func canonicalJSON(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]), as: UTF8.self)
    }

    /// `key value` lines of a manifest, header line excluded.
    static func manifestValues(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let p = line.split(separator: " ", maxSplits: 1)
            out[String(p[0])] = p.count > 1 ? String(p[1]) : ""
        }
        return out
    }

    private static func hex(_ bytes: ArraySlice<UInt8>) -> String { bytes.map { Hex.encode([$0]) }.joined(separator: " ") }

    /// The outer header as a labelled hex dump, 16 bytes a row (used in the worked example).
    static func annotatedHeader(_ b: [UInt8]) -> String {
        var rows: [String] = []
        func emit(_ range: Range<Int>, _ label: String) {
            var first = true
            for start in stride(from: range.lowerBound, to: range.upperBound, by: 16) {
                let end = min(start + 16, range.upperBound)
                let offset = String(start, radix: 16)
                let padded = String(repeating: "0", count: max(0, 4 - offset.count)) + offset
                let hexes = hex(b[start..<end])
                rows.append("\(padded)  \(hexes.padding(toLength: 48, withPad: " ", startingAt: 0))  \(first ? label : "")"
                    .trimmingCharacters(in: .whitespaces))
                first = false
            }
        }
        emit(0..<8, "magic \"CVBUNDLE\"")
        emit(8..<9, "version 2")
        emit(9..<25, "recipient_fp: the police's identity fingerprint, in the clear")
        emit(25..<57, "sealed_key[0..32]: crypto_box_seal's ephemeral X25519 public key")
        emit(57..<105, "sealed_key[32..80]: K (32 bytes) encrypted + 16-byte Poly1305 tag")
        emit(105..<129, "nonce (24 bytes) for XChaCha20-Poly1305")
        emit(129..<133, "u32 big-endian: ciphertext length (\(b.count - 133) bytes)")
        emit(133..<149, "ciphertext: first 16 bytes (the last 16 are the tag)")
        return rows.joined(separator: "\n")
    }

    // MARK: - Regeneration

    private func regenerate() throws {
        let made = try Vector.make()
        let recipient = try Vector.identity(Vector.recipient)
        let root = try Vector.rootKey()
        let fm = FileManager.default
        try fm.createDirectory(at: Vector.folder, withIntermediateDirectories: true)
        try Data(made.bytes).write(to: Vector.file("bundle.cvb"))

        let x = recipient.boxKey.withUnsafeSecretBytes { Hex.encode(Array($0)) }
        let e = recipient.signingKey.withUnsafeSeedBytes { Hex.encode(Array($0)) }
        try Data("""
            # TEST KEYS ONLY. The police recipient "\(Vector.recipient)" of the CaseVault handover test vector.
            # Derived from public labels (x25519-secret = SHA-256("\(Vector.labelPrefix)\(Vector.recipient) x25519"),
            # ed25519-seed = SHA-256("\(Vector.labelPrefix)\(Vector.recipient) ed25519")): anyone can recompute them.
            # Never use these keys, or keys made this way, for anything but tests.
            x25519-secret \(x)
            ed25519-seed \(e)
            x25519-public \(Hex.encode(recipient.publicIdentity.boxKey.bytes))
            ed25519-public \(Hex.encode(recipient.publicIdentity.signingKey.bytes))
            fingerprint \(recipient.publicIdentity.fingerprint)

            """.utf8).write(to: Vector.file("recipient-secret-key.hex"))
        try Data((Fingerprint.root(root.publicKey) + "\n").utf8).write(to: Vector.file("trusted-root-fingerprint.txt"))

        let inner = try BundleSurgery.decryptInner(made.bytes, with: recipient)
        let outer = try BundleSurgery.parseOuter(made.bytes)
        let roster = try Vector.roster()
        let kari = roster.roster.entry("kari")!, lina = roster.roster.entry("lina")!
        let expected: [String: Any] = [
            "about": "CaseVault handover bundle test vector (docs/FORMAT.md §8). Open bundle.cvb with recipient-secret-key.hex, trusting the centre root fingerprint in trusted-root-fingerprint.txt, at open_at; the result must equal manifest_text and fields.",
            "open_at": Vector.openAt.rfc3339,
            "trusted_root_fingerprint": Fingerprint.root(root.publicKey),
            "recipient_fingerprint": recipient.publicIdentity.fingerprint,
            "outer": [
                "bundle_length": made.bytes.count, "bundle_sha256": Hex.encode(SHA256.hash(made.bytes)), "magic": "CVBUNDLE", "version": 2,
                "recipient_fp": Hex.encode(outer.fingerprint), "sealed_key": Hex.encode(outer.sealedKey), "nonce": Hex.encode(outer.nonce),
                "ciphertext_length": outer.ciphertext.count,
            ] as [String: Any],
            "inner_length": inner.count,
            "inner_sha256": Hex.encode(SHA256.hash(inner)),
            "manifest_text": made.manifest.text,
            "manifest": Self.manifestValues(made.manifest.text),
            "manifest_hash": Base64.encode(made.manifest.hash),
            "sender": ["id": "kari", "fingerprint": kari.identity.fingerprint, "roles": "contact-person"],
            "approver": ["id": "lina", "fingerprint": lina.identity.fingerprint, "roles": "leader"],
            "fields": try Vector.fields().mapValues(\.jsonObject),
        ]
        try Data((try Self.canonicalJSON(expected) + "\n").utf8).write(to: Vector.file("expected.json"))
        try Data(roster.fileText.utf8).write(to: Vector.keyringFile)
        try Data(try exampleDocument(bundle: made.bytes, inner: inner, manifest: made.manifest).utf8).write(to: Vector.exampleDoc)
        print(Self.annotatedHeader(made.bytes))
        print(made.manifest.text)
    }

    /// docs/parts/71-handover-example.md, written from the vector itself.
    private func exampleDocument(bundle: [UInt8], inner: [UInt8], manifest: HandoverManifest) throws -> String {
        let parts = try BundleSurgery.Inner.parse(inner)
        let root = try Vector.rootKey().publicKey
        let recipient = try Vector.identity(Vector.recipient).publicIdentity
        // Inner layout: offsets of each part.
        var rows: [(String, Int, Int, String)] = []
        var at = 0
        func add(_ name: String, _ length: Int, prefixed: Bool, _ note: String) {
            rows.append((name, at, length + (prefixed ? 4 : 0), note))
            at += length + (prefixed ? 4 : 0)
        }
        add("`\"CVBI\\x02\"`", 5, prefixed: false, "inner magic and version")
        add("manifest", Array(parts.manifest.utf8).count, prefixed: true, "string: the manifest text below")
        add("payload", parts.payload.count, prefixed: true, "data: u32(\(manifest.fields.count)), then string(path) ‖ data(field plaintext) per field")
        add("roster", Array(parts.roster.utf8).count, prefixed: true, "string: the centre's signed roster in force at the log entry, full file text (§3)")
        add("approver_entry", Array(parts.approverEntry.utf8).count, prefixed: true, "string: lina's certified roster block (empty without approval)")
        add("approver_signature", parts.approverSignature.count, prefixed: true, "data: 64-byte Ed25519 signature (empty without approval)")
        add("policy", parts.policy.count, prefixed: true, "data: the centre's policy file in force, exact bytes (§5)")
        add("policy_signature", parts.policySignature.count, prefixed: true, "data: the raw 64-byte Ed25519 policy signature (§5), not the text `.sig` file")
        add("log_entry", parts.logEntry.count, prefixed: true, "data: the `handover.create` log entry, exact bytes (§9)")
        add("proof", parts.proof.count, prefixed: true, "data: a `c2sp.org/tlog-proof@v1` file for log_entry (§10)")
        add("sender_signature", parts.senderSignature.count, prefixed: true, "data: 64-byte Ed25519 signature")
        let table = rows.map { "| \($0.0) | \($0.1) | \($0.2) | \($0.3) |" }.joined(separator: "\n")
        let firstField = manifest.fields[0]
        let firstValue = try Vector.fields()[firstField]!.encoded()
        return """
            ### Worked example (test vector)

            The files in `Tests/CaseVaultCoreTests/Fixtures/handover-vector/` hold one police bundle made by
            this project's own `HandoverBundle.seal` with fixed test keys, and
            `Keys/test-vector-keyring.txt` holds the signed roster of the (fictitious) centre that made
            it. `HandoverVectorTests` opens the vector on every test run;
            `scripts/regenerate-handover-vector.sh` writes the vector, the keyring and this section anew.
            The payload key and the nonces are random, so only the outer layer's bytes change when
            the vector is regenerated: the decrypted inner part (\(inner.count) bytes, SHA-256
            `\(Hex.encode(SHA256.hash(inner)))`) is the same every time, because Ed25519 signatures are deterministic.
            The centre's log before the handover holds two entries with fixed times (`vault.init` by
            lina, `case.create` by kari), so the handover's entry has index 2 and the checkpoint size 3.

            **The keys (TEST KEYS ONLY).** Every secret is the SHA-256 of a public label, so anyone can
            recompute it: `SHA-256("casevault test vector: " ‖ label)`, labels `centre root` (the centre
            root's Ed25519 seed), `lina x25519` / `lina ed25519` (the approving leader), `kari x25519` /
            `kari ed25519` (the sender, a contact person) and `politi-ost x25519` / `politi-ost ed25519`
            (the recipient, a police district). The X25519 secret and the Ed25519 seed are those 32 bytes
            as they are. The vault id is the first 16 bytes of `SHA-256("casevault test vector: vault id")`,
            the case id the first 10 of `… case id`, the bundle id the first 16 of `… bundle id`.

            - centre root fingerprint (what the police trust): `\(Fingerprint.root(root))`
            - recipient fingerprint (`politi-ost`): `\(recipient.fingerprint)`

            **Outer layer** (\(bundle.count) bytes). Offsets in hex:

            ```
            \(Self.annotatedHeader(bundle))
            ```

            The ciphertext runs from offset 0x85 to the end of the file (\(bundle.count - 133) bytes = the
            \(inner.count)-byte inner part + 16 bytes of tag); nothing may follow it.

            **Inner layer** after decryption (offsets in decimal):

            | part | offset | bytes (with length prefix) | content |
            |---|---|---|---|
            \(table)

            The payload's first field is `\(firstField)`: `string(path)` then `data(\(Hex.encode(firstValue)))`,
            the field plaintext of §6 (tag `0x01`, UTF-8 text).

            **The decrypted manifest** (what the sender and the leader signed):

            ```
            \(manifest.text)```

            Its hash, quoted by the receipt and named by the log entry, is
            `BLAKE2b-256("casevault/v1/handover-manifest\\0" ‖ manifest)` = `\(Base64.encode(manifest.hash))` (base64),
            `\(Hex.encode(manifest.hash))` (hex).

            **The carried roster** (`roster`; the centre name the recipient shows is its `centre` line):

            ```
            \(parts.roster)```

            **The log entry** (`log_entry`):

            ```
            \(String(decoding: parts.logEntry, as: UTF8.self))```

            **The inclusion proof** (`proof`):

            ```
            \(String(decoding: parts.proof, as: UTF8.self))```

            **Verification, in order** (each step refuses the bundle on failure, and nothing is shown
            before the last one):

            1. Outer layout: magic `CVBUNDLE`, version `0x02` (a version `0x01` bundle is refused with
               "ask the sender to send it again with a current CaseVault"), the 16 + 80 + 24 bytes, `u32`
               length, the ciphertext, and no trailing bytes.
            2. `recipient_fp` (offset 0x09) equals the reader's own fingerprint
               `BLAKE2b-256("casevault/v1/identity-fingerprint\\0" ‖ x25519_pk ‖ ed25519_pk)[0..16]`,
               here `\(recipient.fingerprint)`; otherwise "addressed to another recipient".
            3. `K = crypto_box_seal_open(sealed_key, x25519_pk, x25519_sk)` (bytes 0x19–0x68).
            4. `inner = crypto_aead_xchacha20poly1305_ietf_decrypt(ciphertext, ad = bytes 0x00–0x80, nonce, K)`.
               A failure in steps 3–4 is tampering.
            5. Parse the inner layer strictly (table above; no trailing bytes) and the manifest
               canonically (20 lines in the fixed order, LF only, re-serialised text equal).
            6. `roster`: its `root` key's fingerprint
               `BLAKE2b-256("casevault/v1/root-fingerprint\\0" ‖ root_pk)[0..16]` equals the trusted
               `\(Fingerprint.root(root))`; the roster parses canonically (§3), its `signature` verifies as
               `Ed25519(root, "casevault/v1/roster\\0" ‖ text before the signature line)` and every entry's
               certificate verifies; its `vault` and `serial` equal the manifest's `vault` and `roster-serial`.
               When the reader's state remembers a newer roster serial for this centre, the bundle is refused.
            7. `sender`: a `member` on the roster, not revoked, added at or before `created`.
            8. `sender_signature` verifies under the sender's `sign-key` over `"casevault/v2/handover\\0" ‖ manifest`.
            9. `recipient-fingerprint` is the reader's own and the roster lists `recipient` with the reader's
               keys and the manifest's `recipient-role` (a bundle re-wrapped for someone else fails here).
            10. `policy_signature` (raw 64 bytes) verifies under the roster's root over
                `"casevault/v1/policy\\0" ‖ vault_id(16 bytes) ‖ policy`; the policy parses (§5); its serial
                equals `policy-serial`; its `handover` rule for `recipient-role` lists one of the sender's
                roles (a resident, the auditor or the night shift are refused here); its
                `approval-required` lists the role exactly when the manifest says `approval-required yes`.
            11. `approver_entry` (when present, and required when approval is): certificate as
                `Ed25519(root, "casevault/v1/roster-entry\\0" ‖ vault_id ‖ block)`, role `leader`, not the
                sender, listed on the roster with the same keys, active at `created`; `approver_signature`
                verifies over `"casevault/v2/handover-approval\\0" ‖ manifest`.
            12. `log_entry` parses (§9) and its signature verifies; `vault`, `index` = `log-index`,
                `actor` = `sender`, `key` = the sender's `sign-key`, `action handover.create`, `case`,
                `fields` and `time` = `created` equal the manifest's (a backdated `created` fails here); its
                `detail` is exactly `approved-by` (when approved), `basis`, `bundle`, `manifest` (the hex
                manifest hash), `policy` (= `policy-serial`), `recipient`, `role`, `roster` (= the roster's
                serial), `roster-hash` (hex `BLAKE2b-256("casevault/v2/roster-hash\\0" ‖ roster)`) and `version`.
            13. `proof` parses as a tlog-proof; its `index` is `log-index`; the checkpoint's origin is
                `casevault.invalid/log/<vault hex>` and it carries a valid signature by a non-revoked member
                of the roster under the key name `casevault.invalid/member/<vault hex>/<member id>`; the
                RFC 6962 inclusion proof leads from `SHA-256(0x00 ‖ log_entry)` at `index` to its root hash.
            14. Optional, given `Keys/test-vector-keyring.txt` (the centre's current signed roster, checked
                under the same root, serial not older than the carried one): the sender and approver are
                listed with the same keys and not revoked at all.
            15. `payload` equals `base64(BLAKE2b-256("casevault/v1/handover-payload\\0" ‖ payload))`, the
                payload's paths, in order, equal `fields`, and the policy lets `police` read every one of them.
            16. `expires 2099-01-01T00:00:00Z` has not passed (the test opens at \(Vector.openAt.rfc3339)).

            Then the \(manifest.fields.count) fields are shown; `expected.json` lists them with the manifest,
            and the fixture's README shows the same steps as calls to a libsodium binding.

            """
    }
}
