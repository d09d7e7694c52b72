/// Where the core reads the current time: every timestamp it writes (case versions, roster
/// changes, log entries, receipts, reports) comes from the vault's clock, so tests fix time
/// instead of waiting for it to pass.
public protocol VaultClock: Sendable {
    func now() -> Timestamp
}

/// The system's wall clock: what every real vault uses.
public struct SystemClock: VaultClock {
    public init() {}
    public func now() -> Timestamp { Timestamp.now() }
}

/// A clock that says the same time until told otherwise.
public struct FixedClock: VaultClock {
    public let time: Timestamp
    public init(_ time: Timestamp) { self.time = time }
    public func now() -> Timestamp { time }
}

/// `CASEVAULT_TEST_TIME` (`YYYY-MM-DDTHH:MM:SSZ`) fixes the clock of a test vault, so the CLI's
/// tests can date what they do without waiting. A production vault ignores it: the variable
/// cannot backdate anything a real centre relies on, and whoever sets another user's
/// environment already controls what that user's process does.
enum TestClockOverride {
    static let variable = "CASEVAULT_TEST_TIME"

    static func clock(forTestVault isTestVault: Bool) -> (any VaultClock)? {
        guard isTestVault, let text = Environment.value(variable), let time = Timestamp(rfc3339: text) else { return nil }
        return FixedClock(time)
    }
}

extension Vault {
    /// The time by this vault's clock (the system clock, or a test vault's fixed time).
    public var now: Timestamp { clock.now() }
}
