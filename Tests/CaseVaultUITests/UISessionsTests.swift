import CaseVaultUI
import Synchronization
import XCTest

/// A clock the test moves by hand: nothing here waits.
final class ManualClock: UIClock {
    let seconds = Mutex<UInt64>(1_000_000)
    func now() -> UInt64 { seconds.withLock { $0 } }
    func advance(_ by: UInt64) { seconds.withLock { $0 += by } }
}

final class UISessionsTests: XCTestCase {
    func testTheLaunchTokenWorksOnceAndAReplayIsRefused() {
        let launch = UIToken()
        let sessions = UISessions(launch: launch, clock: ManualClock(), idleSeconds: 900)
        XCTAssertNil(sessions.redeem(UIToken()), "a guessed token")
        XCTAssertNil(sessions.redeem(nil))
        let first = sessions.redeem(UIToken(text: launch.revealedText))
        XCTAssertNotNil(first)
        XCTAssertNil(sessions.redeem(UIToken(text: launch.revealedText)), "replayed")
        XCTAssertNotNil(sessions.session(for: first?.token))
    }

    func testTheSessionTokenAndCSRFTokenAreFreshAndDistinct() throws {
        let launch = UIToken()
        let sessions = UISessions(launch: launch, clock: ManualClock(), idleSeconds: 900)
        let s = try XCTUnwrap(sessions.redeem(launch))
        XCTAssertFalse(s.token.matches(launch))
        XCTAssertFalse(s.csrf.matches(s.token))
        XCTAssertNil(sessions.session(for: s.csrf), "the CSRF token is no session cookie")
    }

    func testAnIdleSessionEndsAndAUsedOneLives() throws {
        let clock = ManualClock()
        let launch = UIToken()
        let sessions = UISessions(launch: launch, clock: clock, idleSeconds: 900)
        let s = try XCTUnwrap(sessions.redeem(launch))
        clock.advance(899)
        XCTAssertNotNil(sessions.session(for: s.token))
        clock.advance(900)
        XCTAssertNotNil(sessions.session(for: s.token), "each request restarts the idle time")
        clock.advance(901)
        XCTAssertNil(sessions.session(for: s.token))
    }

    func testLockingEndsEverySessionAndTheUnusedLaunchToken() throws {
        let launch = UIToken()
        let sessions = UISessions(launch: launch, clock: ManualClock(), idleSeconds: 900)
        let s = try XCTUnwrap(sessions.redeem(launch))
        sessions.lockAll()
        XCTAssertNil(sessions.session(for: s.token))

        let unused = UIToken()
        let other = UISessions(launch: unused, clock: ManualClock(), idleSeconds: 900)
        other.lockAll()
        XCTAssertNil(other.redeem(unused))
    }

    func testTokensNeverPrintThemselves() {
        let t = UIToken()
        XCTAssertFalse("\(t)".contains(t.revealedText))
        XCTAssertFalse(String(reflecting: t).contains(t.revealedText))
        XCTAssertEqual(t.revealedText.count, 64)
        XCTAssertNil(UIToken(text: "zz" + t.revealedText.dropFirst(2)))
        XCTAssertTrue(UIToken(text: t.revealedText)!.matches(t))
    }
}
