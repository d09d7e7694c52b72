import ArgumentParser
import CaseVaultCore
import CaseVaultServer
import Foundation
import Logging

/// `casevault serve`: the shared vault server. It parses options and runs; the server module
/// and the core decide everything else.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the shared vault server on PostgreSQL (stores only sealed, signed rows; holds no key).",
        discussion: """
            Workstations join with `casevault server join`; recipients fetch deliveries with `casevault server inbox`. Several `serve` processes may share one database. Stop with SIGTERM or SIGINT.

            \(Examples.text(
                "casevault serve --database postgres://casevault@/casevault?host=/run/postgresql --listen 127.0.0.1:8443",
                "casevault serve --database postgres://casevault:secret@db.example:5432/casevault --listen [::1]:8443",
                "casevault serve --database postgres://casevault@/casevault?host=/run/postgresql --listen 0.0.0.0:8443 --tls-certificate /etc/casevault/fullchain.pem --tls-key /etc/casevault/key.pem"))
            """)

    @Option(help: "PostgreSQL: postgres://USER[:PASSWORD]@HOST[:PORT]/DB, or postgres://USER@/DB?host=/socket/folder.")
    var database: String
    @Option(help: "HOST:PORT to listen on (port 0: any free port, printed).")
    var listen: String
    @Option(help: "Seconds every database call may take before it fails.")
    var deadline: Int = 10
    @Option(help: ArgumentHelp("A PEM file with the server's certificate chain: serve HTTPS (with --tls-key).", valueName: "file"))
    var tlsCertificate: String?
    @Option(help: ArgumentHelp("A PEM file with the certificate's private key.", valueName: "file"))
    var tlsKey: String?

    func run() throws {
        guard (1...300).contains(deadline) else { throw CLIError.usage("--deadline takes 1 to 300 seconds") }
        guard (tlsCertificate == nil) == (tlsKey == nil) else { throw CLIError.usage("--tls-certificate and --tls-key go together") }
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let logger = Logger(label: "casevault.serve")
        var options = ServeOptions(databaseURL: database, listen: listen, deadline: .seconds(deadline))
        if let tlsCertificate, let tlsKey { options.tls = (tlsCertificate, tlsKey) }
        let failure = FailureBox()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await CaseVaultServe.run(options, logger: logger) { address in
                    // Unbuffered: whoever started the server waits for this line.
                    FileHandle.standardOutput.write(Data("casevault serve: listening on \(address)\n".utf8))
                }
            } catch { failure.set(error) }
            done.signal()
        }
        done.wait()
        if let error = failure.get() {
            let line = "\(error)".split(separator: "\n").first.map(String.init) ?? "the server stopped"
            throw CLIError(.ioFailure, "serve: \(line)")
        }
    }
}

private final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var error: (any Error)?
    func set(_ e: any Error) { lock.withLock { error = e } }
    func get() -> (any Error)? { lock.withLock { error } }
}
