import Foundation
import PackCore
import Testing
@testable import ScannerInput

/// The live reader thread, fed through pipes that carry raw input_event records
/// (real evdev nodes are exercised in the VM test, Tests/vm/test_scanner.py).
struct EvdevScanSourceTests {
    static func pipePair() -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        precondition(pipe(&fds) == 0)
        return (fds[0], fds[1])
    }

    static func device(_ n: Int) -> InputDevice {
        InputDevice(node: "/dev/input/event\(n)", name: "Test Scanner \(n)", phys: "usb-test-\(n)/input0", vendor: 0x05E0, product: 0x1200)
    }

    /// A stream of events with kernel-like monotonic timestamps starting now.
    static func stream(_ build: (inout KeyStream) -> Void) -> KeyStream {
        var s = KeyStream()
        s.time = ReaderLoop.monotonicNow()
        build(&s)
        return s
    }

    static func write(_ fd: Int32, _ bytes: some Collection<UInt8>) {
        let array = Array(bytes)
        array.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                precondition(n > 0)
                offset += n
            }
        }
    }

    /// Collects events until `count` scans or faults arrived (or 30 s passed: the whole suite
    /// runs in parallel, and this consumer is an ordinary task on the shared pool).
    static func collect(_ events: AsyncStream<ScanEvent>, scans count: Int) async -> [ScanEvent] {
        await withTaskGroup(of: [ScanEvent].self) { group in
            group.addTask {
                var out: [ScanEvent] = []
                var n = 0
                for await e in events {
                    out.append(e)
                    if case .scan = e { n += 1 } else if case .fault = e { n += 1 }
                    if n == count { break }
                }
                return out
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(30))
                return []
            }
            let first = await group.next()!
            group.cancelAll()
            return first
        }
    }

    @Test(.timeLimit(.minutes(1))) func twoScannersAtOnceEachWithItsOwnLayoutAndSplitWrites() async throws {
        let a = Self.pipePair(), b = Self.pipePair()
        let source = try EvdevScanSource(configuration: .init(directory: "/nonexistent", hotplug: .none, streams: [
            .init(fd: a.read, device: Self.device(1), layout: "us"),
            .init(fd: b.read, device: Self.device(2), layout: "de"),
        ]))
        let events = source.events()
        // Written from a plain thread, stamped when written (as the kernel stamps events), split at
        // odd byte offsets and interleaved: records arrive in pieces from both scanners at once.
        let writer = Thread {
            let us = Self.stream { $0.type("]C1ORD-1001"); $0.gsAsCtrlBracket(); $0.type("21X"); $0.enter() }.bytes
            let de = Self.stream { $0.tap(KeyStream.keyY); $0.tap(KeyStream.keyQ, with: [KeyStream.rightAlt]); $0.enter() }.bytes
            for (i, chunk) in stride(from: 0, to: max(us.count, de.count), by: 37).enumerated() {
                if chunk < us.count { Self.write(a.write, us[chunk..<min(chunk + 37, us.count)]) }
                if chunk < de.count { Self.write(b.write, de[chunk..<min(chunk + 37, de.count)]) }
                if i % 5 == 0 { usleep(1_000) }
            }
        }
        writer.start()
        let got = await Self.collect(events, scans: 2)
        let scans = got.compactMap { if case .scan(let s) = $0 { s } else { nil } }
        #expect(Set(scans.map(\.raw)) == ["]C1ORD-1001\u{1D}21X", "z@"])
        #expect(scans.first { $0.raw == "z@" }?.device == "usb-test-2")
        #expect(scans.first { $0.raw.hasPrefix("]C1") }?.device == "usb-test-1")
        let attached = got.compactMap { if case .attached(let info) = $0 { info.id } else { nil } }
        #expect(Set(attached) == ["usb-test-1", "usb-test-2"])
        // Wall-clock times (after 2020), not the monotonic clock the reader frames with.
        #expect((scans.first?.ended.microseconds ?? 0) > 1_577_836_800_000_000)
        #expect((scans.first?.ended.microseconds ?? .max) <= ReaderLoop.realtimeNow().microseconds)
        source.stop()
        close(a.write)
        close(b.write)
    }

    @Test(.timeLimit(.minutes(1))) func withoutATerminatorTheTimeoutDeliversTheScanWithNoFurtherInput() async throws {
        let a = Self.pipePair()
        let source = try EvdevScanSource(configuration: .init(directory: "/nonexistent", hotplug: .none, streams: [
            .init(fd: a.read, device: Self.device(1), framing: .init(terminator: .none, interKeyTimeout: 30_000)),
        ]))
        let events = source.events()
        Self.write(a.write, Self.stream { $0.type("4006381333931") }.bytes)
        // No key follows and the pipe stays open: only the reader's epoll timeout can end this scan.
        let got = await Self.collect(events, scans: 1)
        let scan = got.compactMap { if case .scan(let s) = $0 { s } else { nil } }.first
        #expect(scan?.raw == "4006381333931")
        source.stop()
        close(a.write)
    }

    @Test(.timeLimit(.minutes(1))) func aClosedStreamIsDetachedAndStopEndsTheEvents() async throws {
        let a = Self.pipePair()
        let source = try EvdevScanSource(configuration: .init(directory: "/nonexistent", hotplug: .none, streams: [.init(fd: a.read, device: Self.device(3))]))
        let events = source.events()
        Self.write(a.write, Self.stream { $0.type("12") }.bytes)  // unterminated when the device goes
        close(a.write)
        var got: [ScanEvent] = []
        for await e in events {
            got.append(e)
            if case .detached = e { source.stop() }
        }
        #expect(got.count == 3)
        #expect(got.last == .detached(id: "usb-test-3", reason: "stream closed"))
        guard case .fault(_, .unterminated(let fragment), _) = got[1] else { Issue.record("no fault: \(got)"); return }
        #expect(fragment == "12")
        // A second call gets an already-finished stream.
        var again = 0
        for await _ in source.events() { again += 1 }
        #expect(again == 0)
    }
}
