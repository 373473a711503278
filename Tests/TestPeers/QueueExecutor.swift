import Foundation

/// A task executor on a thread of its own, off the cooperative pool. The whole test suite runs
/// in one process on a pool as wide as the machine has cores (2 in CI), and CPU-heavy tests keep
/// it busy for tens of seconds at a time; a server under test whose tasks run there answers late,
/// and a test about its timeouts measures the pool instead. (A dispatch queue is no escape: on
/// Linux it drains on the same root-queue threads.) Run the server's task with
/// `group.addTask(executorPreference: QueueExecutor(label:))`: its child tasks follow it
/// (unstructured `Task {}` inside the server would not). The thread lives as long as the process.
public final class QueueExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    public init(label: String) {
        let thread = Thread { [self] in run() }
        thread.name = label
        thread.start()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let batch = jobs
            jobs.removeAll()
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }
}
