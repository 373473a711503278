import Foundation
import ServiceLifecycle
import Synchronization

/// Acts on the benches' timers when they are due, not at the next scan: an idle packer is
/// signed out and an unanswered supervisor wait is cancelled while nobody scans. Sleeps until
/// the earliest deadline of any bench; a bench's input can set a nearer one, so every input
/// wakes it (`wake()`) to look again.
final class BenchTimers: Service, Sendable {
    private let benches: BenchDirectory
    private let now: @Sendable () -> Date
    private let wakeup = Wakeup()

    /// `now` is the wall clock the scans' times come from (a test may pass its own).
    init(benches: BenchDirectory, now: @escaping @Sendable () -> Date = { Date() }) {
        self.benches = benches
        self.now = now
    }

    /// A bench's deadlines may have changed: look again.
    func wake() { wakeup.signal() }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let time = self.now()
                var next: Date?
                for bench in self.benches.all() {
                    await bench.expire(at: time)
                    if let d = await bench.nextDeadline() { next = next.map { min($0, d) } ?? d }
                }
                // Just past the deadline: a wait of S seconds is over once more than S have passed.
                let delay = next.map { max(0, $0.timeIntervalSince(self.now())) + 0.001 }
                await self.wakeup.wait(upTo: delay.map { .milliseconds(Int64(($0 * 1000).rounded(.up))) })
            }
        }
    }
}

/// A signal one task waits for, with a time limit: `signal()` before the wait is kept, so a
/// wake between the look and the wait is not lost.
final class Wakeup: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state = Mutex(State())

    func signal() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard let w = s.waiter else { s.pending = true; return nil }
            s.waiter = nil
            return w
        }
        waiter?.resume()
    }

    /// Returns at a signal, after `limit` (nil: no limit), or when the task is cancelled.
    func wait(upTo limit: Duration?) async {
        // A signal already given: no child tasks to start (and wait for) at all.
        let signalled = state.withLock { s -> Bool in
            defer { s.pending = false }
            return s.pending
        }
        if signalled { return }
        await withTaskGroup(of: Void.self) { group in
            if let limit {
                group.addTask {
                    try? await Task.sleep(for: limit)
                }
            }
            group.addTask { await self.waitForSignal() }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForSignal() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let now = state.withLock { s -> Bool in
                    if s.pending || Task.isCancelled { s.pending = false; return true }
                    s.waiter = c
                    return false
                }
                if now { c.resume() }
            }
        } onCancel: {
            self.release()
        }
    }

    private func release() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }
}
