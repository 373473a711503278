import Foundation

/// A task executor on a dispatch queue of its own, off the cooperative pool. The whole test suite
/// runs in one process on a pool as wide as the machine has cores (2 in CI), and CPU-heavy tests
/// keep it busy for tens of seconds at a time; a server under test whose tasks run there answers
/// late, and a test about its timeouts measures the pool instead. Run the server's task with
/// `group.addTask(executorPreference: QueueExecutor(label:))`: its child tasks follow it
/// (unstructured `Task {}` inside the server would not).
public final class QueueExecutor: TaskExecutor, @unchecked Sendable {
    private let queue: DispatchQueue

    public init(label: String) { queue = DispatchQueue(label: label, attributes: .concurrent) }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
