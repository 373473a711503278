import Foundation
@testable import Station
import Testing

/// The timer service's wake-up: a signal given before the wait is not lost, a wait ends at its
/// limit without one, and a cancelled wait ends at once (the agent's shutdown is not held up).
/// No upper bounds on time (the whole suite starves the pool for seconds): a lost signal runs
/// into the test's time limit instead.
@Suite struct WakeupTests {
    @Test(.timeLimit(.minutes(1))) func aSignalBeforeTheWaitIsKept() async {
        let wakeup = Wakeup()
        wakeup.signal()
        // Returns at the kept signal; a lost one would wait the 10 minutes and fail the time limit.
        await wakeup.wait(upTo: .seconds(600))
    }

    @Test(.timeLimit(.minutes(1))) func aWaitEndsAtItsLimitOrAtASignal() async {
        let wakeup = Wakeup()
        let started = ContinuousClock.now
        await wakeup.wait(upTo: .milliseconds(100))
        #expect(ContinuousClock.now - started >= .milliseconds(100))
        let waiter = Task { await wakeup.wait(upTo: nil) }
        try? await Task.sleep(for: .milliseconds(50))
        wakeup.signal()
        await waiter.value  // never returns (the time limit fails the test) if the signal were lost
    }

    @Test(.timeLimit(.minutes(1))) func aCancelledWaitEndsAtOnce() async {
        let wakeup = Wakeup()
        let waiter = Task { await wakeup.wait(upTo: nil) }
        waiter.cancel()
        await waiter.value
        // And the next wait still works.
        wakeup.signal()
        await wakeup.wait(upTo: .seconds(600))
    }
}
