import Foundation
import Glibc
import Testing
import TestPeers

/// The latency histograms on `/metrics` count what they claim (not how fast: that is
/// scripts/bench-latency.py): every scan once on the screen histogram, every completed order once
/// on the printer histogram, every HTTP request once in the server's own metrics.
@Suite struct LatencyMetricsCLITests {
    static func order(_ id: String) -> String {
        #"{"id":"\#(id)","barcodes":["ORD-\#(id)"],"status":"ready","payment":"captured","priority":"standard","value":{"amount":"10.00","currency":"EUR"},"lines":[{"sku":"A-\#(id)","description":"Mug","quantity":2,"barcodes":["29\#(id)00001"]},{"sku":"B-\#(id)","description":"Tea","quantity":1,"barcodes":["29\#(id)00002"]}],"shipment":{"carrier":"DHL","service":"Paket","tracking":"JD\#(id)","from":{"name":"Northwind","street":["Hafenstrasse 12"],"city":"Hamburg","postal_code":"20457","country":"DE"},"to":{"name":"Ada","street":["Main St 1"],"city":"Berlin","postal_code":"10115","country":"DE"}}}"#
    }

    /// The value of an unlabelled sample line (`NAME VALUE`), or nil.
    static func sample(_ text: String, _ name: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    /// 3 orders of 4 scans each plus one bad barcode before them: 13 scans on the screen
    /// histogram, 3 on the printer one, and the kiosk's own requests in the HTTP metrics.
    @Test func nScansAreCountedNTimesAndEachCompletedOrderOnce() throws {
        let dir = try RunCLITests.scratch()
        let ids = ["810001", "810002", "810003"]
        try ids.map(Self.order).joined(separator: "\n").write(toFile: dir + "/orders.jsonl", atomically: true, encoding: .utf8)
        let scans = ["29810001" + "00001"] + ids.flatMap { ["ORD-\($0)", "29\($0)00001", "29\($0)00001", "29\($0)00002"] }
        let printer = try TestPrinterPeer()
        let kiosk = LoopbackPort.unused()
        let agent = Process()
        agent.executableURL = CLI.binary
        agent.arguments = ["run", "--scans-from", "-", "--orders", dir + "/orders.jsonl", "--data-dir", dir + "/data", "--printer", printer.uri,
                           "--kiosk-listen", "127.0.0.1:\(kiosk)", "--log-level", "warning"]
        agent.environment = ProcessInfo.processInfo.environment.merging(RunCLITests.noPrinters) { $1 }
        let input = Pipe()
        agent.standardInput = input
        agent.standardOutput = FileHandle.nullDevice
        agent.standardError = FileHandle.nullDevice
        try agent.run()
        defer { kill(agent.processIdentifier, SIGKILL); agent.waitUntilExit() }
        for _ in 0..<600 where !LoopbackPort.isListening(kiosk) { Thread.sleep(forTimeInterval: 0.05) }
        // A page is open: the screen histogram times the verdicts written on its stream.
        let page = try RawSocket(port: kiosk)
        page.send("GET /events HTTP/1.1\r\nHost: 127.0.0.1:\(kiosk)\r\n\r\n")
        input.fileHandleForWriting.write(Data((scans.joined(separator: "\n") + "\n").utf8))

        var metrics = ""
        for _ in 0..<300 {
            metrics = try RawSocket.get(port: kiosk, "/metrics")
            if Self.sample(metrics, "packstation_scan_to_printer_seconds_count") == 3, Self.sample(metrics, "packstation_scan_to_screen_seconds_count") == 13 { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(Self.sample(metrics, "packstation_scan_to_screen_seconds_count") == 13, "\(metrics)")
        #expect(Self.sample(metrics, "packstation_scan_to_printer_seconds_count") == 3, "\(metrics)")
        #expect(Self.sample(metrics, "packstation_scan_verdict_seconds_count") == 13, "\(metrics)")
        let byVerdict = metrics.split(separator: "\n").filter { $0.hasPrefix("packstation_scans_total{") }.compactMap { Double($0.split(separator: " ").last ?? "") }
        #expect(byVerdict.reduce(0, +) == 13, "\(metrics)")
        #expect(metrics.contains("packstation_scans_total{verdict=\"order_complete\"} 3\n"), "\(metrics)")
        #expect(metrics.contains("packstation_labels_printed_total 3\n"), "\(metrics)")
        #expect(printer.printedLabels().count == 3)
        // Histograms: cumulative buckets that end at the count, with sums in seconds.
        for name in ["packstation_scan_to_screen_seconds", "packstation_scan_to_printer_seconds"] {
            #expect(metrics.contains("# TYPE \(name) histogram\n"))
            let buckets = metrics.split(separator: "\n").filter { $0.hasPrefix(name + "_bucket{") }.compactMap { Double($0.split(separator: " ").last ?? "") }
            #expect(buckets.count == 18 && buckets == buckets.sorted() && buckets.last == Self.sample(metrics, name + "_count"), "\(buckets)")
            let sum = try #require(Self.sample(metrics, name + "_sum"))
            #expect(sum > 0 && sum < 60, "\(name)_sum \(sum)")
        }
        // The kiosk server's own request metrics (Hummingbird's MetricsMiddleware), by route; a
        // request is counted once its response is written, so the last scrape shows in this one.
        metrics = try RawSocket.get(port: kiosk, "/metrics")
        #expect(metrics.contains("# TYPE http_server_request_duration_seconds histogram\n"), "\(metrics)")
        #expect(metrics.contains("http_server_requests_total{http_route=\"/metrics\",http_request_method=\"GET\",http_response_status_code=\"200\"}"), "\(metrics)")
        page.close()
        kill(agent.processIdentifier, SIGTERM)
        agent.waitUntilExit()
        #expect(agent.terminationStatus == 0)
    }

    /// The hub's `/metrics`: each request counted once by route, method and status.
    @Test func theHubCountsItsRequestsByRoute() throws {
        let hub = try HubProcess(dir: try RunCLITests.scratch())
        try hub.start()
        let port = hub.port
        for _ in 0..<3 { _ = try RawSocket.get(port: port, "/healthz") }
        _ = try RawSocket.get(port: port, "/v1/orders/queue")   // no token: 401
        var metrics = ""
        for _ in 0..<50 {
            metrics = try RawSocket.get(port: port, "/metrics")
            if metrics.contains("http_route=\"/v1/orders/queue\"") { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(metrics.contains("http_server_requests_total{http_route=\"/healthz\",http_request_method=\"GET\",http_response_status_code=\"200\"} 3\n"), "\(metrics)")
        #expect(metrics.contains("http_server_requests_total{http_route=\"/v1/orders/queue\",http_request_method=\"GET\",http_response_status_code=\"401\"} 1\n"), "\(metrics)")
        #expect(metrics.contains("http_server_request_duration_seconds_bucket{http_route=\"/healthz\",http_request_method=\"GET\",http_response_status_code=\"200\",le=\"+Inf\"} 3\n"), "\(metrics)")
    }
}

/// A blocking TCP client: one request, the whole answer (Connection: close), or a stream kept open.
final class RawSocket {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        if rc != 0 {
            Glibc.close(fd)
            throw CocoaError(.fileReadUnknown)
        }
    }

    func send(_ text: String) { _ = text.withCString { write(fd, $0, strlen($0)) } }

    func readAll() -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            bytes += buffer[..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    func close() { Glibc.close(fd) }

    /// The body of `GET path` (headers stripped).
    static func get(port: Int, _ path: String) throws -> String {
        let s = try RawSocket(port: port)
        defer { s.close() }
        s.send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n")
        let answer = s.readAll()
        return answer.range(of: "\r\n\r\n").map { String(answer[$0.upperBound...]) } ?? answer
    }
}
