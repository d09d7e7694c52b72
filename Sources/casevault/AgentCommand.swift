import ArgumentParser
import CaseVaultAgent
import CaseVaultCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The key agent itself, started by `casevault unlock` (hidden): reads the passphrase from
/// stdin, reports on stdout, then detaches and serves until locked.
struct AgentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "agent", abstract: "The key agent (started by unlock).", shouldDisplay: false)

    @Option var identity: String
    @Option var idleTimeout: UInt64
    @Option var maxLifetime: UInt64

    func run() throws {
        AgentLauncher.runAgent(settings: .init(keyPath: identity, idleTimeout: idleTimeout, maxLifetime: maxLifetime))
        // Returning releases the keys (zeroed by libsodium) before the process ends.
    }

    /// This very binary, so the agent is the program the user already runs.
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
