import CaseVaultAgent
import CaseVaultCore
import Foundation

/// The key agent holds no keys for this user any more (locked, idle or expired).
struct AgentLocked: Error {}

/// How the screens reach the core: a session per request. `casevault ui` opens it through the
/// user's key agent exactly as a CLI command does (roster check, refusal logging, client
/// anchor); the UI never holds a key. The benchmark opens it from a key in memory.
package struct VaultGate: Sendable {
    let open: @Sendable (_ command: String) throws -> Session
    let idleSeconds: @Sendable () -> UInt64?
    let lock: @Sendable () -> Void
    /// The centre root fingerprint this member pinned for the vault (`vault trust`), never one
    /// read from the vault: what the log verification trusts.
    let pinnedRoot: @Sendable (Vault) -> String?

    package init(open: @escaping @Sendable (String) throws -> Session,
                 idleSeconds: @escaping @Sendable () -> UInt64? = { nil }, lock: @escaping @Sendable () -> Void = {},
                 pinnedRoot: @escaping @Sendable (Vault) -> String? = { _ in nil }) {
        self.open = open
        self.idleSeconds = idleSeconds
        self.lock = lock
        self.pinnedRoot = pinnedRoot
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
            lock: { try? AgentClient.connect()?.lockAgent() },
            // As the session's own check: the key file's pin, else the explicit environment pin.
            pinnedRoot: { vault in
                (try? TrustFile.load(forKeyFile: keyPath))?.pin(for: vault.vaultID)
                    ?? ProcessInfo.processInfo.environment["CASEVAULT_ROOT_FINGERPRINT"].flatMap { $0.isEmpty ? nil : $0 }
            })
    }

    func withSession<T>(command: String, _ body: (Session) throws -> T) throws -> T {
        let session = try open(command)
        let result = try body(session)
        try session.complete()  // only after success
        return result
    }
}
