import Foundation
import PackCore
import Sync

/// What a bench needs to load packages at the dock (docs/dock.md): the station's name for the
/// hub, a way to have the package list brought up to date, and the dock's day.
struct DockContext: Sendable {
    /// `station.name`: the load scans' station.
    let station: String
    /// Asks for the hub's open packages to be fetched into the journal soon (DockRefresher);
    /// returns at once: no scan waits for the hub.
    let request: @Sendable () -> Void
    /// Today, `YYYY-MM-DD` in the station's time zone.
    var today: @Sendable () -> String = { DockContext.day(Date()) }

    static func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .current
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }
}

/// A load scan the station's list did not know (`unknown_package`, `not_packed`), looked at
/// again after the next fetch of the list.
struct UnresolvedLoadScan: Sendable {
    var code: String
    var carrier: String
    var at: Date
}

/// Whether a bench packs or loads, and into which carrier's trailer.
enum BenchMode: Equatable, Sendable {
    case packing
    /// Loading; the carrier is nil until `CMD:LOAD:CARRIER` names it.
    case loading(carrier: String?)
}

extension Bench {
    static let loadPrefix = "CMD:LOAD:"

    /// Handles the input when it is a load command or the bench is loading; nil: the pack
    /// session takes it.
    func loadStep(_ input: String, at time: Date) async -> Verdict? {
        let command = input.uppercased()
        if command == "CMD:LOAD:END" || command == "CMD:PACK" {
            guard case .loading(let carrier) = mode else {
                return Verdict(kind: .commandRejected, message: "This bench is packing already; \(input) changes nothing.", orderID: session.current?.order.id)
            }
            return await setMode(.packing, verdict: Verdict(kind: .loadEnded, message: "Loading \(carrier ?? "") ended — this bench packs again. Scan an order to start."))
        }
        if command.hasPrefix(Self.loadPrefix) {
            let carrier = DockPackage.normalizedCarrier(String(input.dropFirst(Self.loadPrefix.count)))
            guard !carrier.isEmpty, carrier.count <= 64, carrier.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
                return Verdict(kind: .commandRejected, message: "Scan CMD:LOAD: with the carrier's name (e.g. CMD:LOAD:UPS), 1 to 64 characters.")
            }
            if let open = session.current?.order.id {
                return Verdict(kind: .commandRejected, message: "Order \(open) is open: finish it (or CMD:ABANDON) before loading \(carrier).", orderID: open)
            }
            guard let dock else {
                return Verdict(kind: .commandRejected, message: "Loading needs the server (server.url): the packages to check come from it. Set server.url in station.toml.")
            }
            dock.request()
            unresolved.removeAll()
            let counts = loadCounts(carrier: carrier)
            return await setMode(.loading(carrier: carrier), verdict: Verdict(kind: .loadStarted, message: "Loading the \(carrier) trailer: \(counts.map { "\($0.loaded) of \($0.expected) loaded" } ?? "package list not fetched yet"), the list is being brought up to date. Scan each package's label; CMD:LOAD:END when done."))
        }
        guard case .loading(let carrier) = mode else { return nil }
        guard let carrier, let dock else {
            return Verdict(kind: .commandRejected, message: "This bench loads trailers: scan CMD:LOAD:<CARRIER> (e.g. CMD:LOAD:UPS) to say which one first.")
        }
        if command.hasPrefix("CMD:") {
            return Verdict(kind: .commandRejected, message: "Loading \(carrier): only CMD:LOAD:<CARRIER>, CMD:LOAD:END and CMD:PACK work here; scan CMD:LOAD:END to pack again.")
        }
        let day = dock.today()
        let package = (try? journal.dockPackage(code: input)) ?? nil
        let loaded = package.map { (try? journal.isLoaded(code: $0.code, carrier: carrier, day: day)) ?? false } ?? false
        let unpacked = package == nil ? unpackedOrder(input) : nil
        let answer = LoadCheck.verdict(code: input, carrier: carrier, package: package, loaded: loaded, unpackedOrder: unpacked)
        do {
            try await journal.writer.recordLoadScan(code: input, carrier: carrier, verdict: answer, station: dock.station, person: session.packer, day: day, at: time)
        } catch {
            logger.critical("journal write failed", metadata: ["bench": "\(name)", "error": "\(error.message)"])
            return Verdict(kind: .commandRejected, message: "NOT SAVED — \(error.message) Scan the package again once a supervisor has looked.")
        }
        if package == nil {
            // Perhaps packed since the list was fetched: fetch it (in the background) and look again.
            if unresolved.count == Self.maximumUnresolved { unresolved.removeFirst() }
            unresolved.append(UnresolvedLoadScan(code: input, carrier: carrier, at: time))
            dock.request()
        }
        return Verdict(kind: Verdict.Kind(rawValue: answer.kind.rawValue) ?? .unknownPackage, message: answer.message, orderID: answer.package?.orderID ?? unpacked)
    }

    /// The most unknown scans kept to look at again after the next fetch (the oldest go first).
    static let maximumUnresolved = 50

    /// Whether the bench is loading a named carrier's trailer (the package list is kept fresh).
    var isLoadingTrailer: Bool {
        if case .loading(let carrier?) = mode { carrier.isEmpty == false } else { false }
    }

    /// A fetch of the package list that began at `startedAt` is done: each scan it may have
    /// answered and the list now knows gets its real verdict on the kiosk and the speaker
    /// ("loaded" is counted here; the hub has the scan already and counts it by its code, so
    /// nothing is sent again). Scans made before the fetch began that it does not know stay
    /// unknown; later ones wait for the next fetch, which their scan asked for.
    func dockListFetched(startedAt: Date) async {
        guard let dock else { return }
        if case .loading(let current?) = mode {
            var waiting: [UnresolvedLoadScan] = []
            for scan in unresolved {
                guard DockPackage.sameCarrier(scan.carrier, current) else { continue }
                guard let package = (try? journal.dockPackage(code: scan.code)) ?? nil else {
                    if scan.at >= startedAt { waiting.append(scan) }
                    continue
                }
                let day = dock.today()
                let loaded = (try? journal.isLoaded(code: package.code, carrier: current, day: day)) ?? false
                let answer = LoadCheck.verdict(code: scan.code, carrier: current, package: package, loaded: loaded, unpackedOrder: nil)
                if answer.kind == .loaded {
                    do { try await journal.writer.markDockLoaded(code: package.code, carrier: current, day: day) } catch {
                        logger.error("journal write failed", metadata: ["bench": "\(name)", "error": "\(error.message)"])
                    }
                }
                let kind = Verdict.Kind(rawValue: answer.kind.rawValue) ?? .unknownPackage
                show(Verdict(kind: kind, message: "\(scan.code) is known now (the package list was out of date): \(answer.message)", orderID: package.orderID), scan: scan.code)
            }
            unresolved = waiting
        } else {
            unresolved.removeAll()
        }
        changed()
    }

    /// The order a scanned code opens when it is an order of this station's cache not packed
    /// yet (its barcode, or our package code `PKG:ORDER:N`).
    private func unpackedOrder(_ code: String) -> String? {
        var barcode = code
        if code.hasPrefix("PKG:"), let colon = code.lastIndex(of: ":"), colon > code.index(code.startIndex, offsetBy: 3) {
            barcode = String(code[code.index(code.startIndex, offsetBy: 4)..<colon])
        }
        guard let order = (try? journal.cachedOrder(barcode: barcode)) ?? nil, order.status != .packed else { return nil }
        return order.id
    }

    private func setMode(_ new: BenchMode, verdict: Verdict) async -> Verdict {
        let carrier: String? = if case .loading(let c) = new { c ?? "" } else { nil }
        do { try journal.setLoadingCarrier(carrier, bench: name) } catch {
            return Verdict(kind: .commandRejected, message: "NOT SAVED — \(error.message)")
        }
        mode = new
        return verdict
    }

    /// Puts the bench in load mode at start (`bench.mode = "load"`), keeping a carrier the
    /// journal remembers from before a restart.
    func restoreMode(loadByDefault: Bool) {
        if let carrier = (try? journal.loadingCarrier(bench: name)) ?? nil {
            mode = .loading(carrier: carrier.isEmpty ? nil : carrier)
        } else if loadByDefault {
            mode = .loading(carrier: nil)
        }
    }

    func loadCounts(carrier: String) -> (expected: Int, loaded: Int, fetchedAt: Date?)? {
        guard let dock else { return nil }
        guard let counts = try? journal.dockCounts(carrier: carrier, day: dock.today()) else { return nil }
        return counts.fetchedAt == nil ? nil : counts
    }

    /// The kiosk's `load` section: the trailer's counts, or null when the bench packs.
    func loadView(now: Date = Date()) -> JSONValue {
        guard case .loading(let carrier) = mode else { return .null }
        guard let carrier else { return .object([("carrier", .null), ("loaded", .int(0)), ("expected", .int(0)), ("missing", .int(0)), ("cache_age_seconds", .null)]) }
        let counts = dock.flatMap { try? journal.dockCounts(carrier: carrier, day: $0.today()) }
        let expected = counts?.expected ?? 0, loaded = counts?.loaded ?? 0
        return .object([
            ("carrier", .string(carrier)), ("loaded", .int(loaded)), ("expected", .int(expected)), ("missing", .int(max(0, expected - loaded))),
            ("cache_age_seconds", counts?.fetchedAt.map { .int(max(0, Int(now.timeIntervalSince($0)))) } ?? .null),
        ])
    }
}
