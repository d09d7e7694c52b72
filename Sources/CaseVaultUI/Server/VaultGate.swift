import CaseVaultAgent
import CaseVaultCore

/// The key agent holds no keys for this user any more (locked, idle or expired).
struct AgentLocked: Error {}

/// Opens a core session per request through the user's key agent, exactly as a CLI command
/// does: the same roster check, refusal logging and client anchor. The UI never holds a key.
struct VaultGate: Sendable {
    let vaultPath: String
    let keyPath: String

    func withSession<T>(command: String, _ body: (Session) throws -> T) throws -> T {
        let vault = try Vault.open(at: vaultPath)
        guard let agent = try AgentClient.holding(keyPath: keyPath) else { throw AgentLocked() }
        let session = try vault.openSession(keyFile: keyPath, keys: agent, command: command)
        let result = try body(session)
        try session.anchor?.save(vault: vault)  // only after success, as the CLI does
        return result
    }

    /// The agent's idle timeout, which the browser session follows; nil when locked.
    func agentIdleSeconds() -> UInt64? {
        guard let agent = try? AgentClient.holding(keyPath: keyPath) else { return nil }
        return agent.status.idleTimeout
    }

    /// "Lås nå": the agent forgets the keys, as `casevault lock` does.
    func lockAgent() {
        try? AgentClient.connect()?.lockAgent()
    }
}
