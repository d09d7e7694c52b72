@testable import CaseVaultAgent
@testable import CaseVaultCore
import SodiumKit
import XCTest

/// What the agent hands out, with an injected clock and an injected log: keys only for a case
/// whose opening is logged, at most so many cases a minute, and never a 32-byte secret from a box.
final class AgentKeyReleaseTests: XCTestCase {
    let clock = AgentTestClock()
    let member = try! SecretIdentity.generate(withCentreRoot: false)
    let vaultID = VaultID.random()
    /// Cases whose opening the fake log holds.
    var logged: Set<CaseID> = []

    func service() -> AgentService {
        AgentService(keys: member, keyPath: "/home/nils/nils.key", idleTimeout: 900, maxLifetime: 3600, clock: clock, keyFileProblem: { _ in nil },
                     openingIsLogged: { [unowned self] r, _, _, _ in logged.contains(r.caseID) },
                     logOpenings: { [unowned self] _, caseIDs, _, _ in
                         logged.formUnion(caseIDs)
                         return Dictionary(uniqueKeysWithValues: caseIDs.enumerated().map { ($1, UInt64($0)) })
                     })
    }

    /// A request for one class key sealed to the member, and the key it holds.
    func request(_ caseID: CaseID, commitTo key: SymmetricKey? = nil) throws -> (CaseKeyRequest, SymmetricKey) {
        let classKey = try SymmetricKey(secret: try SecureBytes.random(count: 32))
        let ref = CaseVersion.KeyRef(generation: 1, index: 0)
        let box = try SealedBox.seal(classKey, to: member.boxKey.publicKey)
        let commitment = CaseVersion.commitment(to: key ?? classKey, vault: vaultID, caseID: caseID, ref: ref, format: 2)
        let item = CaseKeyRequest.Item(ref: ref, format: 2, commitment: commitment, box: box, roleLabel: "")
        return (CaseKeyRequest(vaultDirectory: "/vault", vaultID: vaultID, caseID: caseID, items: [item], roleSeeds: []), classKey)
    }

    func keys(_ reply: AgentService.Reply, count: Int) throws -> [SymmetricKey?] {
        guard case let .secret(s) = reply else { XCTFail("expected keys, got \(reply)"); return [] }
        return try AgentClient.Opener.caseKeys(s, count: count)
    }

    func testCaseKeysOnlyAfterTheOpeningIsLogged() throws {
        let s = service(), caseID = CaseID.random()
        let (r, classKey) = try request(caseID)
        guard case .unlogged = s.handle(AgentWire.request(.openCaseKeys, r.encoded())) else { return XCTFail("keys of an unlogged case") }
        let opening = AgentWire.boxList([Array("/vault".utf8), Array(caseID.hex.utf8)])
        guard case .ok = s.handle(AgentWire.request(.logCaseOpening, opening)) else { return XCTFail("opening not logged") }
        let got = try keys(s.handle(AgentWire.request(.openCaseKeys, r.encoded())), count: 1)
        let key = try XCTUnwrap(got.first ?? nil)
        XCTAssertEqual(key.withUnsafeBytes { Array($0) }, classKey.withUnsafeBytes { Array($0) })
    }

    func testAKeyThatDoesNotMatchItsCommitmentIsWithheld() throws {
        let s = service(), caseID = CaseID.random()
        logged.insert(caseID)
        // The box holds some 32-byte secret (a seed, say); the commitment names another key.
        let (r, _) = try request(caseID, commitTo: try SymmetricKey(secret: try SecureBytes.random(count: 32)))
        XCTAssertNil(try keys(s.handle(AgentWire.request(.openCaseKeys, r.encoded())), count: 1)[0])
    }

    func testBulkOpeningIsRefusedPastTheLimitUntilTheNextMinute() throws {
        let s = service()
        clock.seconds = 1_800_000_020
        for i in 0...OpeningRate.perMinute {
            let caseID = CaseID.random()
            logged.insert(caseID)
            let reply = s.handle(AgentWire.request(.openCaseKeys, try request(caseID).0.encoded()))
            if i < OpeningRate.perMinute {
                guard case .secret = reply else { return XCTFail("case \(i) refused: \(reply)") }
            } else {
                guard case let .refused(m) = reply else { return XCTFail("case \(i) opened past the limit") }
                XCTAssertTrue(m.contains("bulk opening"), m)
            }
        }
        clock.seconds += 60
        let caseID = CaseID.random()
        logged.insert(caseID)
        guard case .secret = s.handle(AgentWire.request(.openCaseKeys, try request(caseID).0.encoded())) else { return XCTFail("refused a minute later") }
    }

    func testNoThirtyTwoByteSecretComesOutOfAGenericBox() throws {
        let s = service()
        let seed = try SealedBox.seal(try SecureBytes.random(count: 32), to: member.boxKey.publicKey)
        guard case let .refused(m) = s.handle(AgentWire.request(.openSealedBox, seed)) else { return XCTFail("a seed came out") }
        XCTAssertTrue(m.contains("no key"), m)
        let other = try SealedBox.seal(try SecureBytes.random(count: 20), to: member.boxKey.publicKey)
        guard case .refused = s.handle(AgentWire.request(.openSealedBoxes, AgentWire.boxList([other, seed]))) else { return XCTFail("a seed came out in a list") }
    }

    /// A sealed list index holds aliases: the generic box requests withhold it, and its own
    /// request returns it only after logging the opening of every case it shows.
    func testAListIndexOpensOnlyThroughItsLoggingRequest() throws {
        let s = service()
        let shown = CaseID.random(), unreached = CaseID.random()
        var index = ListIndex(scope: .init(vaultID: vaultID, listing: "list", anchorSerial: 0, rosterSerial: 1, policySerial: 1))
        index.entries[shown] = .init(version: 3, hash: Array(repeating: 0xab, count: 32), reached: true, updated: Timestamp(seconds: 0),
                                     assignments: [.init(member: "kari", role: "contact-person")], glance: ["person.alias": .text("Blåklokke")])
        index.entries[unreached] = .init(version: 1, hash: Array(repeating: 0xcd, count: 32), reached: false, updated: Timestamp(seconds: 0),
                                         assignments: [], glance: [:])
        let sealed = try SealedBox.seal(try index.plaintext.withUnsafeBytes { try SecureBytes(copying: $0) }, to: member.boxKey.publicKey)
        guard case .refused = s.handle(AgentWire.request(.openSealedBox, sealed)) else { return XCTFail("an index came out of a generic box") }
        guard case .refused = s.handle(AgentWire.request(.openSealedBoxes, AgentWire.boxList([sealed]))) else { return XCTFail("an index came out in a list") }
        XCTAssertTrue(logged.isEmpty)
        guard case let .secret(out) = s.handle(AgentWire.request(.openListIndex, AgentWire.boxList([Array("/vault".utf8), sealed]))) else {
            return XCTFail("the index did not open through its own request")
        }
        XCTAssertEqual(out.withUnsafeBytes { Array($0) }, index.plaintext)
        XCTAssertEqual(logged, [shown], "the opening of the case it shows is logged, and only that one")
        let notIndex = try SealedBox.seal(try Array("a reason\n".utf8).withUnsafeBytes { try SecureBytes(copying: $0) }, to: member.boxKey.publicKey)
        guard case .failed = s.handle(AgentWire.request(.openListIndex, AgentWire.boxList([Array("/vault".utf8), notIndex]))) else {
            return XCTFail("another box came out through the index request")
        }
    }

    func testAMessageKeyComesOutOnlyWithAProofOfAnAdmittedPurpose() throws {
        let s = service()
        let key = try SecureBytes.random(count: 32)
        let sealed = try SealedBox.seal(key, to: member.boxKey.publicKey)
        let nonce = Random.bytes(24)
        let ct = try XChaCha20Poly1305.seal([1, 2, 3], key: try SymmetricKey(secret: key), nonce: nonce, associatedData: ReasonSeal.textAD)
        guard case let .secret(out) = s.handle(AgentWire.request(.openSealedKey, AgentWire.boxList([sealed, nonce, ct, ReasonSeal.textAD]))) else {
            return XCTFail("the reason key was withheld")
        }
        XCTAssertTrue(out.constantTimeEquals(key))
        // Another purpose (a field's associated data, say) is refused; a proof that does not decrypt fails.
        let fieldAD = Array("casevault/v2/field".utf8)
        guard case .refused = s.handle(AgentWire.request(.openSealedKey, AgentWire.boxList([sealed, nonce, ct, fieldAD]))) else { return XCTFail("any purpose admitted") }
        let seed = try SealedBox.seal(try SecureBytes.random(count: 32), to: member.boxKey.publicKey)
        guard case .failed = s.handle(AgentWire.request(.openSealedKey, AgentWire.boxList([seed, nonce, ct, ReasonSeal.textAD]))) else {
            return XCTFail("a seed came out with a forged proof")
        }
    }

    func testTheAgentSignsNoOpeningEntryForOthers() {
        let s = service()
        let entry = LogEntry.signatureDomain + Array("casevault-log-entry v1\nvault 00\nindex 1\ntime t\nactor nils\nkey k\naction case.open\ncase -\n".utf8)
        guard case .refused = s.handle(AgentWire.request(.sign, entry)) else { return XCTFail("signed a case.open entry") }
        let read = LogEntry.signatureDomain + Array("casevault-log-entry v1\naction case.read\n".utf8)
        guard case .ok = s.handle(AgentWire.request(.sign, read)) else { return XCTFail("refused another entry") }
    }
}
