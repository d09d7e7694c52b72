import CaseVaultCore
import Foundation

// Release-built figures, each beside the libsodium floor measured in the same run:
//   swift run -c release casevault-bench [--cases N] [--log-entries N] [--trust-only]
var cases = 10_000
var trustOnly = false
var logEntries = 1_000_000
var args = CommandLine.arguments.dropFirst()
while let a = args.popFirst() {
    switch a {
    case "--cases": cases = Int(args.popFirst() ?? "") ?? cases
    case "--log-entries": logEntries = Int(args.popFirst() ?? "") ?? logEntries
    case "--trust-only": trustOnly = true
    default:
        FileHandle.standardError.write(Data("casevault-bench: error: unknown argument \(a)\n".utf8))
        exit(64)
    }
}
#if DEBUG
print("warning: debug build; run `swift run -c release casevault-bench` for real figures")
#endif
do {
    for line in try TrustBenchmark.run(cases: trustOnly ? cases : 2_000) { print(line) }
    if trustOnly { exit(0) }
    for line in try CoreBenchmark.run(cases: cases) { print(line) }
    for line in try HandoverBenchmark.run() { print(line) }
    for line in AuditBenchmark.run(entries: logEntries) { print(line) }
} catch {
    FileHandle.standardError.write(Data("casevault-bench: error: \(error)\n".utf8))
    exit(1)
}
