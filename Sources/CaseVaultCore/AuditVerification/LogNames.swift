/// The names a log is known by (docs/FORMAT.md, §10): the checkpoint origin, the note key
/// name each member signs checkpoints with, and a witness's cosignature key name.
enum LogNames {
    /// The checkpoint origin of vault `id`'s log.
    static func origin(of id: VaultID) -> String { "casevault.invalid/log/\(id.hex)" }

    /// The note key name under which member `memberID` signs checkpoints of vault `id`'s log.
    static func memberKeyName(vault id: VaultID, member memberID: String) -> String { "casevault.invalid/member/\(id.hex)/\(memberID)" }

    /// The cosignature key name of the witness run by member `memberID`.
    static func witnessKeyName(member memberID: String) -> String { "casevault.invalid/witness/\(memberID)" }
}
