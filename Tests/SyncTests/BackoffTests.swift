import Sync
import Testing

@Suite struct BackoffTests {
    /// A seeded generator (SplitMix64), so a failure replays.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test(arguments: [
        (0, Duration.milliseconds(250)), (1, .milliseconds(500)), (2, .seconds(1)), (5, .seconds(8)), (8, .seconds(60)), (40, .seconds(60)),
    ])
    func theCeilingDoublesUpToTheCap(failures: Int, ceiling: Duration) {
        var b = Backoff(base: .milliseconds(250), cap: .seconds(60))
        var g = Seeded(state: 42)
        for _ in 0..<failures { _ = b.nextDelay(using: &g) }
        #expect(b.ceilingForNext() == ceiling)
    }

    @Test func delaysAreJitteredBetweenZeroAndTheCeiling() {
        var b = Backoff(base: .milliseconds(100), cap: .seconds(10))
        var system = SystemRandomNumberGenerator()
        var seen = Set<Duration>()
        for _ in 0..<50 {
            b.reset()
            for _ in 0..<3 { _ = b.nextDelay(using: &system) }
            let d = b.nextDelay(using: &system)
            #expect(d >= .zero && d <= .milliseconds(800))
            seen.insert(d)
        }
        #expect(seen.count > 5, "stations that failed together must not retry together")
    }

    @Test func retryAfterIsAFloor() {
        var b = Backoff(base: .milliseconds(100), cap: .seconds(10))
        var g = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let d = b.nextDelay(retryAfter: .seconds(30), using: &g)
            #expect(d >= .seconds(30) && d <= .seconds(30) + .milliseconds(100))
        }
    }

    @Test func aSuccessStartsOver() {
        var b = Backoff(base: .milliseconds(100), cap: .seconds(10))
        for _ in 0..<6 { _ = b.nextDelay() }
        b.reset()
        #expect(b.ceilingForNext() == .milliseconds(100))
        #expect(b.failures == 0)
    }
}
