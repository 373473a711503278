import Foundation

/// What the supervisor's page shows live, computed once per update and sent to every open page:
/// orders by state, packed per hour by station and by packer, error verdicts per 100 scans,
/// the backlog by priority and age, and the stations' health. Pure values: the store fills them
/// (HubStore+PageFigures.swift), the page renders them (PageLive.swift).
public struct PageFigures: Sendable, Hashable {
    /// When they were computed.
    public var now: Date
    /// The newest hub event they include (0 when there is none).
    public var lastEventID: Int64
    /// Orders per state, in the lifecycle's order, then the orders on hold.
    public var states: [StateCount]
    /// Orders packed per hour over the last ``PackedPerHour/hours`` hours.
    public var packedPerHour: PackedPerHour
    /// Scans and error verdicts per station over the last ``ScanErrors/window``.
    public var scanErrors: ScanErrors
    /// Orders waiting to be packed, by priority and age.
    public var backlog: Backlog
    /// Each station's heartbeat and outbox.
    public var stations: [StationHealth]

    /// One state and its number of orders.
    public struct StateCount: Sendable, Hashable {
        public var state: String
        public var count: Int
    }
}

/// Orders packed (`packed` or `short_shipped`) per hour, by station and by packer, from the
/// pack results' `ended_at` (the hour the packer finished, not when the hub heard of it).
public struct PackedPerHour: Sendable, Hashable {
    /// Hours shown, the current one last.
    public static let hours = 12
    /// Series drawn one by one; the rest are summed into one "others" series.
    public static let maximumSeries = 7

    /// The start of each hour shown (seconds since 1970, UTC), oldest first.
    public var hourStarts: [Int]
    /// Per station, most packed first.
    public var byStation: [Series]
    /// Per packer (`nil`: nobody signed in), most packed first.
    public var byPacker: [Series]

    /// One bar series: a name (nil for "nobody", or the others) and a count per hour.
    public struct Series: Sendable, Hashable {
        public enum Name: Sendable, Hashable { case named(String), nobody, others }
        public var name: Name
        public var counts: [Int]
        public var total: Int { counts.reduce(0, +) }
    }

    /// One grouped row from the database: a key (station or packer), an hour index since 1970
    /// (`floor(ended_at / 3600)`) and how many orders were packed in it.
    public struct Row: Sendable, Hashable {
        public var key: String?
        public var hour: Int
        public var count: Int
        public init(key: String?, hour: Int, count: Int) {
            self.key = key
            self.hour = hour
            self.count = count
        }
    }

    /// The hour indexes of the window ending with the hour `now` is in.
    public static func window(now: Date) -> ClosedRange<Int> {
        let current = Int((now.timeIntervalSince1970 / 3600).rounded(.down))
        return (current - hours + 1)...current
    }

    /// Series from grouped rows: one count per hour of `window` (rows outside it are ignored),
    /// most packed first (then by name), beyond ``maximumSeries`` summed into "others".
    public static func series(_ rows: [Row], window: ClosedRange<Int>, nilName: Series.Name = .nobody) -> [Series] {
        var counts: [String?: [Int]] = [:]
        for row in rows where window.contains(row.hour) {
            counts[row.key, default: Array(repeating: 0, count: window.count)][row.hour - window.lowerBound] += row.count
        }
        var all = counts.map { Series(name: $0.key.map(Series.Name.named) ?? nilName, counts: $0.value) }
        all.sort { a, b in a.total != b.total ? a.total > b.total : a.sortKey < b.sortKey }
        guard all.count > maximumSeries else { return all }
        let kept = Array(all.prefix(maximumSeries - 1))
        var others = Series(name: .others, counts: Array(repeating: 0, count: window.count))
        for s in all.dropFirst(maximumSeries - 1) {
            for i in s.counts.indices { others.counts[i] += s.counts[i] }
        }
        return kept + [others]
    }

    /// The largest stacked bar (0 when nothing was packed).
    public var tallest: Int {
        hourStarts.indices.map { i in byStation.reduce(0) { $0 + $1.counts[i] } }.max() ?? 0
    }
}

extension PackedPerHour.Series {
    fileprivate var sortKey: String {
        switch name {
        case .named(let s): "1" + s
        case .nobody: "2"
        case .others: "3"
        }
    }
}

/// Error verdicts per 100 scans, from the scans of the final pack results (`packed`,
/// `short_shipped`, `abandoned`; the snapshots of orders still open are left out so no scan is
/// counted twice) that ended in the window.
public struct ScanErrors: Sendable, Hashable {
    /// How far back the figures go.
    public static let window: TimeInterval = 24 * 3600

    /// The verdicts that count as errors: those the kiosk shows in red, where a scan was wrong or
    /// refused (the pack-result schema's verdicts minus the good and informational ones).
    public static let errorVerdicts = [
        "wrong_item", "over_quantity", "unknown_barcode", "invalid_barcode", "order_blocked", "serial_required",
        "duplicate_serial", "no_order_open", "order_already_open", "nothing_to_undo", "override_refused",
        "command_rejected", "nothing_to_reprint", "packer_required", "order_unavailable",
    ]

    /// Per station, by name.
    public var stations: [Rate]
    /// All stations together.
    public var total: Rate {
        Rate(station: nil, scans: stations.reduce(0) { $0 + $1.scans }, errors: stations.reduce(0) { $0 + $1.errors })
    }

    /// Scans and errors of one station (nil: all).
    public struct Rate: Sendable, Hashable {
        public var station: String?
        public var scans: Int
        public var errors: Int
        public init(station: String?, scans: Int, errors: Int) {
            self.station = station
            self.scans = scans
            self.errors = errors
        }

        /// Errors per 100 scans, nil without scans.
        public var per100: Double? { scans == 0 ? nil : Double(errors) * 100 / Double(scans) }

        /// `per100` with one decimal, or "–" without scans.
        public var per100Text: String { per100.map { String(format: "%.1f", $0) } ?? "–" }
    }
}

/// Orders ready to pack and not packed, by priority (same day, express, standard) and by how
/// long ago they were imported.
public struct Backlog: Sendable, Hashable {
    /// Upper bounds of the age buckets in seconds: < 1 h, 1–4 h, 4–24 h; the last bucket is the rest.
    public static let bucketBounds: [TimeInterval] = [3600, 4 * 3600, 24 * 3600]
    /// The priorities in urgency rank order (the rank is the index).
    public static let priorities = ["same_day", "express", "standard"]

    /// `counts[rank][bucket]`.
    public var counts: [[Int]]

    /// An empty backlog.
    public init() {
        counts = Array(repeating: Array(repeating: 0, count: Self.bucketBounds.count + 1), count: Self.priorities.count)
    }

    /// The bucket of an order imported `age` seconds ago.
    public static func bucket(age: TimeInterval) -> Int {
        bucketBounds.firstIndex { age < $0 } ?? bucketBounds.count
    }

    /// Orders in one priority.
    public func total(rank: Int) -> Int { counts[rank].reduce(0, +) }
    /// Orders in one age bucket.
    public func total(bucket: Int) -> Int { counts.reduce(0) { $0 + $1[bucket] } }
    /// All orders waiting.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
}

/// A station's health as its heartbeats tell it.
public struct StationHealth: Sendable, Hashable {
    public var name: String
    /// When the hub last heard from it (any request), nil when never.
    public var lastSeen: Date?
    /// Its scanners and printers: name and state (`ready`, `offline`, `paper_out`, …).
    public var scanners: [Device]
    public var printers: [Device]
    /// Results in its outbox at the last heartbeat, and since when the oldest waits.
    public var outboxPending: Int?
    public var oldestPendingAt: Date?

    /// One device.
    public struct Device: Sendable, Hashable {
        public var name: String
        public var state: String
    }

    /// Heard from within ``HubStore/onlineWindow``.
    public func online(now: Date) -> Bool {
        lastSeen.map { now.timeIntervalSince($0) <= HubStore.onlineWindow } ?? false
    }

    /// How long the oldest result has waited in the outbox, nil when none waits.
    public func outboxAge(now: Date) -> TimeInterval? {
        guard (outboxPending ?? 0) > 0 else { return nil }
        return oldestPendingAt.map { max(0, now.timeIntervalSince($0)) }
    }
}
