import Foundation

/// Packer sign-in: a badge signs a packer in at the bench, `CMD:SIGNOUT` or the idle timeout
/// signs them out, and results carry who packed them.
extension PackSession {
    /// The packer results are recorded for: the one signed in by badge, else the configured one.
    public var packer: String? { signedIn?.packer ?? configuration.packer }

    /// The packer a barcode is the badge of, if it is one: a configured badge, a badge on the
    /// hub's list, or the configured prefix followed by the packer's id (in that order).
    public func packerName(forBadge data: String) -> String? {
        if let name = configuration.packerBadges[data] { return name }
        if let name = configuration.hubPackerBadges[data] { return name }
        if let prefix = configuration.packerBadgePrefix, !prefix.isEmpty, data.count > prefix.count, data.hasPrefix(prefix) {
            return String(data.dropFirst(prefix.count))
        }
        return nil
    }

    /// Signs out a packer idle for `packerIdleTimeout` or longer; the owner may call it on a
    /// timer to show the sign-out at once (`handle` calls it before every input).
    public mutating func expireIdlePacker(at time: Date) -> Verdict? {
        guard let timeout = configuration.packerIdleTimeout, let current = signedIn, time.timeIntervalSince(current.lastInput) >= timeout else { return nil }
        signedIn = nil
        timedOut = current.packer
        var v = Verdict(kind: .signedOut, message: "\(current.packer) was signed out after \(Self.minutes(timeout)) without a scan; scan your badge to sign in again.", orderID: self.current?.order.id)
        v.packer = current.packer
        return v
    }

    mutating func signIn(_ packer: String, at time: Date) -> Verdict {
        let previous = signedIn?.packer
        signedIn = (packer, time)
        timedOut = nil
        var message = previous == nil || previous == packer ? "\(packer) is signed in." : "\(packer) is signed in; \(previous!) is signed out."
        if let order = current { message += " Order \(order.order.id) is open: go on scanning its items." }
        var v = Verdict(kind: .signedIn, message: message, orderID: current?.order.id)
        v.packer = packer
        return v
    }

    mutating func signOut(at time: Date) -> Verdict {
        guard let who = signedIn?.packer else {
            return Verdict(kind: .commandRejected, message: "Nobody is signed in at this bench; scan a badge to sign in.", orderID: current?.order.id)
        }
        signedIn = nil
        timedOut = nil
        var message = "\(who) is signed out."
        if let order = current { message += " Order \(order.order.id) stays open for the next packer." }
        var v = Verdict(kind: .signedOut, message: message, orderID: current?.order.id)
        v.packer = who
        return v
    }

    mutating func packerRequired(data: String, symbology: String?, at time: Date) -> Verdict {
        let why = timedOut.map { "\($0) was signed out after \(Self.minutes(configuration.packerIdleTimeout ?? 0)) without a scan. " } ?? "Nobody is signed in at this bench. "
        let v = Verdict(kind: .packerRequired, message: why + "Scan your badge, then scan \(data.debugPreview) again; nothing was counted.", orderID: current?.order.id)
        return record(v, data: data, symbology: symbology, at: time)
    }

    static func minutes(_ seconds: TimeInterval) -> String {
        seconds >= 120 ? "\(Int(seconds / 60)) minutes" : Int(seconds) == 1 ? "1 second" : "\(Int(seconds)) seconds"
    }
}
