import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The benchmark's one timer: wall time on `ContinuousClock`, plus the process's CPU time (all
/// threads), which a shared machine disturbs far less. Every figure is measured beside its
/// floor in the same run, because the machine is shared and noisy.
struct Stopwatch {
    /// Wall and process CPU seconds of one run.
    struct Cost {
        var wall: Double, cpu: Double
        static let worst = Cost(wall: .infinity, cpu: .infinity)
        func best(_ other: Cost) -> Cost { Cost(wall: min(wall, other.wall), cpu: min(cpu, other.cpu)) }
    }

    private let wallStart = ContinuousClock.now
    private let cpuStart = Stopwatch.cpuSeconds()

    /// Wall seconds since the stopwatch was started.
    var elapsed: Double { Self.seconds(ContinuousClock.now - wallStart) }

    var cost: Cost { Cost(wall: elapsed, cpu: Self.cpuSeconds() - cpuStart) }

    static func measure(_ body: () throws -> Void) rethrows -> Cost {
        let watch = Stopwatch()
        try body()
        return watch.cost
    }

    /// Best wall time of `rounds` runs of `body` (seconds): the least disturbed run of a noisy machine.
    static func best(rounds: Int = 5, _ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<rounds { best = min(best, try measure(body).wall) }
        return best
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    private static func cpuSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// One printed line: rate, time per item, the libsodium floor per item and the ratio.
func rateLine(_ name: String, seconds: Double, floor: Double, count: Int) -> String {
    let each = seconds * 1e6 / Double(count), floorEach = floor * 1e6 / Double(count)
    return "\(name): " + String(format: "%.1f per s (%.1f µs each); libsodium floor %.1f µs; ratio %.2f×",
                                   Double(count) / seconds, each, floorEach, seconds / floor)
}
