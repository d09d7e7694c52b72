import ArgumentParser

/// Release-built figures, each beside the libsodium floor measured in the same run.
@main
struct BenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "casevault-bench",
        abstract: "Measure sealing, opening, handover bundles and the access log against the libsodium floor.",
        discussion: "Build in release mode for real figures: swift run -c release casevault-bench")

    @Option(help: "Cases sealed and opened in the batch measurement.")
    var cases = 10_000

    @Option(help: "Entries the audit log is grown to before verification (at least 10000).")
    var logEntries = 1_000_000

    @Flag(help: "Only measure what the client's freshness checks cost on case list and case show.")
    var trustOnly = false

    @Flag(help: "Only measure sealing and opening cases (field padding, keys and commitments beside the libsodium floor).")
    var casesOnly = false
    @Flag(help: "Only measure adding a night-shift member with 10 and with 10,000 cases in the vault.")
    var roleKeysOnly = false
    @Flag(help: "Only measure how long the screens of `casevault ui` take to render with --cases cases.")
    var uiOnly = false

    func validate() throws {
        guard cases > 0 else { throw ValidationError("--cases must be positive") }
        guard logEntries > 0 else { throw ValidationError("--log-entries must be positive") }
    }

    func run() throws {
        #if DEBUG
        print("warning: debug build; run `swift run -c release casevault-bench` for real figures")
        #endif
        if casesOnly {
            for line in try CaseBenchmark.run(cases: cases) { print(line) }
            return
        }
        if uiOnly {
            for line in try UIPageBenchmark.run(cases: cases) { print(line) }
            return
        }
        if roleKeysOnly {
            for line in try RoleKeyBenchmark.run() { print(line) }
            return
        }
        for line in try TrustBenchmark.run(cases: trustOnly ? cases : 2_000) { print(line) }
        if trustOnly { return }
        for line in try CaseBenchmark.run(cases: cases) { print(line) }
        for line in try HandoverBenchmark.run() { print(line) }
        for line in AuditBenchmark.run(entries: logEntries) { print(line) }
    }
}
