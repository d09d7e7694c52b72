import Synchronization
import SodiumKit

/// Verified rosters by content hash and trusted root: a vault's roster history, and the roster a
/// recipient's bundles carry, are parsed and checked (a signature per entry) once per process,
/// however many times a command or a long-running process (agent, server, screens) reloads them.
/// Only rosters that passed every check under that root are ever stored.
enum RosterCache {
    private static let cache = Mutex<[[UInt8]: SignedRoster]>([:])
    /// A vault gains a roster per member change: room for a long history, a few KB each.
    static let capacity = 4096

    static func verified(_ text: String, trustedRoot: SigningPublicKey) throws(VaultError) -> SignedRoster {
        try cached(BLAKE2b.hash(Array("casevault/v2/roster-cache-root\0".utf8) + trustedRoot.bytes + Array(text.utf8))) { () throws(VaultError) in
            try SignedRoster(fileText: text, trustedRoot: trustedRoot)
        }
    }

    static func verified(_ text: String, trustedFingerprint: String) throws(VaultError) -> SignedRoster {
        try cached(BLAKE2b.hash(Array("casevault/v2/roster-cache\0".utf8) + Array(trustedFingerprint.utf8) + [0] + Array(text.utf8))) { () throws(VaultError) in
            try SignedRoster(fileText: text, trustedFingerprint: trustedFingerprint)
        }
    }

    private static func cached(_ key: [UInt8], verify: () throws(VaultError) -> SignedRoster) throws(VaultError) -> SignedRoster {
        if let hit = cache.withLock({ $0[key] }) { return hit }
        let roster = try verify()
        cache.withLock { store in
            if store.count > capacity { store.removeAll() }
            store[key] = roster
        }
        return roster
    }
}
