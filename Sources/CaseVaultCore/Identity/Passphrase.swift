import SodiumKit
#if canImport(Glibc)
import Glibc
#endif

/// Where a passphrase comes from. Never from a command-line argument: those show up in `ps`
/// and shell history.
public enum PassphraseSource: Sendable {
    /// Read from the terminal with echo off.
    case prompt(String)
    /// The first line of a file that only its owner can read.
    case file(String)
    /// An environment variable, for scripts (`CASEVAULT_PASSPHRASE`).
    case environment(String)

    public static let environmentVariable = "CASEVAULT_PASSPHRASE"

    /// The CLI's order: an explicit file, then the environment, then a no-echo prompt.
    public static func resolve(file: String?, prompt: String) -> PassphraseSource {
        if let file { return .file(file) }
        if Environment.value(environmentVariable) != nil { return .environment(environmentVariable) }
        return .prompt(prompt)
    }

    public func read(confirm: Bool = false) throws(VaultError) -> SecureBytes {
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
        case let .prompt(text):
            secret = try Terminal.readSecret(prompt: text)
            if confirm {
                let again = try Terminal.readSecret(prompt: "Repeat passphrase: ")
                guard secret.constantTimeEquals(again) else { throw .input("the passphrases do not match") }
            }
        }
        guard secret.count > 0 else { throw .input("the passphrase is empty") }
        return secret
    }

    private static func wrap(_ bytes: inout [UInt8]) throws(VaultError) -> SecureBytes {
        do { return try SecureBytes(consuming: &bytes) } catch { throw .io("\(error)") }
    }
}

/// No-echo reading from the controlling terminal (not stdin, which may carry a case file).
enum Terminal {
    static func readSecret(prompt: String) throws(VaultError) -> SecureBytes {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else {
            throw .input("no terminal to ask for a passphrase; use --passphrase-file or \(PassphraseSource.environmentVariable)")
        }
        defer { close(fd) }
        _ = prompt.withCString { write(fd, $0, strlen($0)) }
        var old = termios()
        tcgetattr(fd, &old)
        var quiet = old
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(fd, TCSAFLUSH, &quiet)
        defer {
            tcsetattr(fd, TCSAFLUSH, &old)
            _ = write(fd, "\n", 1)
        }
        var buffer = [UInt8](repeating: 0, count: 1024)
        var n = 0
        var c: UInt8 = 0
        while n < buffer.count, read(fd, &c, 1) == 1, c != 0x0A { buffer[n] = c; n += 1 }
        c = 0
        defer { Memory.zero(&buffer) }
        let count = n
        do {
            return try buffer.withUnsafeBytes { all throws(CryptoError) in try SecureBytes(copying: UnsafeRawBufferPointer(rebasing: all[0..<count])) }
        } catch { throw .io("\(error)") }
    }
}
