/// Exponential backoff with full jitter ("AWS architecture blog: exponential backoff and jitter"),
/// honouring a server's `Retry-After`. A value type with no clock: the owner sleeps.
public struct Backoff: Sendable {
    /// The first delay ceiling.
    public var base: Duration
    /// The largest delay ceiling.
    public var cap: Duration
    /// Failures in a row so far.
    public private(set) var failures = 0

    /// Creates a backoff.
    public init(base: Duration = .milliseconds(250), cap: Duration = .seconds(60)) {
        self.base = base
        self.cap = cap
    }

    /// Records a failure and returns how long to wait before the next try: a random delay up to
    /// `min(cap, base·2^failures)`, and never less than `retryAfter`.
    public mutating func nextDelay(retryAfter: Duration? = nil, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = ceilingForNext()
        failures += 1
        let ms = ceiling.milliseconds
        let jittered = Duration.milliseconds(ms <= 0 ? 0 : Int64.random(in: 0...ms, using: &generator))
        guard let retryAfter else { return jittered }
        // The server's wait is a floor; jitter on top spreads stations that all got the same answer.
        return retryAfter + .milliseconds(Int64.random(in: 0...max(1, base.milliseconds), using: &generator))
    }

    /// Records a failure with the system random generator.
    public mutating func nextDelay(retryAfter: Duration? = nil) -> Duration {
        var g = SystemRandomNumberGenerator()
        return nextDelay(retryAfter: retryAfter, using: &g)
    }

    /// The ceiling the next failure will draw under.
    public func ceilingForNext() -> Duration {
        let factor = Int64(1) << Int64(min(failures, 30))
        let ms = base.milliseconds.multipliedReportingOverflow(by: factor)
        return ms.overflow ? cap : min(cap, .milliseconds(ms.partialValue))
    }

    /// Forgets past failures after a success.
    public mutating func reset() { failures = 0 }
}

extension Duration {
    /// Whole milliseconds.
    var milliseconds: Int64 {
        let (s, atto) = components
        return s * 1000 + atto / 1_000_000_000_000_000
    }
}
