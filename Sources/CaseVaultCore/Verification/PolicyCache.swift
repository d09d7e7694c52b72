import AccessPolicy
import Synchronization
import SodiumKit

/// Parsed policies by content hash: a vault's policy history, and the policy a recipient's
/// bundles carry, are parsed from YAML once per process. Callers verify the signature over the
/// bytes first: only verified bytes are ever looked up or stored.
enum PolicyCache {
    private static let cache = Mutex<[[UInt8]: Policy]>([:])

    static func parse(_ bytes: [UInt8]) throws(VaultError) -> Policy {
        let key = BLAKE2b.hash(Array("casevault/v1/policy-cache\0".utf8) + bytes)
        if let hit = cache.withLock({ $0[key] }) { return hit }
        let policy: Policy
        do { policy = try Policy(bytes: bytes) } catch { throw .format("policy: \(error)", cause: error) }
        cache.withLock { store in
            if store.count > 256 { store.removeAll() }
            store[key] = policy
        }
        return policy
    }
}
