import Foundation
import ServiceLifecycle
import Wakeups

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
