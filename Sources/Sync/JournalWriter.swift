import Foundation

/// The journal's writer thread: async callers (through `Journal.writer`) hand it their write and wait without holding a
/// thread of the cooperative pool while SQLite commits and fsyncs (milliseconds on a slow disk,
/// during which the kiosk's event stream and the printer would otherwise wait for a thread: the
/// pool has one per core). A thread of its own, not a dispatch queue: on Linux a queue drains on
/// the same root-queue threads as the pool.
///
/// Writes run one at a time in the order they were handed over. The thread starts on first use
/// and ends after a few idle seconds (a CLI command or a test journal leaves no thread behind).
final class JournalWriterThread: Sendable {
    private let state: State
    private let idleSeconds: Double

    init(name: String, idleSeconds: Double = 5) {
        state = State(name: name)
        self.idleSeconds = idleSeconds
    }

    deinit { state.stop() }

    /// Runs `body` on the writer thread and returns what it returned (or throws what it threw).
    func run<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            state.enqueue(idleSeconds: idleSeconds) {
                continuation.resume(returning: Result { () throws(E) -> T in try body() })
            }
        }
        return try result.get()
    }

    /// The queue and the thread's life, under one condition variable (waits need one; Mutex has none).
    private final class State: @unchecked Sendable {
        let name: String
        let condition = NSCondition()
        var jobs: [@Sendable () -> Void] = []
        var running = false
        var stopped = false

        init(name: String) { self.name = name }

        func enqueue(idleSeconds: Double, _ job: @escaping @Sendable () -> Void) {
            condition.lock()
            jobs.append(job)
            let start = !running
            running = true
            condition.signal()
            condition.unlock()
            guard start else { return }
            let thread = Thread { [self] in loop(idleSeconds: idleSeconds) }
            thread.name = name
            thread.start()
        }

        func stop() {
            condition.lock()
            stopped = true
            condition.signal()
            condition.unlock()
        }

        private func loop(idleSeconds: Double) {
            while true {
                condition.lock()
                while jobs.isEmpty && !stopped {
                    if !condition.wait(until: Date(timeIntervalSinceNow: idleSeconds)) && jobs.isEmpty {
                        // Idle: end the thread; the next write starts another.
                        running = false
                        condition.unlock()
                        return
                    }
                }
                if jobs.isEmpty {   // stopped, nothing left
                    running = false
                    condition.unlock()
                    return
                }
                let job = jobs.removeFirst()
                condition.unlock()
                job()
            }
        }
    }
}
