import Foundation
import GRDB
@testable import Hub
import PackCore
import Testing

/// The page's event stream (`GET /events`): the live section at once, again on each hub event
/// and on each tick; a bounded number of streams; a stalled page disconnected; streams end.
@Suite struct PageFeedTests {
    @Test func thePageGetsTheLiveSectionAtOnceAndAgainOnEachHubEvent() async throws {
        // A tick of a minute: within this test only hub events push updates.
        let hub = try HubFixture(configureAPI: { $0.pageFeed = PageFeed(store: $0.store, interval: .seconds(60)) })
        defer { hub.remove() }
        let client = SSETestClient(port: await hub.port())
        defer { client.close() }
        #expect(await client.wait(seconds: 10) { $0.events.count >= 1 }, "the first update")
        #expect(client.status == 200 && client.header("Content-Type")?.hasPrefix("text/event-stream") == true)
        let first = try #require(client.events.first)
        #expect(first.type == "live" && first.id == "0" && first.data.hasPrefix(#"<section id="live" data-event-id="0""#))
        #expect(first.data.contains(#"data-state="ready" data-count="0""#))

        try hub.importOrders(HubFixture.order("A-1"))
        let id = try await hub.store.pool.write { db in try HubStore.appendEvent(db, type: "order.imported", orderID: "A-1", at: Date()) }
        #expect(await client.wait(seconds: 30) { $0.events.contains { $0.id == "\(id)" } }, "an update for event \(id), before the 60 s tick")
        let second = try #require(client.events.last)
        #expect(second.data.contains(#"data-state="ready" data-count="1""#), "the new order is counted")
        #expect(second.data.contains("<td>A-1</td>"), "and queued")
    }

    @Test func aClientThatDoesNotAskForAStreamGetsOneUpdateAndTheEnd() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        let r = await hub.send("GET", "/events")
        #expect(r.status == 200 && r.header("Content-Type")?.hasPrefix("text/event-stream") == true)
        #expect(r.text.hasPrefix("retry: 2000\n\nid: 0\nevent: live\ndata: <section id=\"live\""), "\(r.text.prefix(200))")
        #expect(r.text.components(separatedBy: "event: live").count == 2, "exactly one update")
        #expect(hub.api.pageFeed.openStreams == 0)
    }

    @Test func streamsBeyondTheLimitAreRefusedUntilOneCloses() async throws {
        let hub = try HubFixture(configureAPI: { $0.pageFeed = PageFeed(store: $0.store, maximumStreams: 2) })
        defer { hub.remove() }
        let port = await hub.port()
        let a = SSETestClient(port: port), b = SSETestClient(port: port)
        defer { a.close(); b.close() }
        #expect(await a.wait(seconds: 10) { !$0.events.isEmpty })
        #expect(await b.wait(seconds: 10) { !$0.events.isEmpty })
        let refused = await hub.send("GET", "/events", headers: [("Accept", "text/event-stream")])
        #expect(refused.status == 503 && refused.header("Retry-After") == "10")
        #expect(refused.text.contains("\"code\":\"too_many_streams\""), "\(refused.text)")
        #expect(refused.text.contains("close a page you do not need"))
        a.close()
        // The closed stream's slot comes back when the hub next writes to it (the tick) or sees the close.
        var admitted = false
        for _ in 0..<40 where !admitted {
            let again = SSETestClient(port: port)
            admitted = await again.wait(seconds: 0.5) { $0.status == 200 }
            again.close()
        }
        #expect(admitted, "a page is served again once one closed")
    }

    @Test func aPageThatStopsReadingIsDisconnectedAndItsSlotFreed() async throws {
        // Updates every 50 ms of ~1 MB each (twenty stations with large device lists), a one-second write timeout.
        let hub = try HubFixture(configureAPI: {
            $0.pageFeed = PageFeed(store: $0.store, maximumStreams: 1, interval: .milliseconds(50), minimumGap: .zero, writeTimeout: .seconds(1))
        })
        defer { hub.remove() }
        let devices = (0..<300).map { #"{"name":"scanner-\#($0)-\#(String(repeating: "x", count: 120))","state":"ready"}"# }.joined(separator: ",")
        for i in 0..<20 {
            let token = try hub.store.addStation(name: "bench-big-\(i)")
            let station = try await hub.store.authenticate(authorization: "Bearer " + token)
            try await hub.store.recordStatus(try JSONParser.parse(#"{"scanners":[\#(devices)],"printers":[],"outbox_pending":0}"#), from: station)
        }
        let port = await hub.port()
        let stalled = SSETestClient(port: port, reading: false)
        defer { stalled.close() }
        var freed = false
        for _ in 0..<60 where !freed {
            try await Task.sleep(for: .milliseconds(500))
            freed = hub.api.pageFeed.openStreams == 0
        }
        #expect(freed, "the stalled stream was dropped (open streams: \(hub.api.pageFeed.openStreams))")
        #expect(stalled.drainAndCheckClosed(), "and its connection closed")
        let next = SSETestClient(port: port)
        defer { next.close() }
        #expect(await next.wait(seconds: 10) { !$0.events.isEmpty }, "the slot serves another page")
    }

    @Test func aStreamEndsAfterItsLongestDurationAndTheBrowserIsToldToReconnect() async throws {
        let hub = try HubFixture(configureAPI: { $0.pageFeed = PageFeed(store: $0.store, interval: .milliseconds(200), maximumStreamDuration: .seconds(1)) })
        defer { hub.remove() }
        let client = SSETestClient(port: await hub.port())
        defer { client.close() }
        #expect(await client.wait(seconds: 10) { $0.responseEnded }, "the stream ended")
        #expect(client.events.count >= 1 && client.events.allSatisfy { $0.type == "live" })
        #expect(await client.wait(seconds: 2) { _ in hub.api.pageFeed.openStreams == 0 }, "its slot is free")
    }

    @Test func theEventStreamNeedsTheAdminToken() async throws {
        let hub = try HubFixture(adminToken: "admin-token-0123456789")
        defer { hub.remove() }
        let denied = await hub.send("GET", "/events", token: .some(nil), headers: [("Accept", "text/event-stream")])
        #expect(denied.status == 401 && denied.header("WWW-Authenticate") != nil)
        let station = await hub.send("GET", "/events", headers: [("Accept", "text/event-stream")])
        #expect(station.status == 401, "a station's token is not the admin's")
        let admin = await hub.send("GET", "/events", token: "Bearer admin-token-0123456789")
        #expect(admin.status == 200 && admin.text.contains("event: live"))
    }

    @Test func anEventSplitsTheSectionIntoDataLines() {
        let text = PageFeed.event(.init(eventID: 7, html: "<p>a\nb\r\nc\rd</p>", rendered: .now))
        #expect(text == "id: 7\nevent: live\ndata: <p>a\ndata: b\ndata: c\ndata: d</p>\n\n")
    }
}
