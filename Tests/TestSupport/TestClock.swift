@testable import CaseVaultCore
import Foundation

/// The vault clock of a test vault: frozen at the time the test vault was made, so nothing a
/// test asserts depends on the wall clock crossing a second. Tests that need "a later second"
/// advance it instead of waiting.
final class TestClock: VaultClock, @unchecked Sendable {
    private let lock = NSLock()
    private var offset: Int64 = 0
    private var frozen: Timestamp? = Timestamp.now()

    /// Real time, moved forward by `advance`.
    init() {}

    /// Stopped at `time` from the start, for tests that happen at a given hour of a given day.
    init(frozenAt time: Timestamp) { frozen = time }

    func now() -> Timestamp {
        lock.withLock { frozen ?? Timestamp(seconds: Timestamp.now().seconds + offset) }
    }

    /// Moves the clock `seconds` forward.
    func advance(seconds: Int64 = 1) {
        lock.withLock {
            if let f = frozen { frozen = Timestamp(seconds: f.seconds + seconds) } else { offset += seconds }
        }
    }

    /// Stops the clock at the current time: everything from now on happens in the same second.
    func freeze() {
        lock.withLock { frozen = frozen ?? Timestamp(seconds: Timestamp.now().seconds + offset) }
    }
}
