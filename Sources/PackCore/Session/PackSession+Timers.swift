import Foundation

// Timers: the idle sign-out and the supervisor wait act on time, not only at the next scan. The
// session has no clock: the owner asks `nextDeadline` when to call `expire(at:)` and shows the
// verdict it returns (nil: nothing was due).
extension PackSession {
    /// When something times out next: the signed-in packer's idle limit or the end of a
    /// supervisor wait not yet announced; nil when nothing waits.
    public var nextDeadline: Date? {
        var next: Date?
        if let timeout = configuration.packerIdleTimeout, let signedIn {
            next = signedIn.lastInput.addingTimeInterval(timeout)
        }
        if let waiting = pendingReprint, !reprintWaitExpired {
            let end = waiting.at.addingTimeInterval(configuration.supervisorWait)
            next = next.map { min($0, end) } ?? end
        }
        return next
    }

    /// What timed out at `time`: a supervisor wait that ended unanswered (`reprint_cancelled`,
    /// nothing printed) first, else an idle packer signed out (`signed_out`). Call again for the
    /// other; nil when nothing was due. A badge scanned after the wait is still told it came late.
    public mutating func expire(at time: Date) -> Verdict? {
        if let waiting = pendingReprint, !reprintWaitExpired, time.timeIntervalSince(waiting.at) > configuration.supervisorWait {
            reprintWaitExpired = true
            let what = waiting.command == .void ? "Void" : "Reprint"
            let seconds = Int(configuration.supervisorWait.rounded())
            return Verdict(kind: .reprintCancelled, message: "\(what) cancelled: no supervisor badge within \(seconds) s. Nothing was printed; scan the command again, then the badge.", orderID: current?.order.id)
        }
        return expireIdlePacker(at: time)
    }

    /// What `CMD:REPRINT` and `CMD:VOID` would print: the last finished order, its package
    /// labels, and the last label printed when it is that order's (for the owner to keep).
    public var reprintMemory: (order: Order, labels: [PackageLabel], lastLabel: PackageLabel?)? {
        guard let (order, labels) = lastFinished else { return nil }
        return (order, labels, lastLabel.flatMap { $0.order.id == order.id ? $0.label : nil })
    }

    /// Restores what a previous run's `reprintMemory` was, before replaying the open order's inputs.
    public mutating func restoreReprint(order: Order, labels: [PackageLabel], lastLabel: PackageLabel?) {
        guard !labels.isEmpty else { return }
        lastFinished = (order, labels)
        self.lastLabel = lastLabel.map { (order, $0) }
    }
}
