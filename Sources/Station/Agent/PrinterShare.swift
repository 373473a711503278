import Foundation
import PrintRuns

/// One printer shared by the bench's pack labels and a label run from the hub. The run takes a
/// turn per chunk (from the idle check before it to the label count after it); a pack label
/// takes one per printer call. A waiting pack label goes before the run's next chunk, so it
/// waits at most one chunk; the run's label counter counts its own chunk only.
final class PrinterShare: PrinterTurn, @unchecked Sendable {  // state guarded by `condition`
    private let condition = NSCondition()
    private var held = false
    private var labelsWaiting = 0

    /// The run's turn: waits while the printer is in use or a pack label waits.
    func begin() {
        condition.lock()
        while held || labelsWaiting > 0 { condition.wait() }
        held = true
        condition.unlock()
    }

    /// Ends a turn, the run's or a pack label's.
    func end() {
        condition.lock()
        held = false
        condition.broadcast()
        condition.unlock()
    }

    /// Pack labels waiting for their turn now.
    var labelsWaitingNow: Int {
        condition.lock()
        defer { condition.unlock() }
        return labelsWaiting
    }

    /// A pack label's turn: goes before the run's next chunk.
    func withLabelTurn<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        condition.lock()
        labelsWaiting += 1
        while held { condition.wait() }
        labelsWaiting -= 1
        held = true
        condition.unlock()
        defer { end() }
        return try body()
    }
}
