@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import Foundation
import SodiumKit
import XCTest

/// The vault's clock: injected for tests, and fixed through `CASEVAULT_TEST_TIME` only for a
/// test vault, never for a production one.
final class VaultClockTests: XCTestCase {
    private var folders: [String] = []

    override func tearDown() {
        unsetenv(TestClockOverride.variable)
        for f in folders { try? FileManager.default.removeItem(atPath: f) }
    }

    private func makeVault(testVault: Bool, clock: (any VaultClock)? = nil) throws -> Vault {
        setenv("CASEVAULT_TEST_INSECURE_KDF", "1", 1)
        let dir = NSTemporaryDirectory() + "casevault-clock-" + UUID().uuidString
        folders.append(dir)
        return try Vault.create(at: dir, centreName: "Klokkesenteret", testVault: testVault, leaderID: "lina", leaderName: "Lina Leder",
                                leader: try SecretIdentity.generate(withCentreRoot: true), clock: clock)
    }

    func testAnInjectedClockDatesWhatTheVaultWrites() throws {
        let fixed = Timestamp(seconds: 1_900_000_000)
        let vault = try makeVault(testVault: false, clock: FixedClock(fixed))
        XCTAssertEqual(try vault.roster().issued, fixed)
        XCTAssertEqual(try vault.roster().entry("lina")?.added, fixed)
    }

    func testTheEnvironmentOverrideFixesATestVaultsClock() throws {
        let fixed = Timestamp(seconds: 1_800_000_000)
        setenv(TestClockOverride.variable, fixed.rfc3339, 1)
        let vault = try makeVault(testVault: true)
        XCTAssertEqual(try vault.roster().issued, fixed)
        XCTAssertEqual(try Vault.open(at: vault.directory).clock.now(), fixed, "reopened, the test vault still follows the variable")
    }

    func testAProductionVaultIgnoresTheEnvironmentOverride() throws {
        setenv(TestClockOverride.variable, Timestamp(seconds: 1_800_000_000).rfc3339, 1)
        let before = Timestamp.now()
        let vault = try makeVault(testVault: false)
        XCTAssertGreaterThanOrEqual(try vault.roster().issued, before, "a production vault reads the system clock")
        XCTAssertGreaterThanOrEqual(try Vault.open(at: vault.directory).clock.now(), before)
    }
}
