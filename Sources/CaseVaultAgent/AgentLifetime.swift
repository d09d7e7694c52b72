#if canImport(Glibc)
import Glibc
#endif

/// Where the agent reads the time: the system clock, or a test's.
public protocol AgentClock: Sendable {
    /// Seconds since the epoch.
    func now() -> UInt64
}

public struct SystemClock: AgentClock {
    public init() {}
    // Wall time, not monotonic: a laptop suspended past the deadline must find itself locked.
    public func now() -> UInt64 { UInt64(max(0, time(nil))) }
}

/// When the agent locks: after `idleTimeout` seconds without a key operation, and after
/// `maxLifetime` seconds whatever happens, whichever comes first.
public struct AgentLifetime: Sendable, Equatable {
    public static let defaultIdleTimeout: UInt64 = 15 * 60
    public static let defaultMaxLifetime: UInt64 = 12 * 60 * 60

    public let unlockedAt: UInt64
    public let idleTimeout: UInt64
    public let maxLifetime: UInt64
    public private(set) var lastUse: UInt64

    public init(unlockedAt: UInt64, idleTimeout: UInt64 = defaultIdleTimeout, maxLifetime: UInt64 = defaultMaxLifetime) {
        self.unlockedAt = unlockedAt
        self.idleTimeout = idleTimeout
        self.maxLifetime = maxLifetime
        lastUse = unlockedAt
    }

    public var hardDeadline: UInt64 { unlockedAt &+ maxLifetime }
    public var deadline: UInt64 { min(lastUse &+ idleTimeout, hardDeadline) }
    public func isOver(at now: UInt64) -> Bool { now >= deadline }

    /// A key operation happened: the idle clock starts again (the hard deadline never moves).
    public mutating func touch(at now: UInt64) { lastUse = max(lastUse, now) }
}
