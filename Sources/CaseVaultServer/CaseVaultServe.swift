import CaseVaultCore
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOSSL
import PostgresNIO
import ServiceLifecycle

/// How `casevault serve` runs.
public struct ServeOptions: Sendable {
    public var databaseURL: String
    /// `HOST:PORT`; port 0 picks a free one (printed once listening).
    public var listen: String
    /// The limit on every database call.
    public var deadline: Duration
    public var maxClockSkew: Int64
    public var clock: any VaultClock
    /// PEM files: the certificate chain and its private key. Without them the server speaks
    /// plain HTTP, for loopback or behind a reverse proxy that does TLS.
    public var tls: (certificateChain: String, privateKey: String)?

    public init(databaseURL: String, listen: String, deadline: Duration = .seconds(10), maxClockSkew: Int64 = PushCheck.defaultMaxSkew,
                clock: any VaultClock = SystemClock()) {
        self.databaseURL = databaseURL
        self.listen = listen
        self.deadline = deadline
        self.maxClockSkew = maxClockSkew
        self.clock = clock
    }
}

/// `casevault serve`: a zero-knowledge store and sequencer for many centres' vaults.
public enum CaseVaultServe {
    /// Runs until cancelled or signalled; `onListening` gets the bound `HOST:PORT`.
    /// `signals`: the shutdown signals to handle (none when embedded in tests).
    public static func run(_ options: ServeOptions, logger: Logger, handlingSignals: Bool = true,
                           onListening: @escaping @Sendable (String) -> Void = { _ in }) async throws {
        let (host, port) = try listenAddress(options.listen)
        // The pool retries a failing connection and says so at info level; the deadline's one line is what counts.
        var poolLogger = logger
        poolLogger.logLevel = max(logger.logLevel, .warning)
        let client = PostgresClient(configuration: try DatabaseURL.configuration(options.databaseURL), backgroundLogger: poolLogger)
        let store = PostgresVaultStore(client: client, logger: logger, deadline: options.deadline)
        let auth = ServerAuth(store: store, clock: options.clock, logger: logger)
        let server = try serverBuilder(tls: options.tls)
        let router = Router()
        ServerRoutes(store: store, auth: auth, clock: options.clock, logger: logger, maxClockSkew: options.maxClockSkew, metrics: ServerMetrics())
            .add(to: router)
        var app = Application(router: router, server: server, configuration: .init(address: .hostname(host, port: port), serverName: "casevault"),
                              services: [client], onServerRunning: { channel in
            onListening("\(host):\(channel.localAddress?.port ?? port)")
        }, logger: logger)
        app.beforeServerStarts {
            try await withDeadline(options.deadline, "schema") { try await ServerSchema.prepare(client, logger: logger) }
        }
        try await app.runService(gracefulShutdownSignals: handlingSignals ? [.sigterm, .sigint] : [])
    }

    /// HTTP/1.1, in TLS when certificate and key files are given.
    static func serverBuilder(tls: (certificateChain: String, privateKey: String)?) throws -> HTTPServerBuilder {
        guard let tls else { return .http1() }
        let chain: [NIOSSLCertificate], key: NIOSSLPrivateKey
        do { chain = try NIOSSLCertificate.fromPEMFile(tls.certificateChain) } catch {
            throw ServerFailure(.badRequest, "cannot read a PEM certificate chain from \(tls.certificateChain)")
        }
        guard !chain.isEmpty else { throw ServerFailure(.badRequest, "\(tls.certificateChain) holds no certificate") }
        do { key = try NIOSSLPrivateKey(file: tls.privateKey, format: .pem) } catch {
            throw ServerFailure(.badRequest, "cannot read a PEM private key from \(tls.privateKey)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        return try .tls(.http1(), tlsConfiguration: configuration)
    }

    static func listenAddress(_ text: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw ServerFailure(.badRequest, "--listen takes HOST:PORT (e.g. 127.0.0.1:8443)")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ServerFailure(.badRequest, "--listen takes HOST:PORT (e.g. 127.0.0.1:8443)") }
        return (host, port)
    }
}

/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`, or a Unix socket folder as libpq spells
/// it: `postgres://USER@/DATABASE?host=/run/postgresql`.
enum DatabaseURL {
    static func configuration(_ text: String) throws -> PostgresClient.Configuration {
        guard let url = URLComponents(string: text), ["postgres", "postgresql"].contains(url.scheme ?? ""), let user = url.user, !user.isEmpty else {
            throw ServerFailure(.badRequest, "--database takes postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE or postgres://USER@/DATABASE?host=/socket/folder")
        }
        let database = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        let socketFolder = url.queryItems?.first { $0.name == "host" }?.value
        var config: PostgresClient.Configuration
        if let socketFolder, socketFolder.hasPrefix("/") {
            config = .init(unixSocketPath: socketFolder + "/.s.PGSQL.\(url.port ?? 5432)", username: user, password: url.password,
                           database: database.isEmpty ? nil : database)
        } else {
            guard let host = url.host, !host.isEmpty else { throw ServerFailure(.badRequest, "--database names no host and no socket folder") }
            config = .init(host: host, port: url.port ?? 5432, username: user, password: url.password, database: database.isEmpty ? nil : database,
                           tls: .prefer(.makeClientConfiguration()))
        }
        config.options.connectTimeout = .seconds(5)
        return config
    }
}
