import AccessPolicy
@testable import CaseVaultCore
import CaseVaultSamples
import Foundation
import SodiumKit
import XCTest

/// A throwaway test vault with one member per in-house role, for tests that need a real vault.
/// Key files are not written: identities live in memory, sessions come straight from them.
final class TestVault {
    let directory: String
    let vault: Vault
    let leader: SecretIdentity
    /// The vault's clock: advance it instead of waiting for time to pass.
    let clock: TestClock
    private(set) var identities: [String: SecretIdentity] = [:]

    /// Member id → roles. The contact person `kari` creates cases; the others are assigned as needed.
    static let staff: [(id: String, roles: [Role])] = [
        ("kari", [.contactPerson]), ("karl", [.contactPerson]), ("cecilie", [.childContact]),
        ("nils", [.nightShift]), ("anne", [.auditor]),
    ]
    /// The resident: on no roster; `sampleCase()` binds her key to the case under a pseudonym.
    static let resident = "rita"
    /// The pseudonym of the resident's binding, once `sampleCase()` made it.
    private(set) var residentPseudonym: String?

    /// `startingAt` freezes the clock at that time before the vault exists, so everything it
    /// dates (roster, log, versions) happens then; otherwise the clock runs.
    init(testVault: Bool = true, startingAt: Timestamp? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
        clock = startingAt.map(TestClock.init(frozenAt:)) ?? TestClock()
        setenv("CASEVAULT_TEST_INSECURE_KDF", "1", 1)
        directory = NSTemporaryDirectory() + "casevault-test-" + UUID().uuidString
        leader = try SecretIdentity.generate(withCentreRoot: true)
        vault = try Vault.create(at: directory, centreName: "Testsenteret", testVault: testVault,
                                 leaderID: "lina", leaderName: "Lina Leder", leader: leader, clock: clock)
        identities["lina"] = leader
        let root = try session("lina")
        for (id, roles) in Self.staff {
            let identity = try SecretIdentity.generate()
            _ = try root.addMember(id: id, name: id.capitalized, roles: roles, identity: identity.publicIdentity)
            identities[id] = identity
        }
        identities[Self.resident] = try SecretIdentity.generate()
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    func identity(_ id: String) -> SecretIdentity { identities[id]! }

    /// Keeps the identity of a member a test added itself, so `session(id)` finds it.
    func remember(_ id: String, _ identity: SecretIdentity) { identities[id] = identity }

    func session(_ id: String) throws -> Session { try Session(vault: vault, identity: identities[id]!) }

    /// Adds an external recipient (police, housing office, NAV) and returns its secret identity.
    func addRecipient(_ id: String, role: Role) throws -> SecretIdentity {
        let identity = try SecretIdentity.generate()
        _ = try session("lina").addRecipient(id: id, name: id.capitalized, role: role, identity: identity.publicIdentity)
        identities[id] = identity
        return identity
    }

    /// Creates the fully filled sample case as `kari`, assigning cecilie (child contact) and binding a resident's key.
    /// `yaml` replaces the sample (for a vault whose clock stands before the sample's dates).
    func sampleCase(yaml: String = SampleCase.yaml) throws -> CaseID {
        let kari = try session("kari")
        let id = try kari.createCase(recordText: yaml)
        try kari.assign(id, memberID: "cecilie", role: .childContact)
        // A resident key is bound to one case: rita is the first sample case's resident, later ones get their own.
        if residentPseudonym == nil {
            residentPseudonym = try kari.addResident(id, identity: identity(Self.resident).publicIdentity).pseudonym
        } else {
            _ = try kari.addResident(id, identity: try SecretIdentity.generate().publicIdentity)
        }
        return id
    }

    /// The id that stands for `id` in versions and log entries: the resident's pseudonym for her.
    func storedID(_ id: String) -> String { id == Self.resident ? residentPseudonym ?? id : id }

    /// The test's name for a stored id: the resident's pseudonym reads as her name.
    func testID(_ stored: String) -> String { stored == residentPseudonym ? Self.resident : stored }

    var databasePath: String { directory + "/vault.sqlite" }
}
