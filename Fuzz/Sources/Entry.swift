import Foundation

// libFuzzer entry points. One binary holds every target; FUZZ_TARGET names the one to run
// (scripts/fuzz.sh sets it). An input may only ever throw: a trap is a finding.

nonisolated(unsafe) private var selected: ((Data) -> Void)?

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>>>) -> CInt {
    let env = ProcessInfo.processInfo.environment
    if let folder = env["FUZZ_WRITE_SEEDS"] {
        do { try Seeds.write(to: folder) } catch { fatalError("cannot write seeds: \(error)") }
        exit(0)
    }
    guard let name = env["FUZZ_TARGET"], let target = FuzzTargets.all[name] else {
        FileHandle.standardError.write(Data("set FUZZ_TARGET to one of: \(FuzzTargets.all.keys.sorted().joined(separator: " "))\n".utf8))
        exit(2)
    }
    selected = target
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = count == 0 ? Data() : Data(bytes: data!, count: count)
    selected?(bytes)
    return 0
}
