import Foundation
import PackCore
import Sync

// The bench's timers and its reprint memory: what the bench does without a scan, and what it
// brings back at start.
extension Bench {
    /// When this bench's session times out next (nil: nothing waits).
    func nextDeadline() -> Date? { session.nextDeadline }

    /// Acts on everything that timed out by `time`: a supervisor wait that ended unanswered is
    /// cancelled, an idle packer is signed out (with its event for the server, and `CMD:SIGNOUT`
    /// journaled as an input so a restart keeps them signed out); each verdict is shown.
    func expire(at time: Date) {
        while let verdict = session.expire(at: time) {
            if verdict.kind == .signedOut, let packer = verdict.packer {
                do {
                    try journal.recordIdleSignOut(bench: name, packer: packer, idleSeconds: Int(session.configuration.packerIdleTimeout ?? 0), orderID: session.current?.order.id, at: time)
                } catch {
                    // Signed out on screen all the same; a restart mid-order would sign them in again.
                    logger.error("idle sign-out not journaled", metadata: ["bench": "\(name)", "packer": "\(packer)", "error": "\(error.message)"])
                }
            }
            show(verdict)
        }
    }

    /// The hub's list of packers changed (fetched, or read from the journal at start).
    func setHubPackers(_ badges: [String: String]) {
        session.configuration.hubPackerBadges = badges
    }

    /// What to keep for `CMD:REPRINT` after a restart, when an order finished with labels.
    func reprintRecord() -> ReprintRecord? {
        guard let memory = session.reprintMemory else { return nil }
        return ReprintRecord(orderID: memory.order.id, labels: memory.labels, lastLabel: memory.lastLabel)
    }

    /// Brings back the last finished order's labels from the journal, so `CMD:REPRINT` and
    /// `CMD:VOID` work after a restart. The order is the copy kept with them, else the orders
    /// file's; when neither reads, nothing is restored (better "nothing to reprint" than a wrong label).
    func restoreReprintMemory() {
        let record: ReprintRecord?
        do { record = try journal.reprintRecord(bench: name) } catch {
            logger.error("reprint memory not read", metadata: ["bench": "\(name)", "error": "\(error.message)"])
            return
        }
        guard let record else { return }
        let order = record.orderBody.flatMap { try? Order.decode(from: Array($0.utf8)) } ?? orders.local?.order(forBarcode: record.orderID)
        guard let order, order.id == record.orderID else {
            logger.warning("the last finished order is no longer known; CMD:REPRINT has nothing to print until the next order", metadata: ["bench": "\(name)", "order.id": "\(record.orderID)"])
            return
        }
        session.restoreReprint(order: order, labels: record.labels, lastLabel: record.lastLabel)
    }
}

extension Bench {
    /// The orders open or set aside at this bench (the kiosk's "what comes next" leaves them out).
    func openOrderIDs() -> [String] {
        (session.current.map { [$0.order.id] } ?? []) + session.parked.map(\.order.id)
    }

    /// Whether the bench has no order open.
    var isIdle: Bool { session.current == nil }
}
