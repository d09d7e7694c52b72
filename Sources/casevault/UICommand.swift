import ArgumentParser
import CaseVaultAgent
import CaseVaultCore
import CaseVaultUI
import Dispatch
import Foundation
import Synchronization

/// `casevault ui`: parses its options, unlocks the key agent when needed, and starts the web
/// interface; everything else lives in CaseVaultUI.
struct UICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui",
        abstract: "Norwegian screens for the staff in your browser, on 127.0.0.1, over your key agent.",
        discussion: """
            Prints a one-time link; open it in your browser (it works once). Unlocks your key file first when no key agent holds it, as `casevault unlock` does; the screens lock when the agent does, or with "Lås nå".

            \(Examples.text("casevault ui --identity ~/kari.cvkey", "casevault ui --port 8470 --bundle-folder ~/utleveringer"))
            """)
    @OptionGroup var vault: VaultOptions
    @OptionGroup var identity: IdentityOptions
    @Option(help: "Port on 127.0.0.1 (default: any free port).") var port: Int = 0
    @Option(help: "Where sealed handover bundles are written (default: the current folder).", completion: .directory) var bundleFolder: String?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
    }

    func run() throws {
        let keyPath = URL(fileURLWithPath: try identity.keyPath).standardizedFileURL.path
        let vaultPath = try vault.path
        _ = try Vault.open(at: vaultPath)  // a wrong folder fails here, before any browser is involved
        if try AgentClient.holding(keyPath: keyPath) == nil {
            try AgentClient.connect()?.lockAgent()
            let passphrase = try Passphrase.read(file: identity.passphraseFile, prompt: "Passphrase for \(keyPath): ")
            let settings = AgentLauncher.Settings(keyPath: keyPath, idleTimeout: AgentLifetime.defaultIdleTimeout, maxLifetime: AgentLifetime.defaultMaxLifetime)
            _ = try AgentLauncher.start(executable: AgentCommand.executablePath, settings: settings, passphrase: passphrase)
        }
        let config = UIConfiguration(vaultPath: vaultPath, keyPath: keyPath, port: port,
                                     bundleFolder: bundleFolder ?? FileManager.default.currentDirectoryPath)
        let failure = Mutex<(any Error)?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await UIServer.run(config) { url in
                    // The link carries a one-time secret: printed to this terminal only, never passed
                    // to another program's command line (which other users can read).
                    Output.line("Åpne denne lenken i nettleseren (virker én gang): \(url)")
                    Output.line("Skjermbildet låses når nøkkelagenten låses (15 min uten bruk), eller med «Lås nå». Ctrl+C avslutter.")
                }
            } catch {
                failure.withLock { $0 = error }
            }
            done.signal()
        }
        done.wait()
        if let error = failure.withLock({ $0 }) { throw VaultError(.ioFailure, "the web interface stopped: \(error)") }
    }
}
