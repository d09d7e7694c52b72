import CProcessGuard
import CaseVaultCore
import SodiumKit
#if canImport(Glibc)
import Glibc
#endif

/// A connected or listening Unix stream socket, and the framed reads and writes of AgentWire.
final class UnixSocket: @unchecked Sendable {
    // Used by one thread at a time: a session runs its commands in order.
    let fd: Int32

    init(fd: Int32) { self.fd = fd }
    deinit { close(fd) }

    static func address(_ path: String) throws(VaultError) -> sockaddr_un {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { throw VaultError(.invalidInput, "socket path too long: \(path)") }
        withUnsafeMutableBytes(of: &addr.sun_path) { p in p.copyBytes(from: bytes); p[bytes.count] = 0 }
        return addr
    }

    static func stream() throws(VaultError) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw VaultError(.ioFailure, "cannot create a socket: \(String(cString: strerror(errno)))") }
        return fd
    }

    /// Connects to `path`; nil when nobody listens there (no agent, or a stale socket).
    static func connect(_ path: String) throws(VaultError) -> UnixSocket? {
        var addr = try address(path)
        let fd = try stream()
        let r = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        guard r == 0 else { close(fd); return nil }
        return UnixSocket(fd: fd)
    }

    /// The uid of the process at the other end.
    func peerUID() -> uid_t? {
        var uid: uid_t = 0
        return casevault_peer_uid(fd, &uid) == 0 ? uid : nil
    }

    func setTimeout(seconds: Int) {
        var tv = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    // MARK: Frames

    func send(_ parts: UnsafeRawBufferPointer...) throws(VaultError) {
        let total = parts.reduce(0) { $0 + $1.count }
        guard total <= AgentWire.maxFrame else { throw VaultError(.invalidInput, "a key agent message is too large") }
        let prefix = AgentWire.lengthPrefix(total)
        try typed { try prefix.withUnsafeBytes { try writeAll($0) } }
        for p in parts { try writeAll(p) }
    }

    func send(_ body: [UInt8]) throws(VaultError) {
        try typed { try body.withUnsafeBytes { try send($0) } }
    }

    /// One frame's body, or nil at a clean end of stream.
    func receive() throws(VaultError) -> [UInt8]? {
        guard let n = try receiveLength() else { return nil }
        var body = [UInt8](repeating: 0, count: n)
        try typed { try body.withUnsafeMutableBytes { try readAll($0) } }
        return body
    }

    /// One frame read straight into locked memory: for replies that carry a secret.
    func receiveSecret() throws(VaultError) -> SecureBytes {
        guard let n = try receiveLength() else { throw VaultError(.ioFailure, "the key agent closed the connection") }
        var failure: VaultError?
        let s: SecureBytes
        do {
            s = try SecureBytes(count: n) { p in
                do throws(VaultError) { try readAll(p) } catch { failure = error }
            }
        } catch { throw VaultError(.ioFailure, "\(error)") }
        if let failure { throw failure }
        return s
    }

    private func receiveLength() throws(VaultError) -> Int? {
        var prefix = [UInt8](repeating: 0, count: 4)
        let first = prefix.withUnsafeMutableBytes { read(fd, $0.baseAddress!, 1) }
        if first == 0 { return nil }
        guard first == 1 else { throw VaultError(.ioFailure, "the key agent connection failed: \(String(cString: strerror(errno)))") }
        try typed { try prefix.withUnsafeMutableBytes { try readAll(UnsafeMutableRawBufferPointer(rebasing: $0[1...])) } }
        let n = AgentWire.length(of: prefix)
        guard n >= 2, n <= AgentWire.maxFrame else { throw VaultError(.unsupportedFormat, "a key agent frame has a bad length") }
        return n
    }

    private func writeAll(_ p: UnsafeRawBufferPointer) throws(VaultError) {
        var done = 0
        while done < p.count {
            let n = Glibc.send(fd, p.baseAddress! + done, p.count - done, Int32(MSG_NOSIGNAL))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw VaultError(.ioFailure, "the key agent connection failed: \(String(cString: strerror(errno)))") }
            done += n
        }
    }

    private func readAll(_ p: UnsafeMutableRawBufferPointer) throws(VaultError) {
        var done = 0
        while done < p.count {
            let n = read(fd, p.baseAddress! + done, p.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw VaultError(.ioFailure, "the key agent closed the connection") }
            done += n
        }
    }
}

/// Runs `body`, whose only errors are VaultErrors, under a typed `throws`.
func typed<T>(_ body: () throws -> T) throws(VaultError) -> T {
    do { return try body() } catch let e as VaultError { throw e } catch { throw VaultError(.ioFailure, "\(error)") }
}
