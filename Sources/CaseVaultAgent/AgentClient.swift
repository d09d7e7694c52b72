import CaseVaultCore
import SodiumKit
#if canImport(Glibc)
import Glibc
#endif

/// A connection to the user's key agent. As `MemberKeys` it signs and opens sealed boxes
/// through the agent; the secret keys never come into this process.
public final class AgentClient: MemberKeys, @unchecked Sendable {
    // One connection, used by one command in order; the lock keeps replies with their requests.
    private let socket: UnixSocket
    private let lock = NSLockLite()
    public let status: AgentStatus

    public var publicIdentity: PublicIdentity { status.publicIdentity }
    public var centreRootKey: SigningSecretKey? { nil }
    public var signer: any MessageSigner { Signer(client: self) }
    public var boxOpener: any SealedBoxOpener { Opener(client: self) }
    public func derivedSubkey(domain: String) throws(VaultError) -> SymmetricKey {
        let secret = try performSecret(.deriveSubkey, Array(domain.utf8))
        do { return try SymmetricKey(secret: secret) } catch { throw VaultError(.unsupportedFormat, "the key agent sent a malformed subkey", cause: error) }
    }

    /// The running agent, or nil when none answers. A socket of another user is refused.
    public static func connect(socketPath: String? = nil) throws(VaultError) -> AgentClient? {
        let path = if let socketPath { socketPath } else { try AgentPaths.socketPath() }
        guard let socket = try UnixSocket.connect(path) else { return nil }
        guard let uid = socket.peerUID(), AgentPeer.admits(peerUID: uid, ownUID: getuid()) else {
            throw VaultError(.refused, "the key agent socket \(path) is served by another user; not using it")
        }
        socket.setTimeout(seconds: 30)
        let body = try Self.call(socket, .status)
        return AgentClient(socket: socket, status: try AgentStatus.decode(body))
    }

    /// The agent when it holds the identity in the key file at `keyPath` (public half compared).
    public static func holding(keyPath: String) throws(VaultError) -> AgentClient? {
        guard let client = try connect() else { return nil }
        let wanted = try KeyFile.loadPublic(from: keyPath)
        return client.publicIdentity == wanted ? client : nil
    }

    private init(socket: UnixSocket, status: AgentStatus) {
        self.socket = socket
        self.status = status
    }

    /// Asks the agent to forget its keys and exit; returns once it has closed the connection,
    /// which it does after removing its socket, so a new agent may bind at once.
    public func lockAgent() throws(VaultError) {
        _ = try perform(.lock)
        _ = try? socket.receive()
    }

    func perform(_ op: AgentWire.Operation, _ payload: [UInt8] = []) throws(VaultError) -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        return try Self.call(socket, op, payload)
    }

    func performSecret(_ op: AgentWire.Operation, _ payload: [UInt8]) throws(VaultError) -> SecureBytes {
        lock.lock()
        defer { lock.unlock() }
        try socket.send(AgentWire.request(op, payload))
        let reply = try socket.receiveSecret()
        let status = reply.withUnsafeBytes { $0.count >= 2 && $0[0] == AgentWire.version ? $0[1] : 0xFF }
        guard status == AgentWire.Status.ok.rawValue else {
            let message = reply.withUnsafeBytes { String(decoding: $0.dropFirst(2), as: UTF8.self) }
            throw Self.error(status: status, message: message)
        }
        do {
            return try reply.withUnsafeBytes { (all) throws(CryptoError) in try SecureBytes(copying: UnsafeRawBufferPointer(rebasing: all[2...])) }
        } catch { throw VaultError(.ioFailure, "\(error)") }
    }

    private static func call(_ socket: UnixSocket, _ op: AgentWire.Operation, _ payload: [UInt8] = []) throws(VaultError) -> [UInt8] {
        try socket.send(AgentWire.request(op, payload))
        guard let reply = try socket.receive() else { throw VaultError(.ioFailure, "the key agent closed the connection (locked?); run: casevault unlock") }
        guard reply.count >= 2, reply[0] == AgentWire.version else { throw VaultError(.unsupportedFormat, "the key agent speaks another protocol version") }
        guard reply[1] == AgentWire.Status.ok.rawValue else { throw error(status: reply[1], message: String(decoding: reply[2...], as: UTF8.self)) }
        return Array(reply[2...])
    }

    private static func error(status: UInt8, message: String) -> VaultError {
        switch AgentWire.Status(rawValue: status) {
        case .unlogged: VaultError(.refused, "key agent: \(message)", cause: UnloggedMarker())
        case .refused: VaultError(.accessDenied, "key agent: \(message)")
        case .failed: VaultError(.authenticationFailed, "key agent: \(message)")
        default: VaultError(.unsupportedFormat, "key agent: \(message)")
        }
    }

    struct Signer: MessageSigner {
        let client: AgentClient
        var publicKey: SigningPublicKey { client.publicIdentity.signingKey }
        func signature(for message: [UInt8]) throws -> [UInt8] { try client.perform(.sign, message) }
    }

    /// The agent's answer to a case whose opening is not logged yet.
    struct UnloggedMarker: Error {}

    struct Opener: SealedBoxOpener, CaseKeyOpener, ProvenKeyOpener, ListIndexOpener {
        let client: AgentClient
        var publicKey: BoxPublicKey { client.publicIdentity.boxKey }

        /// Asked before the opening is logged, the agent refuses; the refusal carries how to have it
        /// logged, which `Vault.write` does between two runs of its transaction.
        func openCaseKeys(_ request: CaseKeyRequest) throws(VaultError) -> [SymmetricKey?] {
            let reply: SecureBytes
            do { reply = try client.performSecret(.openCaseKeys, request.encoded()) } catch where error.cause is UnloggedMarker {
                let client = client, payload = AgentWire.boxList([Array(request.vaultDirectory.utf8), Array(request.caseID.hex.utf8)])
                throw VaultError(.refused, error.message, cause: UnloggedCaseOpening(caseID: request.caseID) { () throws(VaultError) in
                    _ = try client.perform(.logCaseOpening, payload)
                })
            }
            return try Self.caseKeys(reply, count: request.items.count)
        }

        func logOpenings(of caseIDs: [CaseID], vaultDirectory: String) throws(VaultError) {
            for start in stride(from: 0, to: caseIDs.count, by: AgentWire.maxOpeningsPerRequest) {
                let chunk = caseIDs[start..<min(start + AgentWire.maxOpeningsPerRequest, caseIDs.count)]
                _ = try client.perform(.logCaseOpening, AgentWire.boxList([Array(vaultDirectory.utf8)] + chunk.map { Array($0.hex.utf8) }))
            }
        }

        func openListIndex(_ sealed: [UInt8], vaultDirectory: String) throws(VaultError) -> SecureBytes {
            try client.performSecret(.openListIndex, AgentWire.boxList([Array(vaultDirectory.utf8), sealed]))
        }

        func openSealedKey(_ sealed: [UInt8], provenBy proof: SealedKeyProof) throws -> SecureBytes {
            do { return try client.performSecret(.openSealedKey, AgentWire.boxList([sealed, proof.nonce, proof.ciphertext, proof.associatedData])) }
            catch where error.kind == .authenticationFailed { throw CryptoError.authenticationFailed }
        }

        /// Splits `u8 status ‖ 32-byte key` answers, each key into its own secure memory.
        static func caseKeys(_ reply: SecureBytes, count: Int) throws(VaultError) -> [SymmetricKey?] {
            let stride = 1 + SymmetricKey.byteCount
            guard reply.count == count * stride else { throw VaultError(.unsupportedFormat, "the key agent sent malformed case keys") }
            do {
                return try reply.withUnsafeBytes { (all) throws(CryptoError) -> [SymmetricKey?] in
                    try (0..<count).map { (i) throws(CryptoError) -> SymmetricKey? in
                        guard all[i * stride] == 0 else { return nil }
                        return try SymmetricKey(secret: try SecureBytes(copying: UnsafeRawBufferPointer(rebasing: all[i * stride + 1..<(i + 1) * stride])))
                    }
                }
            } catch { throw VaultError(.ioFailure, "\(error)") }
        }
        func openSealedBox(_ sealed: [UInt8]) throws -> SecureBytes {
            do { return try client.performSecret(.openSealedBox, sealed) } catch where error.kind == .authenticationFailed {
                throw CryptoError.authenticationFailed
            }
        }

        func openSealedBoxes(_ sealed: [[UInt8]]) throws -> [SecureBytes?] {
            guard !sealed.isEmpty else { return [] }
            var out: [SecureBytes?] = []
            for start in stride(from: 0, to: sealed.count, by: AgentWire.maxBoxesPerRequest) {
                let chunk = Array(sealed[start..<min(start + AgentWire.maxBoxesPerRequest, sealed.count)])
                let reply = try client.performSecret(.openSealedBoxes, AgentWire.boxList(chunk))
                out += try Self.answers(reply, count: chunk.count)
            }
            return out
        }

        /// Splits `u8 status ‖ u32 length ‖ plaintext` answers, copying each into its own secure memory.
        static func answers(_ reply: SecureBytes, count: Int) throws -> [SecureBytes?] {
            try reply.withUnsafeBytes { all in
                var at = 0, out: [SecureBytes?] = []
                for _ in 0..<count {
                    guard all.count - at >= 5 else { throw VaultError(.unsupportedFormat, "the key agent sent malformed answers") }
                    let status = all[at]
                    let n = (1...4).reduce(0) { $0 << 8 | Int(all[at + $1]) }
                    at += 5
                    guard n <= all.count - at, status <= 1 else { throw VaultError(.unsupportedFormat, "the key agent sent malformed answers") }
                    out.append(status == 0 ? try SecureBytes(copying: UnsafeRawBufferPointer(rebasing: all[at..<at + n])) : nil)
                    at += n
                }
                guard at == all.count else { throw VaultError(.unsupportedFormat, "the key agent sent malformed answers") }
                return out
            }
        }
    }
}

/// A pthread mutex without Foundation.
final class NSLockLite: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func lock() { pthread_mutex_lock(&mutex) }
    func unlock() { pthread_mutex_unlock(&mutex) }
}
