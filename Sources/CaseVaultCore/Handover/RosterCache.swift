import Synchronization
import SodiumKit

/// Verified rosters by content hash and trusted root: a recipient opening many bundles from one
/// centre parses and checks its roster (a signature per entry) once. Only rosters that passed
/// every check under that root are ever stored.
enum RosterCache {
    private static let cache = Mutex<[[UInt8]: SignedRoster]>([:])

    static func verified(_ text: String, trustedFingerprint: String) throws(VaultError) -> SignedRoster {
        let key = BLAKE2b.hash(Array("casevault/v2/roster-cache\0".utf8) + Array(trustedFingerprint.utf8) + [0] + Array(text.utf8))
        if let hit = cache.withLock({ $0[key] }) { return hit }
        let roster = try SignedRoster(fileText: text, trustedFingerprint: trustedFingerprint)
        cache.withLock { store in
            if store.count > 16 { store.removeAll() }
            store[key] = roster
        }
        return roster
    }
}
