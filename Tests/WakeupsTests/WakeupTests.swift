import Foundation
import Testing
import Wakeups

/// The wake-up the agent's bench timers and the hub's webhook and notice workers sleep on: a
/// signal given before the wait is not lost, a wait ends at its limit without one, signals
/// before a wait end that one wait only, and a cancelled wait ends at once (shutdown is not held
/// up). No upper bounds on time (the whole suite starves the pool for seconds): a lost signal
/// runs into the test's time limit instead.
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
        // A limited wait ends at a signal too, long before its limit (the workers' case).
        let limited = Task { await wakeup.wait(upTo: .seconds(600)) }
        try? await Task.sleep(for: .milliseconds(50))
        wakeup.signal()
        await limited.value
    }

    @Test(.timeLimit(.minutes(1))) func signalsBeforeAWaitDoNotAddUp() async {
        let wakeup = Wakeup()
        wakeup.signal()
        wakeup.signal()
        wakeup.signal()
        await wakeup.wait(upTo: .seconds(600))
        // The three were one: the next wait runs to its limit.
        let started = ContinuousClock.now
        await wakeup.wait(upTo: .milliseconds(200))
        #expect(ContinuousClock.now - started >= .milliseconds(200))
    }

    @Test(.timeLimit(.minutes(1))) func aWaitThatTimedOutLeavesNoSignalBehind() async {
        let wakeup = Wakeup()
        await wakeup.wait(upTo: .milliseconds(50))
        // The timeout did not leave a signal for the next wait (which would then return at once
        // and make a worker's loop spin).
        let started = ContinuousClock.now
        await wakeup.wait(upTo: .milliseconds(200))
        #expect(ContinuousClock.now - started >= .milliseconds(200))
    }

    @Test(.timeLimit(.minutes(1))) func aCancelledWaitEndsAtOnce() async {
        let wakeup = Wakeup()
        let waiter = Task { await wakeup.wait(upTo: nil) }
        waiter.cancel()
        await waiter.value
        let limited = Task { await wakeup.wait(upTo: .seconds(600)) }
        try? await Task.sleep(for: .milliseconds(50))
        limited.cancel()
        await limited.value
        // And the next wait still works.
        wakeup.signal()
        await wakeup.wait(upTo: .seconds(600))
    }
}
