// The one place that initialises libsodium. Every entry point calls `Sodium.ready()` first.
import CSodium

enum Sodium {
    /// `sodium_init` is thread-safe and idempotent; the stored result makes later calls free.
    private static let initialised: Bool = sodium_init() >= 0

    static func ready() throws(CryptoError) {
        guard initialised else { throw .initialisationFailed }
    }
}
