import SodiumKit

/// Where a passphrase comes from without asking anyone. Never from a command-line argument:
/// those show up in `ps` and shell history. Asking at a terminal is the CLI's business.
public enum PassphraseSource: Sendable {
    /// The first line of a file that only its owner can read.
    case file(String)
    /// An environment variable, for scripts (`CASEVAULT_PASSPHRASE`).
    case environment(String)

    public static let environmentVariable = "CASEVAULT_PASSPHRASE"

    /// The CLI's order: an explicit file, then the environment; nil means the caller must ask.
    public static func resolve(file: String?) -> PassphraseSource? {
        if let file { return .file(file) }
        if Environment.value(environmentVariable) != nil { return .environment(environmentVariable) }
        return nil
    }

    public func read() throws(VaultError) -> SecureBytes {
        let secret: SecureBytes
        switch self {
        case let .file(path):
            var bytes = try SecureFile.readPrivate(path, what: "passphrase file")
            if let nl = bytes.firstIndex(of: 0x0A) {
                for i in nl..<bytes.count { bytes[i] = 0 }
                bytes.removeSubrange(nl...)
            }
            if bytes.last == 0x0D { bytes[bytes.count - 1] = 0; bytes.removeLast() }
            secret = try Self.wrap(&bytes)
        case let .environment(name):
            var bytes = Array((Environment.value(name) ?? "").utf8)
            secret = try Self.wrap(&bytes)
        }
        guard secret.count > 0 else { throw .input("the passphrase is empty") }
        return secret
    }

    private static func wrap(_ bytes: inout [UInt8]) throws(VaultError) -> SecureBytes {
        do { return try SecureBytes(consuming: &bytes) } catch { throw .io("\(error)") }
    }
}
