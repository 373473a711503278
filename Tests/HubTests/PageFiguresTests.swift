import Foundation
@testable import Hub
import PackCore
import Testing

/// The supervisor's page's aggregates: packed per hour (by station, by packer), error verdicts
/// per 100 scans, the backlog's buckets, orders by state and the stations' health, each as the
/// supervisor reads it off the page.
@Suite struct PageFiguresTests {
    // 2026-12-04T14:30:00Z: the window is 03:00 … 14:00 (12 hours, the current one last).
    static let now = Date(timeIntervalSince1970: 1_796_394_600)
    static let hour = 1_796_394_600 / 3600

    static let ages: [(Double, Int)] = [(0, 0), (3599, 0), (3600, 1), (14_399, 1), (14_400, 2), (86_399, 2), (86_400, 3), (2_592_000, 3)]

    @Test(arguments: ages)
    func backlogBuckets(age: Double, bucket: Int) {
        #expect(Backlog.bucket(age: age) == bucket)
    }

    static let rates: [(Int, Int, String)] = [(0, 0, "–"), (200, 3, "1.5"), (3, 1, "33.3"), (100, 0, "0.0"), (7, 7, "100.0")]

    @Test(arguments: rates)
    func errorsPer100Scans(scans: Int, errors: Int, shown: String) {
        #expect(ScanErrors.Rate(station: "b", scans: scans, errors: errors).per100Text == shown)
    }

    @Test func perHourSeriesKeepTheWindowSortByTotalAndSumTheRest() {
        let window = PackedPerHour.window(now: Self.now)
        #expect(window.count == 12 && window.upperBound == Self.hour)
        var rows = [
            PackedPerHour.Row(key: "b", hour: Self.hour, count: 2), PackedPerHour.Row(key: "b", hour: Self.hour - 11, count: 1),
            PackedPerHour.Row(key: "b", hour: Self.hour - 12, count: 50),  // before the window: not counted
            PackedPerHour.Row(key: "b", hour: Self.hour + 1, count: 50),  // a clock ahead: not counted
            PackedPerHour.Row(key: "a", hour: Self.hour, count: 3), PackedPerHour.Row(key: nil, hour: Self.hour - 1, count: 1),
        ]
        var series = PackedPerHour.series(rows, window: window)
        #expect(series.map(\.name) == [.named("a"), .named("b"), .nobody])
        #expect(series[1].counts == [1] + Array(repeating: 0, count: 10) + [2])
        #expect(series[2].counts[10] == 1)
        // Ten more packers of one order each: six series drawn, the rest summed into "others".
        rows += (0..<10).map { PackedPerHour.Row(key: "p\($0)", hour: Self.hour - 2, count: 1) }
        series = PackedPerHour.series(rows, window: window)
        #expect(series.count == PackedPerHour.maximumSeries)
        #expect(series.last?.name == .others)
        #expect(series.reduce(0) { $0 + $1.total } == 3 + 3 + 1 + 10, "nothing lost in the sum")
    }

    @Test func chartScaleIsRound() {
        #expect([1, 2, 3, 7, 10, 11, 47, 180, 1001].map(PageChart.niceCeiling) == [1, 2, 5, 10, 10, 20, 50, 200, 2000])
    }

    @Test func figuresFromTheStationsResultsAndTheQueue() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        _ = try hub.store.addStation(name: "bench-2")
        let t = Self.now.timeIntervalSince1970
        // The backlog: imported 10 min, 2 h, 5 h and 2 days ago; one on hold and one packed are not in it.
        for (id, priority, age) in [("q1", "same_day", 600.0), ("q2", "same_day", 7200), ("q3", "express", 18_000), ("q4", "standard", 172_800), ("q5", "standard", 172_800)] {
            try importOrder(hub, id: id, priority: priority, at: Date(timeIntervalSince1970: t - age))
        }
        try importOrder(hub, id: "held", status: "on_hold", at: Date(timeIntervalSince1970: t - 60))
        for id in ["p1", "p2", "p3", "p4", "old"] { try importOrder(hub, id: id, at: Date(timeIntervalSince1970: t - 86_400 * 3)) }

        let bench1 = try await hub.store.authenticate(authorization: "Bearer " + hub.token)
        let bench2 = try await hub.store.authenticate(authorization: "Bearer " + (try hub.store.addStation(name: "bench-3")))
        // bench-1: ana packs p1 at 14:10 (2 scans, 1 wrong item) and p2 at 13:20 (3 scans);
        // bench-3: nobody signed in packs p3 at 14:05 (short) and abandons p4 (2 scans, both errors);
        // an open snapshot of p4 (its scans would be counted twice) and a result of 3 days ago are left out.
        try await store(hub, bench1, "p1", packer: "ana", ended: t - 1200, verdicts: ["order_opened", "wrong_item"])
        try await store(hub, bench1, "p2", packer: "ana", ended: t - 4200, verdicts: ["order_opened", "accepted", "order_complete"])
        try await store(hub, bench2, "p3", packer: nil, outcome: "short_shipped", ended: t - 1500, verdicts: ["order_opened", "line_shorted"])
        try await store(hub, bench2, "p4", packer: nil, outcome: "open", ended: t - 900, verdicts: ["order_opened", "unknown_barcode"], key: "snap")
        try await store(hub, bench2, "p4", packer: nil, outcome: "abandoned", ended: t - 600, verdicts: ["unknown_barcode", "over_quantity"])
        try await store(hub, bench1, "old", packer: "ana", ended: t - 86_400 * 2, verdicts: ["wrong_item"])

        let f = try await hub.store.pageFigures(now: Self.now)
        let p = f.packedPerHour
        #expect(p.hourStarts.last == Self.hour * 3600)
        #expect(p.byStation.map(\.name) == [.named("bench-1"), .named("bench-3")])
        #expect(p.byStation[0].counts.suffix(2) == [1, 1], "bench-1: one order at 13:xx, one at 14:xx")
        #expect(p.byStation[1].counts.suffix(2) == [0, 1], "bench-3: the short-shipped order; abandoned and open ones are not packed")
        #expect(p.byPacker.map(\.name) == [.named("ana"), .nobody] && p.byPacker.map(\.total) == [2, 1])
        #expect(p.tallest == 2)

        let rates = f.scanErrors.stations
        #expect(rates == [ScanErrors.Rate(station: "bench-1", scans: 5, errors: 1), ScanErrors.Rate(station: "bench-3", scans: 4, errors: 2)])
        #expect(f.scanErrors.total.per100Text == "33.3", "3 error verdicts in 9 scans")

        #expect(f.backlog.counts == [[1, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 3]], "the abandoned order waits again")
        #expect(f.backlog.total == 6)
        let states = Dictionary(uniqueKeysWithValues: f.states.map { ($0.state, $0.count) })
        #expect(states["ready"] == 5 + 1 && states["packed"] == 4 && states["on_hold"] == 1, "\(f.states)")
        #expect(f.states.reduce(0) { $0 + $1.count } == 11)

        // The page shows them: the chart's segments carry their counts, the tables their figures.
        let html = PageLive.render(PageSnapshot(figures: f, queue: [], packers: [], results: []), language: .en, timeZone: TimeZone(identifier: "UTC")!)
        #expect(html.contains(#"data-series="bench-1" data-hour="\#(Self.hour * 3600)" data-count="1""#))
        #expect(html.contains(#"data-station="bench-3" data-per100="50.0"><td>bench-3</td><td>4</td><td>2</td><td>50.0</td>"#))
        #expect(html.contains(#"<tr data-priority="standard"><th>standard</th><td data-bucket="0">0</td><td data-bucket="1">0</td><td data-bucket="2">0</td><td data-bucket="3" class="old">3</td><td>3</td></tr>"#))
        #expect(html.contains("14:00</text>"), "hours on the axis")
    }

    @Test func stationHealthShowsHeartbeatAgeAndOutboxAge() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        let station = try await hub.store.authenticate(authorization: "Bearer " + hub.token, now: Self.now.addingTimeInterval(-30))
        let status = try JSONParser.parse(#"{"scanners":[{"name":"DS2208","state":"ready"}],"printers":[{"name":"zebra","state":"paper_out"}],"outbox_pending":12,"oldest_pending_at":"2026-12-04T14:20:00Z"}"#)
        try await hub.store.recordStatus(status, from: station, now: Self.now.addingTimeInterval(-30))
        _ = try hub.store.addStation(name: "bench-0")
        let f = try await hub.store.pageFigures(now: Self.now)
        #expect(f.stations.map(\.name) == ["bench-0", "bench-1"])
        let b1 = f.stations[1]
        #expect(b1.online(now: Self.now) && !f.stations[0].online(now: Self.now))
        #expect(b1.outboxPending == 12 && b1.outboxAge(now: Self.now) == 600)
        #expect(b1.printers == [StationHealth.Device(name: "zebra", state: "paper_out")])
        let en = PageLive.render(PageSnapshot(figures: f, queue: [], packers: [], results: []), language: .en)
        #expect(en.contains(#"<tr data-station="bench-1" data-online="true"><td>bench-1</td><td class="online">online</td><td>30 s ago</td>"#))
        #expect(en.contains(#"<span class="device bad" data-state="paper_out">zebra (paper_out)</span>"#))
        #expect(en.contains(#"<td data-pending="12">12</td><td class="bad">10 min ago</td>"#), "an outbox 10 minutes old is flagged")
        #expect(en.contains(#"<td class="offline">offline</td><td>never</td>"#))
        let es = PageLive.render(PageSnapshot(figures: f, queue: [], packers: [], results: []), language: .es)
        #expect(es.contains(#"<td class="online">en línea</td><td>hace 30 s</td>"#) && es.contains("Pendientes por prioridad y antigüedad"))
    }

    private func importOrder(_ hub: HubFixture, id: String, priority: String = "standard", status: String = "ready", at: Date) throws {
        let json = #"{"id":"\#(id)","barcodes":[],"status":"\#(status)","payment":"captured","priority":"\#(priority)","lines":[{"sku":"S","quantity":1,"barcodes":["4006381333931"]}]}"#
        _ = try hub.store.importOrders(OrderImport.parse(Array(json.utf8), name: "o.jsonl"), now: at)
    }

    private func store(_ hub: HubFixture, _ station: HubStore.Station, _ order: String, packer: String?, outcome: String = "packed",
                       ended: Double, verdicts: [String], key: String = "r") async throws {
        let end = HubStore.timestamp(ended)
        let scans = verdicts.enumerated().map { #"{"seq":\#($0.offset + 1),"data":"4006381333931","verdict":"\#($0.element)","at":"\#(end)"}"# }
        let body = #"{"order_id":"\#(order)","station":"\#(station.name)","packer":\#(packer.map { "\"\($0)\"" } ?? "null"),"outcome":"\#(outcome)","started_at":"\#(HubStore.timestamp(ended - 60))","ended_at":"\#(end)","lines":[{"sku":"S","expected":1,"packed":1,"short":0,"short_reason":null,"serials":[],"lots":[]}],"scans":[\#(scans.joined(separator: ","))]}"#
        let batch = #"{"items":[{"key":"\#(key)-\#(order)","type":"pack_result","order_id":"\#(order)","body":\#(body)}]}"#
        _ = try await hub.store.store(ResultBatch(bytes: Array(batch.utf8)), from: station, now: Date(timeIntervalSince1970: ended))
    }
}
