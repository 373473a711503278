import Foundation
import PackCore
import ScannerInput

/// Scanner input: key events decoded per second through the same decoder as the agent
/// (xkb layout + framer), and the latency from the terminating key event to the scan being
/// delivered — inside the decoder, and end to end through the reader thread (epoll) and the
/// AsyncStream, with the events written to a pipe as a kernel would deliver them.
enum ScannerBench {
    static let scanCount = 50_000

    /// US key codes for what the benchmark types.
    static let codes: [Character: UInt16] = {
        var t: [Character: UInt16] = [:]
        for (c, code) in zip("1234567890", [2, 3, 4, 5, 6, 7, 8, 9, 10, 11] as [UInt16]) { t[c] = code }
        for (c, code) in zip("qwertyuiop", [16, 17, 18, 19, 20, 21, 22, 23, 24, 25] as [UInt16]) { t[c] = code }
        for (c, code) in zip("asdfghjkl", [30, 31, 32, 33, 34, 35, 36, 37, 38] as [UInt16]) { t[c] = code }
        for (c, code) in zip("zxcvbnm", [44, 45, 46, 47, 48, 49, 50] as [UInt16]) { t[c] = code }
        t["-"] = 12
        t["]"] = 27
        return t
    }()

    /// The events of one scan as a US-layout scanner types it (Shift for capitals, Ctrl+] for GS),
    /// one frame per report as usbhid makes them, 1 ms apart; the Enter frames last.
    static func events(for text: String, at start: Int64) -> (body: [InputEvent], enter: [InputEvent]) {
        var out: [InputEvent] = []
        var t = start
        func frame(_ changes: [(UInt16, Int32)]) {
            for (code, value) in changes { out.append(InputEvent(time: EventTime(microseconds: t), type: 1, code: code, value: value)) }
            out.append(InputEvent(time: EventTime(microseconds: t), type: 0, code: 0, value: 0))
            t += 1_000
        }
        for c in text {
            if c == "\u{1D}" {
                frame([(29, 1), (27, 1)]); frame([(29, 0), (27, 0)])
            } else if c.isUppercase {
                let code = codes[Character(c.lowercased())]!
                frame([(42, 1), (code, 1)]); frame([(42, 0), (code, 0)])
            } else {
                let code = codes[c]!
                frame([(code, 1)]); frame([(code, 0)])
            }
        }
        let body = out
        out = []
        frame([(28, 1)])
        frame([(28, 0)])
        return (body, out)
    }

    static func corpus(_ n: Int) -> [String] {
        (0..<n).map { i in
            switch i % 3 {
            case 0: "]C1010950600013435" + "\u{1D}" + "10LOT\(i % 1000)" + "\u{1D}" + "21SN\(i)"
            case 1: "ORD-\(100_000 + i)"
            default: "]E0400638133393\(i % 10)"
            }
        }
    }

    static func run() {
        let layout = try! KeyboardLayout("us")
        let texts = corpus(scanCount)
        var streams: [(body: [InputEvent], enter: [InputEvent])] = []
        var t: Int64 = 1_000_000_000
        for text in texts {
            let s = events(for: text, at: t)
            streams.append(s)
            t = (s.enter.last?.time.microseconds ?? t) + 100_000
        }
        let keyEvents = streams.reduce(0) { $0 + ($1.body + $1.enter).filter { $0.type == 1 }.count }
        let allEvents = streams.reduce(0) { $0 + $1.body.count + $1.enter.count }

        // Throughput and in-decoder latency (Enter press event fed → scan emitted).
        let decoder = ScanDecoder(device: "bench", layout: layout)
        var delivered = 0
        var samples: [UInt64] = []
        samples.reserveCapacity(scanCount)
        let start = Measure.now()
        for s in streams {
            for e in s.body { decoder.feed(e) { _ in delivered += 1 } }
            let t0 = Measure.now()
            decoder.feed(s.enter[0]) { _ in delivered += 1; samples.append(Measure.now() - t0) }
            for e in s.enter.dropFirst() { decoder.feed(e) { _ in delivered += 1 } }
        }
        let seconds = Double(Measure.now() - start) / 1e9
        samples.sort()
        precondition(delivered == scanCount, "decoded \(delivered) of \(scanCount)")
        func us(_ ns: UInt64) -> String { String(format: "%.2f µs", Double(ns) / 1000) }
        print("\(scanCount) scans (GS1-128 with GS as Ctrl+], order numbers, EAN-13 with AIM ids), US layout, one core, \(keyEvents) key events (\(allEvents) events with SYN_REPORT):\n")
        print("| key events/s | scans/s | terminating key → scan p50 | p99 | max |")
        print("|---:|---:|---:|---:|---:|")
        print(String(format: "| %.0f | %.0f | %@ | %@ | %@ |", Double(keyEvents) / seconds, Double(scanCount) / seconds, us(Measure.quantile(samples, 0.5)), us(Measure.quantile(samples, 0.99)), us(samples.last!)))
        endToEnd(streams: Array(streams.prefix(2_000)))
    }

    /// Through a pipe, the reader thread's epoll and the AsyncStream: the Enter frame is written,
    /// then the time until the consumer has the scan.
    static func endToEnd(streams: [(body: [InputEvent], enter: [InputEvent])]) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return }
        let device = InputDevice(node: "pipe", name: "bench", phys: "bench/input0", vendor: 0x05E0, product: 0x1200)
        guard let source = try? EvdevScanSource(configuration: .init(directory: "/nonexistent", hotplug: .none, streams: [.init(fd: fds[0], device: device)])) else { return }
        let received = DispatchSemaphore(value: 0)
        let events = source.events()
        let consumer = Task.detached {
            for await event in events { if case .scan = event { received.signal() } }
        }
        func send(_ events: [InputEvent]) {
            let bytes = events.flatMap(\.record)
            bytes.withUnsafeBytes { raw in _ = write(fds[1], raw.baseAddress!, raw.count) }
        }
        var samples: [UInt64] = []
        for s in streams {
            // Kernel-like monotonic timestamps, so the reader's clock agrees with the events'.
            var ts = timespec()
            clock_gettime(CLOCK_MONOTONIC, &ts)
            let now = Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1_000
            func stamped(_ e: [InputEvent]) -> [InputEvent] { e.map { var e = $0; e.time = EventTime(microseconds: now); return e } }
            send(stamped(s.body))
            let t0 = Measure.now()
            send(stamped(s.enter))
            received.wait()
            samples.append(Measure.now() - t0)
        }
        source.stop()
        consumer.cancel()
        close(fds[1])
        samples.sort()
        func us(_ ns: UInt64) -> String { String(format: "%.1f µs", Double(ns) / 1000) }
        print("\nEnd to end, \(samples.count) scans: Enter frame written to a pipe → reader thread (epoll) → decoder → AsyncStream → consumer task:\n")
        print("| p50 | p99 | max |")
        print("|---:|---:|---:|")
        print("| \(us(Measure.quantile(samples, 0.5))) | \(us(Measure.quantile(samples, 0.99))) | \(us(samples.last!)) |")
    }
}
