import SodiumKit

/// A recipient of every class key that is not a member: the recovery key (`recovery#<epoch>`)
/// and the break-glass key (`breakglass#<epoch>`). A member id never holds `#`, so these labels
/// never collide with a member's envelope.
package struct EscrowRecipient: Sendable, Equatable {
    package let label: String
    package let key: BoxPublicKey

    package init(label: String, key: BoxPublicKey) {
        self.label = label
        self.key = key
    }
}
