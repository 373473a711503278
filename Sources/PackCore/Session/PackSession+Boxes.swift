import Foundation

// Shipments of several boxes. `CMD:NEWBOX` closes the box being packed and opens the next;
// each box's label prints when it closes, the last one's when the order completes.
//
// The count on a label ("k of N") is what is known when the box closes: the order's
// `shipment.packages`, or more when the packer has already started more boxes than that
// (N is at least the box just opened). The order's completion makes N definitive: the number
// of boxes packed. A box labelled with another count gets its label again, marked as a
// reprint, and the packer is told to relabel it. With carrier labels (one per package, made by
// the carrier for `packages` boxes) there are never more boxes than labels, and nothing is
// reprinted: the carrier's labels are printed as they are.
extension PackSession {
    /// Closes the box being packed and starts the next.
    mutating func newBox(data: String, symbology: String?, at time: Date) -> Verdict {
        var progress = current!
        let id = progress.order.id
        let k = progress.boxNumber
        let units = progress.boxes[k - 1].reduce(0, +)
        guard units > 0 else {
            let v = Verdict(kind: .commandRejected, message: "Box \(k) of order \(id) is empty: pack at least one item into it before closing it with CMD:NEWBOX.", orderID: id)
            return record(v, data: data, symbology: symbology, at: time)
        }
        if let limit = progress.boxLimit, k >= limit {
            let v = Verdict(kind: .commandRejected, message: "Order \(id) has carrier labels for \(limit) package\(limit == 1 ? "" : "s") and box \(k) is the last: pack the rest into it, or have the carrier's label for another package added to the order.", orderID: id)
            return record(v, data: data, symbology: symbology, at: time)
        }
        let total = Swift.max(progress.order.shipment?.packages ?? 1, k + 1)
        progress.boxes.append(Array(repeating: 0, count: progress.order.lines.count))
        progress.labelledTotals.append(total)
        // A closed box is sealed: what is in it cannot be taken back by undo.
        progress.undoStack.removeAll()
        current = progress
        let closed = progress.boxRecord(k - 1)
        var v = Verdict(kind: .boxClosed, message: "Box \(k) closed with \(units) unit\(units == 1 ? "" : "s"); its label prints (\(k) of \(total)). Box \(k + 1) is open: scan its items.", orderID: id)
        v.closedBox = closed
        v.labels = [PackageLabel(package: k, packages: total, weightGrams: closed.weightGrams)]
        lastLabel = (progress.order, v.labels[0])
        return record(v, data: data, symbology: symbology, at: time)
    }

    /// The labels of a completed order: every declared package's when no box was closed with
    /// NEWBOX; else the last box's, and reprints of boxes labelled with another count.
    func closeLastBox(_ progress: OrderProgress, verdict v: inout Verdict) {
        let declared = progress.order.shipment?.packages ?? 1
        let id = progress.order.id
        let closedCount = progress.labelledTotals.count
        guard closedCount > 0 else {
            // One box as far as the session knows: the order's packages, all labelled now.
            v.labels = (1...declared).map { k in
                PackageLabel(package: k, packages: declared, weightGrams: declared == 1 ? progress.weightGrams(box: 0) : progress.order.shipment?.weightGrams(package: k))
            }
            if declared > 1 { v.message = "Order \(id) is complete\(shortText(v)). Its \(declared) package labels print (1 to \(declared) of \(declared)): one for each box." }
            return
        }
        let last = progress.boxes.count
        let lastHasItems = progress.boxes[last - 1].contains { $0 > 0 }
        // A box opened and left empty (the rest was short-shipped) is not a package.
        let total = lastHasItems ? last : closedCount
        let carrierLabels = progress.boxLimit != nil
        var labels: [PackageLabel] = []
        var notes: [String] = []
        if lastHasItems {
            let record = progress.boxRecord(last - 1)
            v.closedBox = record
            labels.append(PackageLabel(package: last, packages: carrierLabels ? declared : total, weightGrams: record.weightGrams))
            notes.append("Close box \(last); its label prints (\(last) of \(carrierLabels ? declared : total)).")
        } else {
            notes.append("Box \(last) stays empty: the shipment is \(total) box\(total == 1 ? "" : "es").")
        }
        if carrierLabels {
            if total < declared {
                notes.append("The carrier's labels for package\(declared - total == 1 ? "" : "s") \((total + 1...declared).map(String.init).joined(separator: ", ")) are not used: have them voided.")
            }
        } else {
            let relabel = progress.labelledTotals.indices.filter { progress.labelledTotals[$0] != total }
            for i in relabel {
                labels.append(PackageLabel(package: i + 1, packages: total, weightGrams: progress.weightGrams(box: i), reprint: true))
            }
            if !relabel.isEmpty {
                let which = relabel.map { String($0 + 1) }
                notes.append("Relabel box\(which.count == 1 ? "" : "es") \(which.joined(separator: ", ")): \(which.count == 1 ? "its label is" : "their labels are") printed again as \(relabel.map { "\($0 + 1) of \(total)" }.joined(separator: ", ")).")
            }
        }
        v.labels = labels
        v.message = "Order \(id) is complete in \(total) box\(total == 1 ? "" : "es")\(shortText(v)). " + notes.joined(separator: " ")
    }

    private func shortText(_ v: Verdict) -> String {
        v.result?.outcome == .shortShipped ? " with short-shipped lines" : ""
    }
}
