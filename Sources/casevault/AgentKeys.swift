import CaseVaultAgent
import CaseVaultCore
#if canImport(Glibc)
import Glibc
#endif

/// How a command finds its keys in the user's key agent.
enum AgentKeys {
    /// The agent, when it is running and holds the identity in `keyPath`.
    static func holding(keyPath: String, for command: String) throws -> AgentClient? {
        guard !KeyFileCommands.bypassAgent(command) else { return nil }
        return try AgentClient.holding(keyPath: keyPath)
    }

    /// With no agent and no terminal to ask on, the key file is simply locked: say so.
    static func refuseWhenLocked(keyPath: String) throws {
        let tty = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard tty < 0 else { close(tty); return }
        throw VaultError(.accessDenied, "locked: \(keyPath) is not unlocked and there is no terminal to ask for its passphrase; run: casevault unlock (or use --passphrase-file)")
    }
}
