/// The commands that need a secret a key agent never holds, so they read the key file itself
/// and ask for its passphrase even while the member's agent is unlocked.
public enum KeyFileCommands {
    /// Commands that sign with the centre root key.
    static let signingWithCentreRoot: Set<String> = ["member.add", "member.revoke", "recipient.add", "recipient.remove", "policy.sign"]
    /// Commands that open an escrow seed sealed to the member (a recovery layer, the break-glass key).
    static let openingEscrowSeeds: Set<String> = ["recovery.approve", "breakglass.open"]

    /// Whether `command` (e.g. "member.add") must read the key file rather than use an agent.
    public static func bypassAgent(_ command: String) -> Bool {
        signingWithCentreRoot.contains(command) || openingEscrowSeeds.contains(command)
    }
}
