import CaseVaultCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The vaults the agent reads openings from, kept open between requests: a listing asks once
/// per case, and opening the database each time would cost more than the check itself. An
/// entry is used only while its folder's database is still the same file (device and inode),
/// so a vault restored or replaced in place is opened anew.
final class OpenVaults: Sendable {
    static let shared = OpenVaults()
    private struct Entry { let device: UInt64, inode: UInt64, vault: Vault }
    private let entries = Mutex<[String: Entry]>([:])
    /// A member works in one or two vaults; past this the agent starts over.
    private static let capacity = 8

    func vault(at directory: String) throws(VaultError) -> Vault {
        var st = stat()
        guard stat(directory + "/" + Vault.databaseFileName, &st) == 0 else { return try Vault.open(at: directory) }
        let device = UInt64(st.st_dev), inode = UInt64(st.st_ino)
        if let hit = entries.withLock({ $0[directory] }), hit.device == device, hit.inode == inode { return hit.vault }
        let vault = try Vault.open(at: directory)
        entries.withLock { all in
            if all.count >= Self.capacity { all = [:] }
            all[directory] = Entry(device: device, inode: inode, vault: vault)
        }
        return vault
    }
}
