import Foundation
import Labels
import PrintRuns
import Printing

/// Bulk runs to the TCP test printer (scripts/peers/zebra_printer.py, no speed limit): shipping
/// labels rendered from orders chunk by chunk, journalled, settled by the label counter; against
/// the same bytes sent in one raw stream with no journal and no counting.
enum PrintRunBench {
    static let labels = 2_000

    static func run() {
        do { try measure() } catch { print("print-runs benchmark failed: \(error)") }
    }

    static func measure() throws {
        let dir = NSTemporaryDirectory() + "packstation-runbench-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let peer = try Peer(log: dir + "/printer")
        defer { peer.stop() }

        let orders = (1...labels).map(order).joined(separator: "\n")
        try orders.write(toFile: dir + "/wave.jsonl", atomically: true, encoding: .utf8)
        let rendering = LabelRendering(templateName: "shipping", stream: ZPLStream(template: LabelTemplate.builtin("shipping")!, density: .dpi203))

        print("| what | labels | bytes | seconds | labels/s | MB/s |")
        print("|---|---:|---:|---:|---:|---:|")
        // The transport's ceiling: all labels rendered up front, one write, wait for the counter.
        let source = LabelSource(.orders(path: dir + "/wave.jsonl"), rendering: rendering)
        let all = try source.blocks(1...labels).flatMap(\.bytes)
        let raw = ZebraTCPPrinter(name: "bench", host: "127.0.0.1", port: peer.port)
        let start = try raw.labelOdometer()
        var t0 = Measure.now()
        try raw.send(all)
        while try raw.labelOdometer() < start + labels { usleep(1_000) }
        row("raw stream, one write, no journal (ceiling)", labels, all.count, Measure.now() - t0)
        raw.disconnect()

        for chunk in [50, 250] {
            let journal = try RunJournal(directory: dir + "/data-\(chunk)")
            let printer = ZebraTCPPrinter(name: "bench", host: "127.0.0.1", port: peer.port)
            let source = LabelSource(.orders(path: dir + "/wave.jsonl"), rendering: rendering)
            let run = try RunPlanner.create(journal: journal, printerURI: "tcp://127.0.0.1:\(peer.port)", printer: printer, source: source, template: "shipping", dpi: 203, chunkSize: chunk)
            t0 = Measure.now()
            let end = try RunExecutor(run: run, journal: journal, printer: printer, source: source, options: .init(pollInterval: .milliseconds(2)), tell: { _ in }).execute()
            let elapsed = Measure.now() - t0
            guard end.state == .done else { print("run ended \(end.state.rawValue): \(end.message ?? "")"); return }
            row("bulk run from orders, chunks of \(chunk) (render + journal + counter)", labels, all.count, elapsed)
        }
        print("\ntest printer: 127.0.0.1, speed 0 (no limit); label ≈ \(all.count / labels) bytes; peak RSS \(String(format: "%.0f", Measure.peakRSSMiB())) MiB")
    }

    static func row(_ what: String, _ n: Int, _ bytes: Int, _ ns: UInt64) {
        let s = Double(ns) / 1e9
        print("| \(what) | \(n) | \(bytes) | \(String(format: "%.2f", s)) | \(String(format: "%.0f", Double(n) / s)) | \(String(format: "%.2f", Double(bytes) / s / 1e6)) |")
    }

    static func order(_ n: Int) -> String {
        #"{"id":"SO-\#(n)","status":"ready","payment":"captured","lines":[{"sku":"MUG","quantity":1}],"shipment":{"carrier":"UPS","service":"Ground","tracking":"1Z999AA10123456784","from":{"name":"Shop","street":["1 Main St"],"city":"Springfield","postal_code":"62701","country":"US"},"to":{"name":"Customer \#(n)","street":["\#(n) Elm St"],"city":"Albany","region":"NY","postal_code":"12207","country":"US"}}}"#
    }

    /// The test printer process, started with a ready file, stopped by PID.
    final class Peer {
        let process = Process()
        let port: Int

        init(log: String) throws {
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("scripts/peers/zebra_printer.py").path
            let ready = log + ".ready"
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", script, "--log", log, "--speed", "0", "--ready-file", ready]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            var port: Int?
            for _ in 0..<2000 where port == nil {
                if let text = try? String(contentsOfFile: ready, encoding: .utf8), text.hasSuffix("\n") {
                    port = text.split(whereSeparator: { $0 == " " || $0 == "=" }).dropFirst(2).first.flatMap { Int($0) }
                }
                usleep(10_000)
            }
            guard let port else {
                kill(process.processIdentifier, SIGTERM)
                process.waitUntilExit()
                throw RunError(code: "bench.peer", message: "the test printer did not start")
            }
            self.port = port
        }

        func stop() {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
    }
}
