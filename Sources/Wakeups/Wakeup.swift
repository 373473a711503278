import Synchronization

/// A signal one task waits for, with a time limit: `signal()` before the wait is kept, so a
/// wake between the look and the wait is not lost. The loops that sleep until their next
/// deadline or until told to look again use it: the agent's bench timers, the hub's webhook
/// deliveries and its e-mail notices.
public final class Wakeup: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state = Mutex(State())

    /// A wake-up with no signal kept.
    public init() {}

    /// Wakes the waiting task, or the next wait when none is waiting (signals do not add up:
    /// several before a wait end that one wait).
    public func signal() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard let w = s.waiter else { s.pending = true; return nil }
            s.waiter = nil
            return w
        }
        waiter?.resume()
    }

    /// Returns at a signal, after `limit` (nil: no limit), or when the task is cancelled.
    /// One task waits at a time.
    public func wait(upTo limit: Duration?) async {
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
