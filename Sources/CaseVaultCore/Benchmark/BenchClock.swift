#if canImport(Glibc)
import Glibc
#endif

/// Monotonic time and the ratio arithmetic the benchmark prints. Every figure is measured
/// beside its floor in the same run, because the machine is shared and noisy.
public enum BenchClock {
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Best of `rounds` timings of `body` (seconds): the least disturbed run of a noisy machine.
    public static func best(rounds: Int = 5, _ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<rounds {
            let t0 = now()
            try body()
            best = min(best, now() - t0)
        }
        return best
    }

    public static func line(_ name: String, seconds: Double, floor: Double, count: Int) -> String {
        let rate = Double(count) / seconds
        return "\(name): \(format(rate)) per s (\(format(seconds * 1e6 / Double(count))) µs each); libsodium floor \(format(floor * 1e6 / Double(count))) µs; ratio \(format(seconds / floor, digits: 2))×"
    }

    public static func format(_ v: Double, digits: Int = 1) -> String {
        var s = String(Int((v * pow(10, Double(digits))).rounded()))
        while s.count <= digits { s = "0" + s }
        return digits == 0 ? s : String(s.dropLast(digits)) + "." + String(s.suffix(digits))
    }
}
