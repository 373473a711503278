import Testing
@testable import Hub

/// When a failed delivery is tried again and when it is given up.
@Suite struct WebhookRetryPolicyTests {
    /// SplitMix64: the same draws on every run.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
    }

    private let policy = WebhookRetryPolicy(maximumAttempts: 5, base: .seconds(1), cap: .seconds(10))

    @Test(arguments: [(1, 1), (2, 2), (3, 4), (4, 8), (5, 10), (40, 10), (10_000, 10)])
    func theCeilingDoublesUpToTheCap(failures: Int, seconds: Int64) {
        #expect(policy.ceiling(failures: failures) == .seconds(seconds))
    }

    @Test func theDelayIsBetweenHalfAndAllOfTheCeiling() {
        var g = Seeded(state: 42)
        for n in 1...8 {
            let ceiling = policy.ceiling(failures: n)
            let draws = (0..<500).map { _ in policy.delay(failures: n, using: &g) }
            #expect(draws.allSatisfy { $0 >= ceiling / 2 && $0 <= ceiling })
            // Spread over the whole range: some in the lowest and some in the highest tenth.
            #expect(draws.contains { $0 < ceiling / 2 + ceiling / 20 } && draws.contains { $0 > ceiling - ceiling / 20 })
            #expect(Set(draws).count > 100, "jitter spreads the retries")
        }
    }

    @Test(arguments: [(1, false), (2, false), (4, false), (5, true), (6, true)])
    func theLastAttemptsFailureDeadLetters(attempt: Int, dead: Bool) {
        var g = Seeded(state: 7)
        let decision = policy.afterFailure(attempt: attempt, using: &g)
        #expect((decision == .deadLetter) == dead)
    }

    @Test func aRetryAfterIsAFloorButNeverPastTheCap() {
        var g = Seeded(state: 9)
        #expect(policy.afterFailure(attempt: 1, retryAfter: .seconds(7), using: &g) == .retry(after: .seconds(7)))
        #expect(policy.afterFailure(attempt: 1, retryAfter: .seconds(86_400), using: &g) == .retry(after: .seconds(10)))
        // Below the backoff, the backoff stands (4 to 8 s after the fourth failure).
        guard case .retry(let after) = policy.afterFailure(attempt: 4, retryAfter: .seconds(1), using: &g) else {
            Issue.record("the fourth of five attempts is retried")
            return
        }
        #expect(after >= .seconds(4) && after <= .seconds(8))
    }

    @Test func oneAttemptAtLeastAndACapNotBelowTheBase() {
        let odd = WebhookRetryPolicy(maximumAttempts: 0, base: .seconds(5), cap: .seconds(1))
        #expect(odd.maximumAttempts == 1)
        #expect(odd.cap == .seconds(5))
    }
}
