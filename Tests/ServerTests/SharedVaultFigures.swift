@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import CaseVaultSync
import Foundation
import XCTest

/// Figures for the README, not a timed test: scripts/test.sh skips it (`--skip SharedVaultFigures`);
/// by hand, with the number of cases:
/// `CASEVAULT_TEST_POSTGRES=… CASEVAULT_SERVER_FIGURES=2000 swift test --skip-build --filter SharedVaultFigures`
final class SharedVaultFigures: XCTestCase {
    func testPublishJoinAndConcurrentWriters() throws {
        guard let n = ProcessInfo.processInfo.environment["CASEVAULT_SERVER_FIGURES"].flatMap(Int.init), n > 0 else {
            return XCTFail("set CASEVAULT_SERVER_FIGURES=N (cases) to measure")
        }
        let t = try TestVault()
        let kari = try t.session("kari")
        var clock = ContinuousClock.now
        for _ in 0..<n { _ = try kari.createCase(recordText: SharedWorld.smallCase) }
        let made = ContinuousClock.now - clock
        clock = .now
        let s = try SharedWorld(world: t)
        let published = ContinuousClock.now - clock
        clock = .now
        let replica = try s.join("karl")
        let joined = ContinuousClock.now - clock
        let rows = try replica.replicaRows().count

        // Ten workstations, each writing 5 cases through pull, write, push (retrying when overtaken).
        let writers = 10, each = 5
        let replicas = try (0..<writers).map { _ in try s.join("kari") }
        let attempts = Box<Int>()
        attempts.value = 0
        clock = .now
        DispatchQueue.concurrentPerform(iterations: writers) { i in
            for _ in 0..<each {
                let a = (try? s.command(on: replicas[i], as: "kari") { _ = try $0.createCase(recordText: SharedWorld.smallCase) }) ?? 99
                attempts.value = (attempts.value ?? 0) + a
            }
        }
        let wrote = ContinuousClock.now - clock
        let pushes = writers * each
        // A new workstation pulls the vault the ten wrote to.
        clock = .now
        let late = try s.join("karl")
        let joinedAfter = ContinuousClock.now - clock
        print("""
            figures: \(n) cases made locally in \(made); published (\(rows) rows) in \(published); a new workstation joined in \(joined)
            figures: \(writers) workstations × \(each) case writes: \(pushes) pushes in \(wrote) \
            (\(String(format: "%.1f", Double(pushes) / (Double(wrote.components.seconds) + Double(wrote.components.attoseconds) / 1e18))) pushes/s), \
            \(attempts.value ?? 0) attempts
            figures: after them a new workstation joined (\(try late.replicaRows().count) rows) in \(joinedAfter)
            """)
    }
}
