/// When a failed webhook delivery is tried again, and when it is given up: exponential backoff
/// with jitter, no clock and no I/O inside, so every case is a table test. The n-th failure waits
/// a random time between half and all of `min(cap, base·2^(n−1))` ("equal jitter": never
/// hammering, never all receivers' retries at once); a `Retry-After` the receiver sent is a floor
/// (capped, so a receiver cannot park deliveries for days). After `maximumAttempts` attempts the
/// delivery goes to the dead-letter list.
public struct WebhookRetryPolicy: Sendable, Hashable {
    /// Attempts in all before a delivery is dead-lettered (at least 1).
    public var maximumAttempts: Int
    /// The first failure's delay ceiling.
    public var base: Duration
    /// The largest delay.
    public var cap: Duration

    /// Creates a policy; the defaults try 20 times over roughly six hours (docs/webhooks.md).
    public init(maximumAttempts: Int = 20, base: Duration = .seconds(1), cap: Duration = .seconds(3600)) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.base = base
        self.cap = max(base, cap)
    }

    /// What to do after a failure.
    public enum Decision: Sendable, Hashable {
        /// Try again after this long.
        case retry(after: Duration)
        /// Give up: to the dead-letter list.
        case deadLetter
    }

    /// The decision after attempt number `attempt` (from 1) failed.
    public func afterFailure(attempt: Int, retryAfter: Duration? = nil, using generator: inout some RandomNumberGenerator) -> Decision {
        guard attempt < maximumAttempts else { return .deadLetter }
        return .retry(after: delay(failures: attempt, retryAfter: retryAfter, using: &generator))
    }

    /// The wait after `failures` failures in a row (from 1): what a delivery waits before its next
    /// attempt, and how long a subscriber's other deliveries are held back meanwhile.
    public func delay(failures: Int, retryAfter: Duration? = nil, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = self.ceiling(failures: failures)
        let ms = ceiling.milliseconds
        let jittered = Duration.milliseconds(ms / 2 + Int64.random(in: 0...max(0, ms - ms / 2), using: &generator))
        guard let retryAfter else { return jittered }
        return min(cap, max(jittered, retryAfter))
    }

    /// A duration in seconds, for dates.
    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// `min(cap, base·2^(failures−1))`.
    public func ceiling(failures: Int) -> Duration {
        let shift = Int64(min(max(failures, 1) - 1, 40))
        let ms = base.milliseconds.multipliedReportingOverflow(by: Int64(1) << shift)
        return ms.overflow ? cap : min(cap, .milliseconds(ms.partialValue))
    }
}

extension Duration {
    /// Whole milliseconds (rounded down).
    fileprivate var milliseconds: Int64 {
        let (s, atto) = components
        return s * 1000 + atto / 1_000_000_000_000_000
    }
}
