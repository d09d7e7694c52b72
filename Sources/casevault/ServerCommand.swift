import ArgumentParser
import CaseVaultCore
import CaseVaultSync
import Foundation
import SodiumKit

/// A workstation's and a recipient's side of the shared vault.
struct ServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Share a vault through `casevault serve`: publish, join, sync, and deliveries by inbox.",
        subcommands: [Publish.self, Join.self, Sync.self, Deliver.self, Inbox.self, Fetch.self])

    struct Publish: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put this vault on a server (once, by the leader); this folder becomes a replica.",
            discussion: Examples.text("casevault server publish --server http://127.0.0.1:8443 --identity ~/lina.cvkey"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Option(help: "The server's address, http(s)://HOST:PORT.") var server: String

        func run() throws {
            let v = try Vault.open(at: try vault.path)
            let keyFile = try identity.keyPath
            let member = try identity.withSession(in: v, command: "server.publish") { $0.member.id }
            let counts = try Workstation.publish(v, server: server, member: member, keyFile: keyFile, signer: try SharedReplica.signer(keyFile: keyFile))
            print("Published vault \(v.vaultID.hex) to \(server) (\(counts.pushed) rows)")
        }
    }

    struct Join: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a replica of a shared vault on this workstation, after checking the centre root fingerprint the leader read out.",
            discussion: Examples.text(
                "casevault server join --server http://127.0.0.1:8443 --vault-id 0123…cdef --member kari --fingerprint \"1a2b 3c4d …\" --into ~/nyby --identity ~/kari.cvkey"))
        @OptionGroup var identity: IdentityOptions
        @Option(help: "The server's address, http(s)://HOST:PORT.") var server: String
        @Option(help: "The vault id (32 hex digits, from `casevault vault info`).") var vaultID: String
        @Option(help: "Your member id on the vault's roster.") var member: String
        @Option(help: "The centre root fingerprint the leader read out to you.") var fingerprint: String
        @Option(help: "The new replica's folder.") var into: String

        func run() throws {
            guard let id = VaultID(hex: vaultID) else { throw CLIError.usage("--vault-id takes the vault's 32 hex digits") }
            let keyFile = try identity.keyPath
            let v = try Workstation.join(server: server, vaultID: id, rootFingerprint: fingerprint, into: into, member: member,
                                         keyFile: keyFile, signer: try SharedReplica.signer(keyFile: keyFile))
            _ = try ClientAnchor.pin(vault: v, keyFile: keyFile, fingerprint: fingerprint)
            _ = try identity.withSession(in: v, command: "server.join") { $0.member.id }  // verifies the pulled log and remembers it
            print("Joined vault \(v.vaultID.hex) (\(v.centreName)) into \(into)")
        }
    }

    struct Sync: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Push what was written on this replica (offline writes too), then pull what is new on the server.",
            discussion: Examples.text("casevault server sync --vault ~/nyby-replica --identity ~/kari.cvkey"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions

        func run() throws {
            let v = try Vault.open(at: try vault.path)
            guard let link = try ReplicaLink.load(in: v.directory) else { throw CLIError.usage("this vault is not shared: `casevault server join` or `server publish` first") }
            let counts: Workstation.SyncCounts
            do { counts = try Workstation.sync(v, signer: try SharedReplica.signer(keyFile: link.keyFile)) } catch let f as SyncFailure where f.kind == .headMoved {
                throw CLIError(.refused, "this workstation wrote offline while the shared vault moved on; merging such writes is not supported yet",
                               hints: ["nothing was sent; the writes are still in this replica"])
            }
            _ = try identity.withSession(in: v, command: "server.sync") { $0.member.id }  // verifies what was pulled
            print("Pulled \(counts.pulled) rows, pushed \(counts.pushed)")
        }
    }

    /// Where a recipient (or a member without a replica) reaches a vault's inbox.
    struct InboxOptions: ParsableArguments {
        @Option(help: "The server's address, http(s)://HOST:PORT.") var server: String
        @Option(help: "The vault id (32 hex digits).") var vaultID: String
        @Option(name: .customLong("as"), help: "Your id on the vault's roster (member or recipient).") var id: String
        @OptionGroup var identity: IdentityOptions

        func client() throws -> SyncClient {
            guard let vault = VaultID(hex: vaultID) else { throw CLIError.usage("--vault-id takes the vault's 32 hex digits") }
            let client = try SyncClient(server: server, vaultID: vault)
            try client.signIn(as: id, signer: try SharedReplica.signer(keyFile: try identity.keyPath))
            return client
        }
    }

    struct Deliver: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Post a sealed file (a handover bundle, an answer, a receipt) to an inbox on the server.",
            discussion: Examples.text("casevault server deliver til-politiet.cvb --to politi-ost --server … --vault-id … --as kari"))
        @OptionGroup var inbox: InboxOptions
        @Argument(help: "The file to deliver, as written by `handover create` or `handover answer`.") var file: String
        @Option(help: "The recipient's or member's id, or `centre` for every member.") var to: String

        func run() throws {
            let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: file)))
            let item = try inbox.client().deliver(bytes, to: to)
            print("Delivered \(file) to \(to) (item \(item))")
        }
    }

    struct Inbox: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List what waits in your inbox on the server.",
            discussion: Examples.text("casevault server inbox --server https://senter.example --vault-id 0123…cdef --as politi-ost --identity ~/politi.cvkey"))
        @OptionGroup var inbox: InboxOptions

        func run() throws {
            for item in try inbox.client().inbox() {
                print("\(item.id)  from \(item.from)  \(item.size) bytes  \(Timestamp(seconds: item.posted).osloText)")
            }
        }
    }

    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Save one inbox item to a file (then `handover open` or `handover import-answer` it).",
            discussion: Examples.text("casevault server fetch 5f1c…e2 --out fra-senteret.cvb --server https://senter.example --vault-id 0123…cdef --as politi-ost --identity ~/politi.cvkey"))
        @OptionGroup var inbox: InboxOptions
        @Argument(help: "The item id `server inbox` printed.") var item: String
        @Option(help: "Where to write it (a new file).") var out: String

        func run() throws {
            let bytes = try inbox.client().fetch(item)
            guard FileManager.default.createFile(atPath: out, contents: nil, attributes: [.posixPermissions: 0o600]),
                  let handle = FileHandle(forWritingAtPath: out) else { throw CLIError(.ioFailure, "cannot write \(out)") }
            try handle.write(contentsOf: Data(bytes))
            try handle.close()
            print("Saved item \(item) to \(out)")
        }
    }
}
