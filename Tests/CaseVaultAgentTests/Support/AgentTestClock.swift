import CaseVaultAgent

/// The agent's clock in tests: set by the test, never read from the wall.
final class AgentTestClock: AgentClock, @unchecked Sendable {
    var seconds: UInt64 = 1_800_000_000
    func now() -> UInt64 { seconds }
}
