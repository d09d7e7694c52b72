import AccessPolicy
@testable import CaseVaultCore
import CaseVaultSamples
import Foundation
import GRDB
import SodiumKit
import XCTest

/// A test vault holding the fully filled sample case and one recipient of each external role.
final class HandoverWorld {
    static let police = "politi-ost"
    static let housing = "nyby-bolig"
    static let nav = "nav-nyby"
    static let purpose = "Sikkerhetstiltak ved ny bolig (§ 4 b), sak HOV-7731"

    let t: TestVault
    let caseID: CaseID

    init(startingAt: Timestamp? = nil, record: String = SampleCase.yaml) throws {
        t = try TestVault(startingAt: startingAt)
        _ = try t.addRecipient(Self.police, role: .police)
        _ = try t.addRecipient(Self.housing, role: .housingOffice)
        _ = try t.addRecipient(Self.nav, role: .nav)
        caseID = try t.sampleCase(yaml: record)
    }

    var vault: Vault { t.vault }
    var trust: String { t.vault.rootFingerprint }
    func identity(_ id: String) -> SecretIdentity { t.identity(id) }
    func session(_ id: String) throws -> Session { try t.session(id) }

    static func role(of recipient: String) -> Role {
        switch recipient {
        case police: .police
        case housing: .housingOffice
        default: .nav
        }
    }

    func request(to recipient: String, includeAddress: Bool = false, expires: Timestamp? = nil,
                 purpose: String = HandoverWorld.purpose, fields: [String]? = nil) -> HandoverRequest {
        HandoverRequest(caseID: caseID, recipientID: recipient, purpose: purpose, basis: .consent,
                        consentReference: Self.consent(for: recipient), expires: expires, includeAddress: includeAddress, fields: fields)
    }

    /// The sample case's consent whose scope covers the recipient's role.
    static func consent(for recipient: String) -> String {
        switch role(of: recipient) {
        case .police: "SAM-2026-014"
        case .housingOffice: "SAM-2026-015"
        default: "SAM-2026-016"
        }
    }

    /// A bundle made through the library, by `sender`; police bundles are approved by the leader.
    func create(to recipient: String, includeAddress: Bool = false, expires: Timestamp? = nil, sender: String = "kari",
                purpose: String = HandoverWorld.purpose, fields: [String]? = nil) throws -> (bytes: [UInt8], manifest: HandoverManifest, withheld: Int) {
        let approver = Self.role(of: recipient) == .police ? identity("lina") : nil
        return try session(sender).createHandover(request(to: recipient, includeAddress: includeAddress, expires: expires, purpose: purpose, fields: fields),
                                                  approver: approver)
    }

    func open(_ bytes: [UInt8], as recipient: String, now: Timestamp = .now(), allowExpired: Bool = false,
              keyring: String? = nil, seen: RecipientMemory.Centre? = nil) throws -> OpenedBundle {
        try HandoverBundle.open(bytes, identity: identity(recipient), trustedRoot: trust, now: now, allowExpired: allowExpired, keyring: keyring,
                                seen: seen)
    }

    /// The vault's current signed roster and policy, as a forger holding a copy of the vault has them.
    func standalone(priorLog: [[UInt8]]? = nil) throws -> StandaloneHandover {
        let state = try vault.state()
        return StandaloneHandover(roster: try XCTUnwrap(state.rosters.last), policy: try vault.signedPolicy(),
                                  priorLog: try priorLog ?? rawLogEntries())
    }

    /// A bundle crafted with the core's building blocks by `sender` (their own key), appended
    /// to a copy of the vault's log and checkpointed by the sender, as a vault would.
    func forge(to recipient: String, sender: String, fields: [String: FieldValue] = HandoverWorld.policeFields,
               created: Timestamp? = nil, maker: StandaloneHandover? = nil) throws -> (bytes: [UInt8], manifest: HandoverManifest) {
        let approver = Self.role(of: recipient) == .police ? try signer("lina") : nil
        let maker = try maker ?? standalone()
        let draft = try manifest(to: recipient, sender: sender, created: created ?? vault.clock.now())
        return try maker.make(draft, fields: fields.filter { FieldCatalog.pattern(ofPath: $0.key).map { p in
            try! vault.policy().readablePatterns(for: Self.role(of: recipient)).contains(p) } ?? false },
            sender: identity(sender).signingKey, approver: approver, recipient: try certifiedEntry(recipient).identity)
    }

    /// The exported, signed keyring (what the centre hands a recipient to check revocations).
    func keyringText() throws -> String {
        try String(contentsOfFile: t.vault.directory + "/Keys/keyring.txt", encoding: .utf8)
    }

    func certifiedEntry(_ id: String) throws -> RosterEntry { try XCTUnwrap(try t.vault.roster().entry(id)) }

    func signer(_ id: String) throws -> HandoverBundle.Signer {
        HandoverBundle.Signer(entry: try certifiedEntry(id), key: identity(id).signingKey)
    }

    /// Rows of one table, read straight from the SQLite file.
    func rawLogEntries() throws -> [[UInt8]] {
        var c = Configuration()
        c.readonly = true
        c.busyMode = .timeout(10)
        let q = try DatabaseQueue(path: t.databasePath, configuration: c)
        defer { try? q.close() }
        return try q.read { db in try Data.fetchAll(db, sql: "SELECT entry FROM log_entries ORDER BY idx").map { [UInt8]($0) } }
    }

    func count(_ sql: String) throws -> Int {
        var c = Configuration()
        c.readonly = true
        c.busyMode = .timeout(10)
        let q = try DatabaseQueue(path: t.databasePath, configuration: c)
        defer { try? q.close() }
        return try q.read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }

    /// A manifest like the ones `createHandover` writes, for hand-built bundles.
    func manifest(to recipient: String, sender: String = "kari", created: Timestamp = .now(), expires: Timestamp? = nil,
                  approvalRequired: Bool? = nil, caseVersion: UInt64 = 4) throws -> HandoverManifest {
        let entry = try certifiedEntry(recipient)
        let role = Self.role(of: recipient)
        return HandoverManifest(
            bundleID: Hex.encode(Random.bytes(16)), vaultID: vault.vaultID, caseID: caseID, caseVersion: caseVersion, sender: sender, recipient: recipient, recipientRole: role,
            recipientFingerprint: entry.identity.fingerprint, purpose: Self.purpose, basis: .consent, consentReference: "SAM-2026-014",
            approvalRequired: approvalRequired ?? (role == .police), created: created, expires: expires,
            logIndex: 0, rosterSerial: 0, policySerial: 0, fields: [], payloadHash: [])
    }

    /// A small payload the police may read.
    static let policeFields: [String: FieldValue] = [
        "person.alias": .text("Blåklokke"),
        "threats[0].perpetrators[0].name": .text("Ola Fiktiv Voldsen"),
        "threats[0].perpetrators[0].weapons_access": .bool(true),
    ]
}

/// Takes bundles apart and puts them back together, the way an attacker (or a forwarding
/// recipient) could: the outer layer is anonymous public-key encryption, so anyone holding a
/// recipient's public key can wrap any inner part they know for that recipient.
enum BundleSurgery {
    static let headerLength = 8 + 1 + 16 + 80 + 24

    struct Outer {
        var magic: [UInt8]
        var version: UInt8
        var fingerprint: [UInt8]
        var sealedKey: [UInt8]
        var nonce: [UInt8]
        var ciphertext: [UInt8]
        var header: [UInt8]
    }

    static func parseOuter(_ bytes: [UInt8]) throws -> Outer {
        var r = ByteReader(bytes)
        let magic = try r.raw(8), version = try r.u8(), fp = try r.raw(16), sealed = try r.raw(80), nonce = try r.raw(24)
        let header = Array(bytes.prefix(r.offset))
        let ct = try r.data(max: 1 << 28)
        try r.expectEnd()
        return Outer(magic: magic, version: version, fingerprint: fp, sealedKey: sealed, nonce: nonce, ciphertext: ct, header: header)
    }

    /// The inner part, decrypted with the recipient's key.
    static func decryptInner(_ bytes: [UInt8], with identity: SecretIdentity) throws -> [UInt8] {
        let outer = try parseOuter(bytes)
        let key = try SymmetricKey(secret: try SealedBox.open(outer.sealedKey, with: identity.boxKey))
        let inner = try XChaCha20Poly1305.open(outer.ciphertext, key: key, nonce: outer.nonce, associatedData: outer.header)
        return inner.withUnsafeBytes { Array($0) }
    }

    /// Wraps an inner part for `recipient` exactly as `HandoverBundle.seal` does (magic and version overridable).
    static func sealOuter(_ inner: [UInt8], to recipient: PublicIdentity, magic: [UInt8] = HandoverBundle.magic,
                          version: UInt8 = HandoverBundle.version, fingerprint: [UInt8]? = nil) throws -> [UInt8] {
        let key = try SymmetricKey.generate()
        let nonce = XChaCha20Poly1305.randomNonce()
        var w = ByteWriter()
        w.raw(magic)
        w.u8(version)
        w.raw(fingerprint ?? PublicIdentity.fingerprintBytes(boxKey: recipient.boxKey.bytes, signingKey: recipient.signingKey.bytes))
        w.raw(try SealedBox.seal(key, to: recipient.boxKey))
        w.raw(nonce)
        let ct = try XChaCha20Poly1305.seal(inner, key: key, nonce: nonce, associatedData: w.bytes)
        w.data(ct)
        return w.bytes
    }

    struct Inner {
        var magic: [UInt8] = HandoverBundle.innerMagic
        var manifest: String
        var payload: [UInt8]
        var roster: String
        var approverEntry: String
        var approverSignature: [UInt8]
        var policy: [UInt8]
        var policySignature: [UInt8]
        var logEntry: [UInt8]
        var proof: [UInt8]
        var senderSignature: [UInt8]
        /// A version-3 inner part's documents (`CVBI\x03`): blob id and stored stream, in order.
        var attachments: [(blobID: [UInt8], stream: [UInt8])]? = nil

        static func parse(_ bytes: [UInt8]) throws -> Inner {
            var r = ByteReader(bytes)
            let magic = try r.raw(5), manifest = try r.string(max: 1 << 20), payload = try r.data(max: 1 << 27)
            var attachments: [(blobID: [UInt8], stream: [UInt8])]?
            if magic == Array("CVBI\u{3}".utf8) {
                var found: [(blobID: [UInt8], stream: [UInt8])] = []
                for _ in 0..<Int(try r.u32()) { found.append((blobID: try r.raw(16), stream: try r.data(max: 1 << 26))) }
                attachments = found
            }
            var inner = Inner(magic: magic, manifest: manifest, payload: payload,
                              roster: try r.string(max: 1 << 22), approverEntry: try r.string(), approverSignature: try r.data(),
                              policy: try r.data(max: 1 << 20), policySignature: try r.data(), logEntry: try r.data(), proof: try r.data(),
                              senderSignature: try r.data())
            inner.attachments = attachments
            try r.expectEnd()
            return inner
        }

        var encoded: [UInt8] {
            var w = ByteWriter()
            w.raw(magic)
            w.string(manifest)
            w.data(payload)
            if let attachments {
                w.u32(UInt32(attachments.count))
                for a in attachments {
                    w.raw(a.blobID)
                    w.data(a.stream)
                }
            }
            w.string(roster)
            w.string(approverEntry)
            w.data(approverSignature)
            w.data(policy)
            w.data(policySignature)
            w.data(logEntry)
            w.data(proof)
            w.data(senderSignature)
            return w.bytes
        }

        /// Re-signs the manifest with the sender's (and, when given, the approver's) key.
        mutating func resign(sender: SigningSecretKey, approver: SigningSecretKey? = nil) {
            senderSignature = sender.signature(for: HandoverBundle.senderDomain + Array(manifest.utf8))
            if let approver { approverSignature = approver.signature(for: HandoverBundle.approvalDomain + Array(manifest.utf8)) }
        }
    }

    static func payload(_ fields: [String: FieldValue]) -> [UInt8] { HandoverBundle.encodePayload(fields) }
}

/// Asserts that `body` throws a `VaultError` of `kind` (any kind when nil) and returns it.
@discardableResult
func expectHandoverError<T>(_ kind: VaultError.Kind?, _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line,
                         _ body: () throws -> T) -> VaultError? {
    do {
        _ = try body()
        XCTFail("expected a refusal (\(kind.map { "\($0)" } ?? "any")), but it succeeded. \(message())", file: file, line: line)
        return nil
    } catch let e as VaultError {
        if let kind { XCTAssertEqual(e.kind, kind, "\(message()) — got: \(e.message)", file: file, line: line) }
        return e
    } catch {
        XCTFail("expected a VaultError, got \(error). \(message())", file: file, line: line)
        return nil
    }
}
