import CaseVaultCore
import Foundation
import SodiumKit
#if canImport(Glibc)
import Glibc
#endif

/// Starting the agent: `casevault unlock` runs this same binary's hidden `agent` subcommand,
/// hands it the passphrase through a pipe (never argv or the environment) and waits for its
/// one-line report; the agent detaches into its own session and serves until locked.
public enum AgentLauncher {
    public struct Settings: Sendable {
        public var keyPath: String
        public var idleTimeout: UInt64
        public var maxLifetime: UInt64
        public init(keyPath: String, idleTimeout: UInt64, maxLifetime: UInt64) {
            self.keyPath = keyPath
            self.idleTimeout = idleTimeout
            self.maxLifetime = maxLifetime
        }
    }

    /// The variables the agent may inherit: where its socket goes and the test-only KDF switch.
    static let inherited = ["XDG_RUNTIME_DIR", "CASEVAULT_TEST_INSECURE_KDF", "PATH"]

    public static func start(executable: String, settings: Settings, passphrase: SecureBytes) throws(VaultError) -> AgentStatus {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = ["agent", "--identity", settings.keyPath, "--idle-timeout", String(settings.idleTimeout),
                       "--max-lifetime", String(settings.maxLifetime)]
        let env = ProcessInfo.processInfo.environment
        p.environment = env.filter { inherited.contains($0.key) }
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { throw VaultError(.ioFailure, "cannot start the key agent: \(error)") }
        let fd = input.fileHandleForWriting.fileDescriptor
        passphrase.withUnsafeBytes { p in
            var done = 0
            while done < p.count {
                let n = write(fd, p.baseAddress! + done, p.count - done)
                if n <= 0 { break }
                done += n
            }
        }
        try? input.fileHandleForWriting.close()
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard report.hasPrefix("ok") else { throw failure(report) }
        guard let client = try AgentClient.connect() else { throw VaultError(.ioFailure, "the key agent started but does not answer") }
        return client.status
    }

    /// The agent's side: harden the process, read the passphrase from stdin, open the key file,
    /// listen, report on stdout, detach, serve. Returns when it locks; the caller exits.
    public static func runAgent(settings: Settings, clock: any AgentClock = SystemClock()) {
        setsid()
        let listener: Int32, signals: Int32, socketPath: String, service: AgentService
        do {
            signals = try AgentServer.hardenProcess()
            let passphrase = try readPassphrase()
            let keys = try KeyFile.load(from: settings.keyPath, passphrase: passphrase)
            socketPath = try AgentPaths.socketPath()
            listener = try AgentServer.listen(at: socketPath)
            service = AgentService(keys: keys, keyPath: settings.keyPath, idleTimeout: settings.idleTimeout,
                                   maxLifetime: settings.maxLifetime, clock: clock)
        } catch {
            report("error \(code(error.kind)) \(error.message)")
            return
        }
        report("ok")
        detachStandardStreams()
        AgentServer.serve(service, listener: listener, signals: signals, socketPath: socketPath, clock: clock)
    }

    private static func readPassphrase() throws(VaultError) -> SecureBytes {
        var buffer = [UInt8](repeating: 0, count: 1024)
        defer { Memory.zero(&buffer) }
        var n = 0
        while n < buffer.count {
            let r = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress! + n, $0.count - n) }
            if r < 0 && errno == EINTR { continue }
            guard r > 0 else { break }
            n += r
        }
        guard n > 0 else { throw VaultError(.invalidInput, "the passphrase is empty") }
        let count = n
        do {
            return try buffer.withUnsafeBytes { all throws(CryptoError) in try SecureBytes(copying: UnsafeRawBufferPointer(rebasing: all[0..<count])) }
        } catch { throw VaultError(.ioFailure, "\(error)") }
    }

    private static func report(_ line: String) {
        let text = line.replacingOccurrences(of: "\n", with: " ") + "\n"
        _ = text.withCString { write(1, $0, strlen($0)) }
    }

    private static func detachStandardStreams() {
        let null = open("/dev/null", O_RDWR)
        for fd in Int32(0)...2 { dup2(null, fd) }
        if null > 2 { close(null) }
        chdir("/")
    }

    static let kinds: [VaultError.Kind] = [.invalidInput, .accessDenied, .authenticationFailed, .notFound, .unsupportedFormat, .ioFailure, .refused]

    static func code(_ kind: VaultError.Kind) -> Int { kinds.firstIndex(of: kind) ?? 5 }

    static func failure(_ report: String) -> VaultError {
        let parts = report.trimmingCharacters(in: .newlines).split(separator: " ", maxSplits: 2).map(String.init)
        guard parts.count == 3, parts[0] == "error", let i = Int(parts[1]), kinds.indices.contains(i) else {
            return VaultError(.ioFailure, "the key agent did not start")
        }
        return VaultError(kinds[i], parts[2])
    }
}
