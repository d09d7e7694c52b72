import CProcessGuard
import CaseVaultCore
import SodiumKit
#if canImport(Glibc)
import Glibc
#endif

/// The agent process: listens on the user's socket, admits only the same user, serves
/// AgentService, and returns (so the keys are released and zeroed) on lock, timeout, SIGTERM,
/// SIGHUP or SIGINT. The caller exits afterwards.
public enum AgentServer {
    /// Core dumps off and termination signals turned into a readable fd. Call first, before the
    /// passphrase or any key is in memory.
    public static func hardenProcess() throws(VaultError) -> Int32 {
        guard casevault_disable_core_dumps() == 0 else { throw VaultError(.ioFailure, "cannot turn core dumps off: \(String(cString: strerror(errno)))") }
        let fd = casevault_termination_signal_fd()
        guard fd >= 0 else { throw VaultError(.ioFailure, "cannot watch for signals: \(String(cString: strerror(errno)))") }
        return fd
    }

    /// Binds the socket at `path` with mode 0600. A socket nobody answers on (left by a killed
    /// agent) is removed; one that answers means another agent is running.
    public static func listen(at path: String) throws(VaultError) -> Int32 {
        if try UnixSocket.connect(path) != nil {
            throw VaultError(.refused, "another key agent is running; run: casevault lock")
        }
        var st = stat()
        if lstat(path, &st) == 0 {
            guard st.st_mode & S_IFMT == S_IFSOCK, st.st_uid == getuid() else {
                throw VaultError(.refused, "\(path) exists and is not this user's agent socket; remove it")
            }
            unlink(path)
        }
        let fd = try UnixSocket.stream()
        var addr = try UnixSocket.address(path)
        let old = umask(0o177)
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        umask(old)
        guard bound == 0, chmod(path, 0o600) == 0, Glibc.listen(fd, 16) == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw VaultError(.ioFailure, "cannot listen on \(path): \(message)")
        }
        return fd
    }

    /// Serves until locked or signalled, then removes the socket and releases the keys.
    public static func serve(_ service: AgentService, listener: Int32, signals: Int32, socketPath: String, clock: any AgentClock) {
        var clients: [UnixSocket] = []
        defer {
            // Socket gone before the clients are closed: a client that saw the close may start a new agent.
            service.lock()
            unlink(socketPath)
            close(listener)
            clients.removeAll()
        }
        while !service.lockIfExpired() {
            var fds = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0), pollfd(fd: signals, events: Int16(POLLIN), revents: 0)]
                + clients.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            let now = clock.now()
            let wait = service.lifetime.deadline > now ? min(service.lifetime.deadline - now, 3600) : 0
            let ready = poll(&fds, nfds_t(fds.count), Int32(wait * 1000))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { continue }
            if fds[1].revents != 0 { return }
            if fds[0].revents & Int16(POLLIN) != 0, let client = accept(listener) { clients.append(client) }
            var closed: Set<Int32> = []
            for p in fds.dropFirst(2) where p.revents != 0 {
                guard let client = clients.first(where: { $0.fd == p.fd }) else { continue }
                guard let body = try? client.receive() else { closed.insert(p.fd); continue }
                do { try reply(service.handle(body), on: client) } catch { closed.insert(p.fd) }
                if service.isLocked { return }
            }
            clients.removeAll { closed.contains($0.fd) }
        }
    }

    /// A connection from another user gets one refusal and is closed.
    private static func accept(_ listener: Int32) -> UnixSocket? {
        let fd = Glibc.accept(listener, nil, nil)
        guard fd >= 0 else { return nil }
        let client = UnixSocket(fd: fd)
        client.setTimeout(seconds: 5)
        return admit(client, peerUID: client.peerUID(), ownUID: getuid())
    }

    /// The client if it runs as this user; otherwise it is told so and dropped.
    static func admit(_ client: UnixSocket, peerUID: uid_t?, ownUID: uid_t) -> UnixSocket? {
        guard let peerUID, AgentPeer.admits(peerUID: peerUID, ownUID: ownUID) else {
            try? reply(.refused("the key agent serves only the user who unlocked it"), on: client)
            return nil
        }
        return client
    }

    static func reply(_ r: AgentService.Reply, on client: UnixSocket) throws(VaultError) {
        func header(_ s: AgentWire.Status) -> [UInt8] { [AgentWire.version, s.rawValue] }
        switch r {
        case let .ok(payload): try client.send(header(.ok) + payload)
        case let .secret(s):
            let h = header(.ok)
            try typed { try h.withUnsafeBytes { h in try s.withUnsafeBytes { p in try client.send(h, p) } } }
        case let .refused(m): try client.send(header(.refused) + Array(m.utf8))
        case let .failed(m): try client.send(header(.failed) + Array(m.utf8))
        case let .unsupported(m): try client.send(header(.unsupported) + Array(m.utf8))
        case let .unlogged(m): try client.send(header(.unlogged) + Array(m.utf8))
        }
    }
}
