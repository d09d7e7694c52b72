import Glibc

/// A core dump of this process would hold decrypted fields and passphrases: none is written,
/// and the process is not dumpable (nor readable through ptrace by the same user).
enum ProcessHardening {
    static func disableCoreDumps() {
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &none)
        // prctl is variadic, which Swift cannot call directly; its arguments are plain integers,
        // passed the same way to a fixed-argument pointer on the platforms we build for.
        typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "prctl") else { return }
        _ = unsafeBitCast(symbol, to: Prctl.self)(4 /* PR_SET_DUMPABLE */, 0, 0, 0, 0)
    }
}
