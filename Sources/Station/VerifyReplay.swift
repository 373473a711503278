import Foundation
import PackCore

/// Replays recorded scans against orders through the same pack session the agent runs, and
/// writes one JSON line per scan and a summary (the `packstation verify` contract).
public struct VerifyReplay {
    private var session: PackSession
    private let catalog: OrderCatalog
    private var finished: [PackResult] = []
    private var lastComplete = false

    /// Prepares a replay; orders whose barcodes collide are refused.
    public init(orders: [Order], configuration: PackSession.Configuration) throws(StationError) {
        do { catalog = try OrderCatalog(orders) } catch {
            throw StationError(code: "orders.conflict", message: "The orders cannot be packed together: \(error).")
        }
        session = PackSession(configuration: configuration)
    }

    /// Feeds every scan, emitting each verdict line, then the summary line.
    public mutating func replay(_ scans: [ScanFile.Entry], now: () -> Date, emit: (String) -> Void) {
        for entry in scans {
            let verdict = feed(entry.data, at: now())
            var members: [(String, JSONValue)] = [("line", .int(entry.line)), ("scan", .string(entry.data))]
            members += verdict.jsonMembers
            emit(JSONValue.object(members).jsonText)
        }
        emit(summary(at: now()).jsonText)
    }

    /// One scan through the session, answering an order lookup from the catalog.
    public mutating func feed(_ data: String, at time: Date) -> Verdict {
        var verdict: Verdict
        switch session.handle(.scan(data), at: time) {
        case .verdict(let v): verdict = v
        case .lookUpOrder(let code): verdict = session.orderLookedUp(catalog.order(forBarcode: code), at: time)
        }
        if let result = verdict.result {
            finished.append(result)
            lastComplete = verdict.kind == .orderComplete
        } else if verdict.kind == .orderOpened || verdict.kind == .overrideAccepted {
            lastComplete = false
        }
        return verdict
    }

    /// The summary: whether the last order packed was completed, its result, every finished
    /// result, and the open order's record so far.
    public func summary(at time: Date) -> JSONValue {
        let config = session.configuration
        let open = session.current?.result(station: config.station, packer: session.packer, outcome: .open, at: time, box: nil)
        let complete = session.current == nil && lastComplete
        var members: [(String, JSONValue)] = [("complete", .bool(complete))]
        members.append(("result", (open ?? finished.last)?.json ?? .null))
        members.append(("results", .array(finished.map(\.json))))
        members.append(("parked", .array(session.parked.map { .string($0.order.id) })))
        return .object(members)
    }
}
