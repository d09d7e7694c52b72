import CaseVaultCore
import SodiumKit
#if canImport(Glibc)
import Glibc
#endif

/// What the agent does with one request, apart from sockets: it holds the member's box and
/// signing keys (never the centre root key), answers with signatures, a case's class keys once
/// the opening is logged (AgentService+Cases.swift) and opened boxes that hold no key; refuses
/// once its time is over or its key file's permissions loosened, and forgets the keys on lock.
public final class AgentService {
    /// Nil once locked: releasing the keys frees their locked memory, which libsodium zeroes.
    private var keys: SecretIdentity?
    public let keyPath: String
    public private(set) var lifetime: AgentLifetime
    let clock: any AgentClock
    private let keyFileProblem: (String) -> String?
    public let publicIdentity: PublicIdentity
    /// How many cases were opened in the current minute (bulk opening is refused).
    var openings = OpeningRate()
    /// Whether the vault's log holds this member's `case.open` of the request's case, recently;
    /// at the remembered index when the agent appended it in this run.
    let openingIsLogged: (CaseKeyRequest, SigningPublicKey, UInt64, UInt64?) throws(VaultError) -> Bool
    /// Appends one such entry per case, signed by `keys`; returns each entry's log index.
    let logOpenings: (String, [CaseID], SecretIdentity, any AgentClock) throws(VaultError) -> [CaseID: UInt64]
    /// Where in each vault's log (by folder) the agent appended each case's latest opening.
    var loggedOpenings: [String: [CaseID: UInt64]] = [:]

    public convenience init(keys: SecretIdentity, keyPath: String, idleTimeout: UInt64, maxLifetime: UInt64, clock: any AgentClock,
                            keyFileProblem: @escaping (String) -> String? = AgentService.keyFileProblem) {
        self.init(keys: keys, keyPath: keyPath, idleTimeout: idleTimeout, maxLifetime: maxLifetime, clock: clock, keyFileProblem: keyFileProblem,
                  openingIsLogged: { (r, signer, now, index) throws(VaultError) in try CaseOpeningLog.isLogged(r, by: signer, now: now, at: index) },
                  logOpenings: { (dir, caseIDs, keys, clock) throws(VaultError) in
                      try CaseOpeningLog.append(to: dir, caseIDs: caseIDs, keys: keys, clock: clock)
                  })
    }

    init(keys: SecretIdentity, keyPath: String, idleTimeout: UInt64, maxLifetime: UInt64, clock: any AgentClock,
         keyFileProblem: @escaping (String) -> String?,
         openingIsLogged: @escaping (CaseKeyRequest, SigningPublicKey, UInt64, UInt64?) throws(VaultError) -> Bool,
         logOpenings: @escaping (String, [CaseID], SecretIdentity, any AgentClock) throws(VaultError) -> [CaseID: UInt64]) {
        self.openingIsLogged = openingIsLogged
        self.logOpenings = logOpenings
        // Keep only the member's own keys: the centre root key stays in the key file.
        self.keys = SecretIdentity(boxKey: keys.boxKey, signingKey: keys.signingKey)
        self.keyPath = keyPath
        self.clock = clock
        self.keyFileProblem = keyFileProblem
        publicIdentity = keys.publicIdentity
        lifetime = AgentLifetime(unlockedAt: clock.now(), idleTimeout: idleTimeout, maxLifetime: maxLifetime)
    }

    public var isLocked: Bool { keys == nil }

    public func lock() {
        keys = nil
        loggedOpenings = [:]
    }

    /// Locks when the time is up; true if it did.
    @discardableResult
    public func lockIfExpired() -> Bool {
        if !isLocked, lifetime.isOver(at: clock.now()) { lock() }
        return isLocked
    }

    public var status: AgentStatus {
        AgentStatus(publicIdentity: publicIdentity, keyPath: keyPath, unlockedAt: lifetime.unlockedAt,
                    idleDeadline: lifetime.deadline, hardDeadline: lifetime.hardDeadline, idleTimeout: lifetime.idleTimeout)
    }

    public enum Reply {
        case ok([UInt8])
        case secret(SecureBytes)
        case refused(String)
        case failed(String)
        case unsupported(String)
        case unlogged(String)
    }

    public func handle(_ body: [UInt8]) -> Reply {
        guard body.count >= 2, body[0] == AgentWire.version else {
            return .unsupported("key agent protocol version \(body.first ?? 0) is not supported (this agent speaks \(AgentWire.version))")
        }
        guard let op = AgentWire.Operation(rawValue: body[1]) else { return .unsupported("unknown key agent operation \(body[1])") }
        let payload = Array(body[2...])
        if op == .lock { lock(); return .ok([]) }
        if lockIfExpired() { return .refused("locked: the key agent's time is over; run: casevault unlock") }
        if op == .status { return .ok(status.encoded()) }
        if let problem = keyFileProblem(keyPath) {
            lock()
            return .refused("locked: \(problem)")
        }
        guard let keys else { return .refused("locked; run: casevault unlock") }
        lifetime.touch(at: clock.now())
        switch op {
        case .sign:
            if CaseOpeningLog.isOpeningEntry(payload) { return .refused("the key agent signs no case.open entry for others; it appends them itself") }
            return .ok(keys.signingKey.signature(for: payload))
        case .openSealedBox:
            guard let opened = try? keys.boxKey.openSealedBox(payload) else { return .failed("the sealed box did not open") }
            if KeyWithholding.holdsKey(opened) { return .refused(KeyWithholding.refusal) }
            return .secret(opened)
        case .openSealedBoxes:
            guard let boxes = AgentWire.parseBoxList(payload) else { return .failed("malformed list of sealed boxes") }
            // Each answer: u8 (0 opened, 1 did not) ‖ u32 length ‖ plaintext, all in locked memory.
            let opened = boxes.map { try? keys.boxKey.openSealedBox($0) }
            if opened.contains(where: { o in o.map { KeyWithholding.holdsKey($0) } ?? false }) { return .refused(KeyWithholding.refusal) }
            let total = opened.reduce(0) { $0 + 5 + ($1?.count ?? 0) }
            do {
                return .secret(try SecureBytes(count: total) { out in
                    var at = 0
                    for o in opened {
                        let n = o?.count ?? 0
                        out[at] = o == nil ? 1 : 0
                        for (i, b) in AgentWire.u32(n).enumerated() { out[at + 1 + i] = b }
                        at += 5
                        o?.withUnsafeBytes { src in
                            if n > 0 { UnsafeMutableRawBufferPointer(rebasing: out[at..<at + n]).copyMemory(from: src) }
                        }
                        at += n
                    }
                })
            } catch { return .failed("out of secure memory") }
        case .deriveSubkey:
            let domain = String(decoding: payload, as: UTF8.self)
            guard AgentWire.derivablePurposes.contains(domain) else { return .refused("the key agent derives no key for that purpose") }
            do {
                let key = try keys.derivedSubkey(domain: domain)
                return .secret(try key.withUnsafeBytes { b throws(CryptoError) in try SecureBytes(copying: b) })
            } catch { return .failed("the subkey could not be derived") }
        case .openCaseKeys:
            return openCaseKeys(payload, keys: keys)
        case .logCaseOpening:
            return logCaseOpening(payload, keys: keys)
        case .openSealedKey:
            return openSealedKey(payload, keys: keys)
        case .openListIndex:
            return openListIndex(payload, keys: keys)
        case .status, .lock:
            return .unsupported("unreachable")
        }
    }

    /// Why the key file may no longer back this agent: gone, another owner, or readable by others.
    public static func keyFileProblem(_ path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else { return "the key file \(path) is gone" }
        guard st.st_uid == getuid() else { return "the key file \(path) belongs to another user" }
        guard st.st_mode & 0o077 == 0 else { return "the key file \(path) became accessible by group or others" }
        return nil
    }
}
