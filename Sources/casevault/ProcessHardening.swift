import CProcessGuard

/// A core dump of this process would hold decrypted fields and passphrases: none is written,
/// and the process is not dumpable (nor readable through ptrace by the same user). The same C
/// helper serves the key agent.
enum ProcessHardening {
    static func disableCoreDumps() { _ = casevault_disable_core_dumps() }
}
