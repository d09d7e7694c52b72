import CaseVaultCore
import Glibc
import SodiumKit

/// Questions asked at the controlling terminal (not stdin, which may carry a case file).
/// While echo is off, a signal that ends the process first puts the terminal back.
enum Terminal {
    /// The terminal and its settings while echo is off; read by the signal handler, which may
    /// touch nothing but these (tcsetattr is async-signal-safe).
    nonisolated(unsafe) private static var savedFD: Int32 = -1
    nonisolated(unsafe) private static var saved = termios()
    private static let endingSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP]

    static func readSecret(prompt: String, hint: String) throws -> SecureBytes {
        let fd = try openTTY(for: "a passphrase", hint: hint)
        defer { close(fd) }
        var old = termios()
        tcgetattr(fd, &old)
        var quiet = old
        quiet.c_lflag &= ~tcflag_t(ECHO)
        saved = old
        savedFD = fd
        for s in endingSignals { signal(s, restoreThenDie) }
        tcsetattr(fd, TCSAFLUSH, &quiet)
        // Prompt only once echo is off, so nothing typed after it is ever shown.
        write(fd, prompt)
        defer {
            tcsetattr(fd, TCSAFLUSH, &old)
            for s in endingSignals { signal(s, SIG_DFL) }
            savedFD = -1
            write(fd, "\n")
        }
        var buffer = [UInt8](repeating: 0, count: 1024)
        defer { Memory.zero(&buffer) }
        let count = readLine(fd, into: &buffer)
        return try buffer.withUnsafeBytes { all in try SecureBytes(copying: UnsafeRawBufferPointer(rebasing: all[0..<count])) }
    }

    /// One line of visible text (a purpose, a reason), with echo on.
    static func readText(prompt: String, what: String, hint: String) throws -> String {
        let fd = try openTTY(for: what, hint: hint)
        defer { close(fd) }
        write(fd, prompt)
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = readLine(fd, into: &buffer)
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }

    private static func openTTY(for what: String, hint: String) throws -> Int32 {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw CLIError(.invalidInput, "no terminal to ask for \(what)", hints: hint.isEmpty ? [] : [hint]) }
        return fd
    }

    private static func write(_ fd: Int32, _ text: String) {
        let safe = Output.neutralised(text)
        _ = safe.withCString { Glibc.write(fd, $0, strlen($0)) }
    }

    private static func readLine(_ fd: Int32, into buffer: inout [UInt8]) -> Int {
        var n = 0
        var c: UInt8 = 0
        while n < buffer.count, read(fd, &c, 1) == 1, c != 0x0A { buffer[n] = c; n += 1 }
        c = 0
        if n > 0, buffer[n - 1] == 0x0D { n -= 1 }
        return n
    }
}

/// Puts the terminal back as it was, then lets the signal end the process as it would have.
private func restoreThenDie(_ signal: Int32) {
    if Terminal.savedFDForHandler >= 0 { Terminal.restoreForHandler() }
    Glibc.signal(signal, SIG_DFL)
    raise(signal)
}

extension Terminal {
    fileprivate static var savedFDForHandler: Int32 { savedFD }
    fileprivate static func restoreForHandler() { tcsetattr(savedFD, TCSANOW, &saved) }
}
