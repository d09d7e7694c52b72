import CaseVaultCore
import SodiumKit

/// The key agent's wire format (docs/FORMAT.md, "Key agent protocol"): frames of a 4-byte
/// big-endian length and a body; every body starts with the protocol version and an operation
/// (request) or a status (reply). Unknown versions and operations are refused.
public enum AgentWire {
    /// 2: keys only through case-bound requests (a case's class keys, a message key with its proof).
    public static let version: UInt8 = 2
    /// Large enough for a case version's body to be signed, small enough to bound a bad peer.
    public static let maxFrame = 16 << 20

    public enum Operation: UInt8, Sendable {
        case status = 1
        case sign = 2
        case openSealedBox = 3
        case lock = 4
        case deriveSubkey = 5
        case openSealedBoxes = 6
        /// One case's class keys (CaseKeyRequest), once a `case.open` entry of this member is in the vault's log.
        case openCaseKeys = 7
        /// The agent appends that `case.open` entry itself (one per case named, in one transaction).
        case logCaseOpening = 8
        /// A sealed message key, shown with a ciphertext of an admitted purpose made under it.
        case openSealedKey = 9
        /// A member's sealed list index, returned once the agent logged the opening of every case it shows.
        case openListIndex = 10
    }

    /// At most this many boxes in one `openSealedBoxes` request.
    static let maxBoxesPerRequest = 4096
    /// At most this many cases in one `logCaseOpening` request.
    static let maxOpeningsPerRequest = 4000

    static func u32(_ n: Int) -> [UInt8] { lengthPrefix(n) }

    /// `u32(count) ‖ (u32(len) ‖ box)…`
    static func boxList(_ boxes: [[UInt8]]) -> [UInt8] {
        var out = u32(boxes.count)
        for b in boxes { out += u32(b.count) + b }
        return out
    }

    /// The boxes of a `boxList`, or nil when it is malformed (lengths past the end, trailing bytes, too many).
    static func parseBoxList(_ p: [UInt8]) -> [[UInt8]]? {
        guard p.count >= 4 else { return nil }
        let count = length(of: Array(p[0..<4]))
        guard count <= maxBoxesPerRequest else { return nil }
        var at = 4, boxes: [[UInt8]] = []
        for _ in 0..<count {
            guard p.count - at >= 4 else { return nil }
            let n = length(of: Array(p[at..<at + 4]))
            at += 4
            guard n <= p.count - at else { return nil }
            boxes.append(Array(p[at..<at + n]))
            at += n
        }
        return at == p.count ? boxes : nil
    }

    /// The only purposes the agent derives a subkey for: a key for anything else is refused.
    static let derivablePurposes: Set<String> = [ClientState.keyDomain]

    public enum Status: UInt8, Sendable {
        case ok = 0
        case refused = 1
        case failed = 2
        case unsupported = 3
        /// Keys of a case whose opening is not in the vault's log: log it (operation 8) and ask again.
        case unlogged = 4
    }

    static func request(_ op: Operation, _ payload: [UInt8] = []) -> [UInt8] { [version, op.rawValue] + payload }

    static func lengthPrefix(_ n: Int) -> [UInt8] { [UInt8(n >> 24 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] }

    static func length(of prefix: [UInt8]) -> Int { prefix.reduce(0) { $0 << 8 | Int($1) } }
}

/// What the agent reports about itself: never a secret.
public struct AgentStatus: Sendable, Equatable {
    public var publicIdentity: PublicIdentity
    public var keyPath: String
    public var unlockedAt: UInt64
    /// When it locks unless used before then (never later than `hardDeadline`).
    public var idleDeadline: UInt64
    /// When it locks whatever happens (the maximum lifetime).
    public var hardDeadline: UInt64
    public var idleTimeout: UInt64

    func encoded() -> [UInt8] {
        publicIdentity.boxKey.bytes + publicIdentity.signingKey.bytes
            + [unlockedAt, idleDeadline, hardDeadline, idleTimeout].flatMap(Self.u64) + Array(keyPath.utf8)
    }

    static func decode(_ b: [UInt8]) throws(VaultError) -> AgentStatus {
        guard b.count >= 96 else { throw VaultError(.unsupportedFormat, "the key agent sent a malformed status") }
        let n = { (at: Int) in b[at..<at + 8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
        do {
            let id = PublicIdentity(boxKey: try BoxPublicKey(bytes: Array(b[0..<32])), signingKey: try SigningPublicKey(bytes: Array(b[32..<64])))
            return AgentStatus(publicIdentity: id, keyPath: String(decoding: b[96...], as: UTF8.self),
                               unlockedAt: n(64), idleDeadline: n(72), hardDeadline: n(80), idleTimeout: n(88))
        } catch { throw VaultError(.unsupportedFormat, "the key agent sent a malformed status") }
    }

    static func u64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(v >> (56 - 8 * $0) & 0xFF) } }
}
