import SodiumKit

/// Argon2id work factors for key files. Outside tests CaseVault writes libsodium's moderate
/// limits and refuses files below the interactive ones.
public enum KDFSettings {
    /// Test-only switch: `CASEVAULT_TEST_INSECURE_KDF=1` in a debug build lowers the work
    /// factor so test suites run quickly. Release builds ignore it, so a shipped binary never
    /// writes or accepts a weak key file.
    public static var testModeEnabled: Bool {
        #if DEBUG
        return Environment.value("CASEVAULT_TEST_INSECURE_KDF") == "1"
        #else
        return false
        #endif
    }

    static var forNewFiles: PasswordKDF.Limits { testModeEnabled ? .testOnlyMinimum : .moderate }
    static var minimumAccepted: PasswordKDF.Limits { testModeEnabled ? .testOnlyMinimum : .interactive }
    /// A key file names its own work factor: above this ceiling (four times what CaseVault
    /// writes) it is refused, so a planted file cannot hang or exhaust the machine.
    static let maximumAccepted = PasswordKDF.Limits(opsLimit: PasswordKDF.Limits.moderate.opsLimit * 4,
                                                    memLimit: PasswordKDF.Limits.moderate.memLimit * 4)
}
