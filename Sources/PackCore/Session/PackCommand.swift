/// A packer command, from a command barcode (`CMD:UNDO`) or a key on the kiosk.
public enum PackCommand: Hashable, Sendable {
    /// Take back the last accepted unit(s) or short-ship.
    case undo
    /// The next product scan counts this many units (bulk items).
    case quantity(Int)
    /// Short-ship the rest of a line; the line is named here or by the next scan.
    case short(reason: String, line: String?)
    /// Give up on the open order; its record is kept with outcome `abandoned`.
    case abandon
    /// Close the box being packed (its label prints) and start the next box of the order.
    case newBox
    /// Print the last finished order's package labels again.
    case reprint
    /// Void the last label printed and print it again, marked as its replacement.
    case void
    /// Sign the packer out of the bench (an open order stays open).
    case signOut

    /// The prefix of command barcodes.
    public static let barcodePrefix = "CMD:"

    /// Parses a command barcode: `CMD:UNDO`, `CMD:QTY:12`, `CMD:SHORT:damaged`,
    /// `CMD:SHORT:damaged:SKU-1`, `CMD:ABANDON`, `CMD:NEWBOX`, `CMD:REPRINT`, `CMD:VOID`, `CMD:SIGNOUT`
    /// (case-insensitive keywords).
    /// Returns nil for text that is not a command, `.failure` for a malformed command.
    public static func parse(barcode text: String) -> Result<PackCommand, CommandError>? {
        guard text.count > barcodePrefix.count, text.prefix(barcodePrefix.count).uppercased() == barcodePrefix else { return nil }
        let parts = text.dropFirst(barcodePrefix.count).split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        switch parts[0].uppercased() {
        case "UNDO" where parts.count == 1: return .success(.undo)
        case "ABANDON" where parts.count == 1: return .success(.abandon)
        case "NEWBOX" where parts.count == 1: return .success(.newBox)
        case "REPRINT" where parts.count == 1: return .success(.reprint)
        case "VOID" where parts.count == 1: return .success(.void)
        case "SIGNOUT" where parts.count == 1: return .success(.signOut)
        case "QTY":
            guard parts.count == 2, let n = Int(parts[1]), (1...9_999).contains(n) else {
                return .failure(CommandError(text: text, message: "a quantity command is CMD:QTY:N with N from 1 to 9999"))
            }
            return .success(.quantity(n))
        case "SHORT":
            guard parts.count >= 2, !parts[1].isEmpty else {
                return .failure(CommandError(text: text, message: "a short-ship command is CMD:SHORT:REASON or CMD:SHORT:REASON:SKU"))
            }
            let line = parts.count == 3 && !parts[2].isEmpty ? parts[2] : nil
            return .success(.short(reason: parts[1].lowercased(), line: line))
        default:
            return .failure(CommandError(text: text, message: "unknown command; known: CMD:UNDO, CMD:QTY:N, CMD:SHORT:REASON[:SKU], CMD:NEWBOX, CMD:ABANDON, CMD:REPRINT, CMD:VOID, CMD:SIGNOUT"))
        }
    }
}

/// A command barcode that could not be understood.
public struct CommandError: Error, Hashable, Sendable {
    /// The scanned text.
    public let text: String
    /// What is wrong and how the command is written.
    public let message: String
}
