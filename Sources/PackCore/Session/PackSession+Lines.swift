import Barcodes
import Foundation

extension PackSession {
    /// Applies a scan that named a line of the open order.
    mutating func packLine(_ line: Int, product: ProductCode?, data: String, symbology: String?, at time: Date) -> Verdict {
        var progress = current!
        let spec = progress.order.lines[line]
        if let reason = progress.pendingShortReason {
            return short(line, reason: reason, data: data, symbology: symbology, at: time)
        }
        let units = progress.pendingQuantity ?? 1
        let serial = product?.serial
        let lot = product?.lot
        func verdict(_ kind: Verdict.Kind, _ message: String) -> Verdict {
            var v = Verdict(kind: kind, message: message, orderID: progress.order.id)
            v.sku = spec.sku
            v.packed = progress.packed[line]
            v.expected = spec.quantity
            return v
        }
        if spec.serialized, serial == nil {
            return record(verdict(.serialRequired, "\(spec.sku) is serialized: scan the barcode that carries its serial number."), data: data, symbology: symbology, at: time)
        }
        if spec.serialized, units > 1 {
            return record(verdict(.serialRequired, "\(spec.sku) is serialized: scan each unit, a quantity of \(units) cannot be used."), data: data, symbology: symbology, at: time)
        }
        if let serial, progress.serials.contains(where: { $0.contains(serial) }) {
            return record(verdict(.duplicateSerial, "Serial \(serial) was already scanned for this order: this is the same unit."), data: data, symbology: symbology, serial: serial, at: time)
        }
        let remaining = progress.remaining(line)
        if units > remaining {
            let message = remaining == 0
                ? "\(spec.sku): all \(spec.quantity) already packed. Take this one out."
                : "\(spec.sku): only \(remaining) more needed, not \(units)."
            return record(verdict(.overQuantity, message), data: data, symbology: symbology, quantity: 0, at: time)
        }
        progress.packed[line] += units
        progress.boxes[progress.boxes.count - 1][line] += units
        if let serial { progress.serials[line].append(serial) }
        let lotIsNew = lot.map { !progress.lots[line].contains($0) } ?? false
        if let lot, lotIsNew { progress.lots[line].append(lot) }
        progress.pendingQuantity = nil
        progress.undoStack.append(.packed(line: line, units: units, serial: serial, lot: lot, lotWasNew: lotIsNew))
        current = progress
        if progress.isComplete {
            let outcome: PackResult.Outcome = progress.short.allSatisfy { $0 == 0 } ? .packed : .shortShipped
            return finish(outcome, verdict: verdict(.orderComplete, "Order \(progress.order.id) is complete. Close the box; the label prints."), data: data, symbology: symbology, quantity: units, serial: serial, lot: lot, at: time)
        }
        let left = progress.order.lines.indices.reduce(0) { $0 + progress.remaining($1) }
        return record(verdict(.accepted, "\(spec.sku) \(progress.packed[line])/\(spec.quantity). \(left) unit\(left == 1 ? "" : "s") to go."), data: data, symbology: symbology, quantity: units, serial: serial, lot: lot, at: time)
    }

    /// Short-ships what is left of a line.
    private mutating func short(_ line: Int, reason: String, data: String, symbology: String?, at time: Date) -> Verdict {
        var progress = current!
        let spec = progress.order.lines[line]
        progress.pendingShortReason = nil
        let remaining = progress.remaining(line)
        var v = Verdict(kind: .lineShorted, message: "", orderID: progress.order.id)
        v.sku = spec.sku
        v.expected = spec.quantity
        guard remaining > 0 else {
            current = progress
            v.kind = .commandRejected
            v.packed = progress.packed[line]
            v.message = "\(spec.sku) has nothing left to short-ship."
            return record(v, data: data, symbology: symbology, at: time)
        }
        progress.undoStack.append(.shorted(line: line, units: remaining, previousReason: progress.shortReasons[line]))
        progress.short[line] += remaining
        progress.shortReasons[line] = reason
        current = progress
        v.packed = progress.packed[line]
        v.message = "\(spec.sku): \(remaining) short-shipped (\(reason))."
        guard progress.isComplete else { return record(v, data: data, symbology: symbology, at: time) }
        if progress.packed.allSatisfy({ $0 == 0 }) {
            v.kind = .orderAbandoned
            v.message = "Every line of order \(progress.order.id) is short: nothing ships. The order goes back to the server."
            return finish(.abandoned, verdict: v, data: data, symbology: symbology, at: time)
        }
        v.kind = .orderComplete
        v.message = "Order \(progress.order.id) is complete with short-shipped lines. Close the box; the label prints."
        return finish(.shortShipped, verdict: v, data: data, symbology: symbology, at: time)
    }

    /// The barcode text of a command given by key, for the record.
    func commandText(_ command: PackCommand) -> String {
        switch command {
        case .undo: "CMD:UNDO"
        case .abandon: "CMD:ABANDON"
        case .newBox: "CMD:NEWBOX"
        case .reprint: "CMD:REPRINT"
        case .void: "CMD:VOID"
        case .signOut: "CMD:SIGNOUT"
        case .quantity(let n): "CMD:QTY:\(n)"
        case .short(let reason, let line): "CMD:SHORT:\(reason)" + (line.map { ":\($0)" } ?? "")
        }
    }

    mutating func perform(_ command: PackCommand, data: String, symbology: String?, at time: Date) -> Verdict {
        // Reprints concern labels already printed, not the open order (if any).
        if command == .reprint || command == .void { return requestReprint(command, at: time) }
        // Signing out needs no open order.
        if command == .signOut { return signOut(at: time) }
        guard var progress = current else {
            let what = command == .undo ? Verdict.Kind.nothingToUndo : .commandRejected
            return Verdict(kind: what, message: "No order is open. Scan an order or tote first.")
        }
        let id = progress.order.id
        switch command {
        case .abandon:
            return finish(.abandoned, verdict: Verdict(kind: .orderAbandoned, message: "Order \(id) abandoned; nothing is shipped. Put its items back.", orderID: id), data: data, symbology: symbology, at: time)
        case .quantity(let n):
            progress.pendingQuantity = n
            current = progress
            return record(Verdict(kind: .quantitySet, message: "Next scan counts \(n) units.", orderID: id), data: data, symbology: symbology, at: time)
        case .short(let reason, let lineText):
            guard configuration.shortReasons.contains(reason) else {
                return record(Verdict(kind: .commandRejected, message: "\"\(reason)\" is not a short-ship reason; use one of \(configuration.shortReasons.joined(separator: ", ")).", orderID: id), data: data, symbology: symbology, at: time)
            }
            guard let lineText else {
                progress.pendingShortReason = reason
                current = progress
                return record(Verdict(kind: .shortPending, message: "Scan the item or SKU of the line to short-ship (\(reason)).", orderID: id), data: data, symbology: symbology, at: time)
            }
            guard case .some(.some(let line)) = progress.line(for: lineText, barcode: try? Barcode.parse(lineText).get()) else {
                return record(Verdict(kind: .commandRejected, message: "\(lineText.debugPreview) is not a line of order \(id).", orderID: id), data: data, symbology: symbology, at: time)
            }
            progress.pendingShortReason = reason
            current = progress
            return packLine(line, product: nil, data: data, symbology: symbology, at: time)
        case .undo:
            return undo(data: data, symbology: symbology, at: time)
        case .newBox:
            return newBox(data: data, symbology: symbology, at: time)
        case .reprint, .void:
            return requestReprint(command, at: time)
        case .signOut:
            return signOut(at: time)
        }
    }

    private mutating func undo(data: String, symbology: String?, at time: Date) -> Verdict {
        var progress = current!
        let id = progress.order.id
        if progress.pendingQuantity != nil || progress.pendingShortReason != nil {
            progress.pendingQuantity = nil
            progress.pendingShortReason = nil
            current = progress
            return record(Verdict(kind: .undone, message: "Pending command cleared.", orderID: id), data: data, symbology: symbology, at: time)
        }
        guard let last = progress.undoStack.popLast() else {
            return record(Verdict(kind: .nothingToUndo, message: "Nothing to undo on order \(id).", orderID: id), data: data, symbology: symbology, at: time)
        }
        var v = Verdict(kind: .undone, message: "", orderID: id)
        var units = 0
        switch last {
        case .packed(let line, let n, let serial, let lot, let lotWasNew):
            progress.packed[line] -= n
            // A closed box's units cannot be undone (NEWBOX clears the undo stack): it is the open box's.
            progress.boxes[progress.boxes.count - 1][line] -= n
            if let serial, let i = progress.serials[line].lastIndex(of: serial) { progress.serials[line].remove(at: i) }
            if let lot, lotWasNew, let i = progress.lots[line].lastIndex(of: lot) { progress.lots[line].remove(at: i) }
            units = -n
            v.sku = progress.order.lines[line].sku
            v.packed = progress.packed[line]
            v.expected = progress.order.lines[line].quantity
            v.message = "Took back \(n) × \(v.sku!): \(v.packed!)/\(v.expected!). Take the item out of the box."
        case .shorted(let line, let n, let previous):
            progress.short[line] -= n
            progress.shortReasons[line] = previous
            v.sku = progress.order.lines[line].sku
            v.packed = progress.packed[line]
            v.expected = progress.order.lines[line].quantity
            v.message = "Short-ship of \(n) × \(v.sku!) taken back."
        }
        current = progress
        return record(v, data: data, symbology: symbology, quantity: units, at: time)
    }

    /// What the packer must notice when the order opens.
    func notices(for order: Order, override: PackResult.Override?) -> [Notice] {
        var notices: [Notice] = []
        switch order.priority {
        case .express: notices.append(Notice(.priority, "EXPRESS: pack this order first."))
        case .sameDay: notices.append(Notice(.priority, "SAME DAY: must leave today."))
        case .standard: break
        }
        if let value = order.value, let cents = value.hundredths, cents >= configuration.highValueThreshold {
            notices.append(Notice(.highValue, "High value: \(value.amount) \(value.currency). Seal and check."))
        }
        if order.isGift {
            notices.append(Notice(.giftInsert, order.giftMessage.map { "Gift: add the gift insert (\"\($0)\"), no prices." } ?? "Gift: add the gift insert, no prices."))
        }
        if let note = order.notes { notices.append(Notice(.note, note)) }
        // A rule's insert is a flag too; it is said once, as an insert (ruleNotices).
        for flag in order.flags where !["gift", "gift_insert"].contains(flag) && !(order.rules?.inserts.contains(flag) ?? false) { notices.append(Notice(.flag, flag)) }
        if let box = Box.suggest(for: order.lines, from: configuration.boxes) {
            notices.append(Notice(.box, "Box \(box.name) (\(box.inner.length)×\(box.inner.width)×\(box.inner.height) mm)."))
        }
        notices += ruleNotices(order, override: override)
        if let override {
            notices.append(Notice(.override, "Opened by supervisor \(override.badge) over: \(override.reasons.map(\.rawValue).joined(separator: ", "))."))
        }
        return notices
    }
}
