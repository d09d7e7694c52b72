import ArgumentParser
import CaseVaultAgent
import CaseVaultCore
import Foundation

/// `casevault unlock`: one passphrase, then a key agent for this user until lock, idle timeout
/// or the end of its lifetime.
struct Unlock: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Unlock your key file once: a key agent serves your commands until `casevault lock` or a timeout.",
        discussion: Examples.text("casevault unlock --identity ~/kari.cvkey", "casevault unlock --identity ~/kari.cvkey --idle-minutes 30"))

    @OptionGroup var identity: IdentityOptions
    @Option(help: "Lock after this many minutes without use.") var idleMinutes: UInt64 = AgentLifetime.defaultIdleTimeout / 60
    @Option(help: "Lock after this many hours whatever happens.") var maxHours: UInt64 = AgentLifetime.defaultMaxLifetime / 3600
    @OptionGroup var output: JSONFlag

    func validate() throws {
        guard (1...24 * 60).contains(idleMinutes) else { throw ValidationError("--idle-minutes must be between 1 and 1440") }
        guard (1...24).contains(maxHours) else { throw ValidationError("--max-hours must be between 1 and 24") }
    }

    func run() throws {
        let path = URL(fileURLWithPath: try identity.keyPath).standardizedFileURL.path
        // An agent already running (for this key or another) is locked first: one identity per user.
        try AgentClient.connect()?.lockAgent()
        let passphrase = try Passphrase.read(file: identity.passphraseFile, prompt: "Passphrase for \(path): ")
        let settings = AgentLauncher.Settings(keyPath: path, idleTimeout: idleMinutes * 60, maxLifetime: maxHours * 3600)
        let status = try AgentLauncher.start(executable: AgentCommand.executablePath, settings: settings, passphrase: passphrase)
        AgentText.print(status, json: output.json)
    }
}

/// `casevault lock`: the agent forgets the keys and exits.
struct Lock: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Lock: stop your key agent, which forgets your keys.", discussion: Examples.text("casevault lock"))

    func run() throws {
        guard let agent = try AgentClient.connect() else {
            print("Nothing to lock: no key agent is running.")
            return
        }
        try agent.lockAgent()
        print("Locked: the key agent forgot \(agent.publicIdentity.fingerprint) and stopped.")
    }
}

/// `casevault status`: what is unlocked and until when, never a secret.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Say whether a key agent holds your keys, and until when.", discussion: Examples.text("casevault status", "casevault status --json"))
    @OptionGroup var output: JSONFlag

    func run() throws {
        guard let agent = try AgentClient.connect() else {
            if output.json { Output.json(JSONShape.Agent(unlocked: false)) } else { print("Locked: no key agent is running.") }
            return
        }
        AgentText.print(agent.status, json: output.json)
    }
}

enum AgentText {
    static func print(_ s: AgentStatus, json: Bool) {
        if json {
            Output.json(JSONShape.Agent(
                unlocked: true, fingerprint: s.publicIdentity.fingerprint, keyFile: s.keyPath, unlockedAt: time(s.unlockedAt),
                idleLockAt: time(s.idleDeadline), locksAtLatest: time(s.hardDeadline), idleMinutes: Int(s.idleTimeout / 60)))
            return
        }
        Output.line("Unlocked: \(s.publicIdentity.fingerprint) (\(s.keyPath))")
        Output.line("Locks at \(localTime(s.idleDeadline)) unless used (idle lock after \(s.idleTimeout / 60) min), at \(localTime(s.hardDeadline)) at the latest.")
        Output.line("The key agent holds your member keys, never the centre root key; `casevault lock` forgets them now.")
    }

    static func time(_ seconds: UInt64) -> String { Timestamp(seconds: Int64(seconds)).rfc3339 }
    static func localTime(_ seconds: UInt64) -> String { Timestamp(seconds: Int64(seconds)).osloText }
}
