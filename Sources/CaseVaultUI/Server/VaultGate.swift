import CaseVaultAgent
import CaseVaultCore

/// The key agent holds no keys for this user any more (locked, idle or expired).
struct AgentLocked: Error {}

/// How the screens reach the core: a session per request. `casevault ui` opens it through the
/// user's key agent exactly as a CLI command does (roster check, refusal logging, client
/// anchor); the UI never holds a key. The benchmark opens it from a key in memory.
package struct VaultGate: Sendable {
    let open: @Sendable (_ command: String) throws -> Session
    let idleSeconds: @Sendable () -> UInt64?
    let lock: @Sendable () -> Void

    package init(open: @escaping @Sendable (String) throws -> Session,
                 idleSeconds: @escaping @Sendable () -> UInt64? = { nil }, lock: @escaping @Sendable () -> Void = {}) {
        self.open = open
        self.idleSeconds = idleSeconds
        self.lock = lock
    }

    /// Through the key agent that holds `keyPath`: locked when it does not.
    static func agent(vaultPath: String, keyPath: String) -> VaultGate {
        VaultGate(
            open: { command in
                let vault = try Vault.open(at: vaultPath)
                guard let agent = try AgentClient.holding(keyPath: keyPath) else { throw AgentLocked() }
                return try vault.openSession(keyFile: keyPath, keys: agent, command: command)
            },
            idleSeconds: { (try? AgentClient.holding(keyPath: keyPath))??.status.idleTimeout },
            // "Lås nå": the agent forgets the keys, as `casevault lock` does.
            lock: { try? AgentClient.connect()?.lockAgent() })
    }

    func withSession<T>(command: String, _ body: (Session) throws -> T) throws -> T {
        let session = try open(command)
        let result = try body(session)
        try session.complete()  // only after success
        return result
    }
}
