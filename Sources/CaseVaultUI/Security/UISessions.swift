import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Seconds since the epoch; injected so tests never wait on the wall clock.
public protocol UIClock: Sendable {
    func now() -> UInt64
}

/// The browser sessions of one `casevault ui` process. One launch token is issued at start and
/// can be exchanged once for a session; a replayed launch token is refused. A session ends
/// after `idleSeconds` without a request (the key agent's idle timeout), or when locked.
public final class UISessions: Sendable {
    public struct Session: Sendable {
        public let token: UIToken
        public let csrf: UIToken
        var lastSeen: UInt64
    }

    private struct State {
        var launch: UIToken?
        var sessions: [Session] = []
    }

    private let state: Mutex<State>
    private let clock: any UIClock
    public let idleSeconds: UInt64

    public init(launch: UIToken, clock: any UIClock, idleSeconds: UInt64) {
        state = Mutex(State(launch: launch))
        self.clock = clock
        self.idleSeconds = idleSeconds
    }

    /// Exchanges the launch token for a new session, once.
    public func redeem(_ presented: UIToken?) -> Session? {
        guard let presented else { return nil }
        return state.withLock { s in
            guard let launch = s.launch, launch.matches(presented) else { return nil }
            s.launch = nil
            let session = Session(token: UIToken(), csrf: UIToken(), lastSeen: clock.now())
            s.sessions.append(session)
            return session
        }
    }

    /// The live session for a cookie's token, touched; an idle one is dropped.
    public func session(for presented: UIToken?) -> Session? {
        guard let presented else { return nil }
        let now = clock.now()
        return state.withLock { s in
            s.sessions.removeAll { now > $0.lastSeen + idleSeconds }
            guard let i = s.sessions.firstIndex(where: { $0.token.matches(presented) }) else { return nil }
            s.sessions[i].lastSeen = now
            return s.sessions[i]
        }
    }

    /// Ends every session and any unused launch token ("Lås nå", or the agent locked).
    public func lockAll() {
        state.withLock { s in
            s.sessions.removeAll()
            s.launch = nil
        }
    }
}

public struct SystemUIClock: UIClock {
    public init() {}
    public func now() -> UInt64 { UInt64(max(0, time(nil))) }
}
