internal import CEvdev
internal import CUDev
import Foundation
import PackCore

/// The body of the reader thread: epoll over the scanner nodes, the hotplug monitor and the
/// stop eventfd. Lives and dies on that thread.
final class ReaderLoop {
    /// One open node.
    final class Node {
        let fd: Int32
        let evdev: OpaquePointer?  // nil for raw streams
        let device: InputDevice
        let decoder: ScanDecoder
        var partial: [UInt8] = []  // a raw stream's bytes of an incomplete record
        var leds: (caps: Bool, num: Bool)? = nil

        init(fd: Int32, evdev: OpaquePointer?, device: InputDevice, decoder: ScanDecoder) {
            self.fd = fd
            self.evdev = evdev
            self.device = device
            self.decoder = decoder
        }
    }

    let configuration: EvdevScanSource.Configuration
    let stopFD: Int32
    let yield: (ScanEvent) -> Void
    let epollFD: Int32
    var nodes: [Int32: Node] = [:]
    var layouts: [String: KeyboardLayout] = [:]
    var hotplug: Hotplug?
    /// Scanner nodes that could not be opened, reported once each.
    var refused = Set<String>()
    /// Realtime minus monotonic, to print wall-clock times for monotonic kernel timestamps.
    var wallOffset: Int64 = 0

    init(configuration: EvdevScanSource.Configuration, stopFD: Int32, yield: @escaping (ScanEvent) -> Void) {
        self.configuration = configuration
        self.stopFD = stopFD
        self.yield = yield
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
    }

    static func makeEventFD() -> Int32 { eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK)) }

    static func monotonicNow() -> EventTime {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return EventTime(microseconds: Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1_000)
    }

    static func realtimeNow() -> EventTime {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return EventTime(microseconds: Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1_000)
    }

    func watch(_ fd: Int32) {
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.fd = fd
        _ = epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event)
    }

    func run() {
        guard epollFD >= 0 else { return }
        defer { shutdown() }
        watch(stopFD)
        hotplug = Hotplug.make(configuration.hotplug, directory: configuration.directory)
        if let hotplug { watch(hotplug.fd) }
        for stream in configuration.streams { attachRaw(stream) }
        for device in InputDevice.all(in: configuration.directory) { open(node: device.node) }

        var ready = [epoll_event](repeating: epoll_event(), count: 32)
        while true {
            let timeout = waitMilliseconds()
            let n = epoll_wait(epollFD, &ready, Int32(ready.count), timeout)
            if n < 0 {
                if errno == EINTR { continue }
                return
            }
            for i in 0..<Int(n) {
                let fd = ready[i].data.fd
                if fd == stopFD { return }
                if let hotplug, fd == hotplug.fd {
                    for change in hotplug.changes() {
                        switch change {
                        case .added(let node): open(node: node)
                        case .removed(let node): if let n = nodes.values.first(where: { $0.device.node == node }) { detach(n, reason: "unplugged") }
                        }
                    }
                } else if let node = nodes[fd] {
                    if node.evdev != nil { readEvdev(node) } else { readRaw(node) }
                }
            }
            expireDeadlines()
        }
    }

    /// Milliseconds until the earliest scan deadline (rounded up), or -1 to block.
    func waitMilliseconds() -> Int32 {
        guard let earliest = nodes.values.compactMap(\.decoder.deadline).min() else { return -1 }
        let delta = earliest.microseconds - Self.monotonicNow().microseconds
        return delta < 0 ? 0 : Int32(min(delta / 1_000 + 1, 60_000))
    }

    func expireDeadlines() {
        let now = Self.monotonicNow()
        for node in nodes.values {
            if let deadline = node.decoder.deadline, now > deadline, let event = node.decoder.expire(at: now) { emit(event) }
        }
    }

    /// Yields an event with its times moved to the wall clock.
    func emit(_ event: ScanEvent) {
        switch event {
        case .scan(var scan):
            wallOffset = Self.realtimeNow().microseconds - Self.monotonicNow().microseconds
            scan.started = scan.started.adding(microseconds: wallOffset)
            scan.ended = scan.ended.adding(microseconds: wallOffset)
            yield(.scan(scan))
        case .fault(let device, let fault, let at):
            yield(.fault(device: device, fault, at: at.adding(microseconds: Self.realtimeNow().microseconds - Self.monotonicNow().microseconds)))
        default:
            yield(event)
        }
    }

    func layout(_ name: String) throws(ScannerInputError) -> KeyboardLayout {
        if let layout = layouts[name] { return layout }
        let layout = try KeyboardLayout(name)
        layouts[name] = layout
        Self.warmUp(layout)
        return layout
    }

    /// Runs a synthetic scan through a throwaway decoder before a device is read, so the first
    /// real scan does not wait for code and tables to be paged in (a slow disk, a cold start):
    /// a reader that stalls for a few hundred keys overflows the kernel's buffer and loses them.
    static func warmUp(_ layout: KeyboardLayout) {
        let decoder = ScanDecoder(device: "warm-up", layout: layout)
        var t: Int64 = 0
        func key(_ code: UInt16, _ value: Int32) {
            decoder.feed(InputEvent(time: EventTime(microseconds: t), type: 1, code: code, value: value)) { _ in }
            decoder.feed(InputEvent(time: EventTime(microseconds: t), type: 0, code: 0, value: 0)) { _ in }
            t += 1_000
        }
        // Shift+A, 1, Ctrl+], Alt+KP0 KP2 KP9, a dead key + space, CapsLock twice, repeat, Enter.
        for (code, mods) in [(30, [42]), (2, []), (27, [29]), (41, []), (57, []), (58, []), (58, []), (13, [])] as [(UInt16, [UInt16])] {
            for m in mods { key(m, 1) }
            key(code, 1)
            key(code, 2)
            key(code, 0)
            for m in mods { key(m, 0) }
        }
        key(56, 1)
        for code: UInt16 in [82, 80, 73] { key(code, 1); key(code, 0) }
        key(56, 0)
        key(28, 1)
        key(28, 0)
        _ = decoder.finish()
    }

    // MARK: evdev nodes

    func open(node path: String) {
        guard !nodes.values.contains(where: { $0.device.node == path }) else { return }
        let fd = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            // A scanner we may not open is reported (once per node); anything else is not ours.
            let device = InputDevice.probe(node: path)
            if let error = device.openError, !refused.contains(path) {
                var unrestricted = device
                unrestricted.openError = nil
                if configuration.selection.decide(unrestricted).use {
                    refused.insert(path)
                    yield(.detached(id: device.scannerID, reason: error))
                }
            }
            return
        }
        refused.remove(path)
        var dev: OpaquePointer?
        guard libevdev_new_from_fd(fd, &dev) == 0, let dev else {
            close(fd)
            return
        }
        // Monotonic timestamps (first, while nothing is queued): framing deadlines must not jump with the wall clock.
        _ = libevdev_set_clock_id(dev, CLOCK_MONOTONIC)
        var device = InputDevice.describe(dev, node: path)
        device.openError = nil
        let decision = configuration.selection.decide(device)
        guard decision.use else {
            libevdev_free(dev)
            close(fd)
            return
        }
        let keyboardLayout: KeyboardLayout
        do {
            keyboardLayout = try layout(decision.layout)
        } catch {
            libevdev_free(dev)
            close(fd)
            yield(.detached(id: device.scannerID, reason: error.message))
            return
        }
        if configuration.grab {
            let rc = libevdev_grab(dev, LIBEVDEV_GRAB)
            if rc < 0 {
                libevdev_free(dev)
                close(fd)
                yield(.detached(id: device.scannerID, reason: "\(path) is grabbed by another program (\(String(cString: strerror(-rc)))); stop it (another packstation, a kiosk browser's HID access) and re-plug the scanner"))
                return
            }
        }
        let node = Node(fd: fd, evdev: dev, device: device, decoder: ScanDecoder(device: device.scannerID, layout: keyboardLayout, framing: decision.framing))
        nodes[fd] = node
        watch(fd)
        showLocks(node)
        yield(.attached(ScannerInfo(id: device.scannerID, name: device.name, vendor: device.vendor, product: device.product, nodes: [path], reason: decision.reason)))
        readEvdev(node)  // keys typed between open and epoll registration
    }

    func readEvdev(_ node: Node) {
        guard let dev = node.evdev else { return }
        var ev = input_event()
        var flag = LIBEVDEV_READ_FLAG_NORMAL.rawValue
        while true {
            let rc = libevdev_next_event(dev, flag, &ev)
            if rc == LIBEVDEV_READ_STATUS_SUCCESS.rawValue {
                let event = InputEvent(ev)
                if flag == LIBEVDEV_READ_FLAG_SYNC.rawValue {
                    node.decoder.resync(event)
                } else {
                    node.decoder.feed(event, emit: emit)
                }
            } else if rc == LIBEVDEV_READ_STATUS_SYNC.rawValue {
                // SYN_DROPPED: the kernel's buffer overflowed; libevdev now replays the key state.
                if flag == LIBEVDEV_READ_FLAG_NORMAL.rawValue {
                    node.decoder.eventsLost(at: InputEvent(ev).time, emit: emit)
                    flag = LIBEVDEV_READ_FLAG_SYNC.rawValue
                } else {
                    node.decoder.resync(InputEvent(ev))
                }
            } else if rc == -EAGAIN {
                if flag == LIBEVDEV_READ_FLAG_SYNC.rawValue {
                    flag = LIBEVDEV_READ_FLAG_NORMAL.rawValue
                    continue
                }
                break
            } else if rc == -EINTR {
                continue
            } else {
                detach(node, reason: rc == -ENODEV ? "unplugged" : "read failed: \(String(cString: strerror(-rc)))")
                return
            }
        }
        showLocks(node)
    }

    /// Shows the scanner's own CapsLock/NumLock on its LEDs: a scanner that checks the LEDs
    /// (to invert Shift under CapsLock) then agrees with the decoder, whatever the host's CapsLock.
    func showLocks(_ node: Node) {
        guard let dev = node.evdev else { return }
        let locks = node.decoder.locks
        if let shown = node.leds, shown == locks { return }
        node.leds = locks
        if libevdev_has_event_code(dev, UInt32(EV_LED), UInt32(LED_CAPSL)) != 0 {
            _ = libevdev_kernel_set_led_value(dev, UInt32(LED_CAPSL), locks.caps ? LIBEVDEV_LED_ON : LIBEVDEV_LED_OFF)
        }
        if libevdev_has_event_code(dev, UInt32(EV_LED), UInt32(LED_NUML)) != 0 {
            _ = libevdev_kernel_set_led_value(dev, UInt32(LED_NUML), locks.num ? LIBEVDEV_LED_ON : LIBEVDEV_LED_OFF)
        }
    }

    func detach(_ node: Node, reason: String) {
        if let event = node.decoder.finish() { emit(event) }
        _ = epoll_ctl(epollFD, EPOLL_CTL_DEL, node.fd, nil)
        if let dev = node.evdev {
            if configuration.grab && reason != "unplugged" { _ = libevdev_grab(dev, LIBEVDEV_UNGRAB) }
            libevdev_free(dev)
        }
        close(node.fd)
        nodes[node.fd] = nil
        yield(.detached(id: node.device.scannerID, reason: reason))
    }

    // MARK: raw streams

    func attachRaw(_ stream: EvdevScanSource.RawStream) {
        let flags = fcntl(stream.fd, F_GETFL)
        _ = fcntl(stream.fd, F_SETFL, flags | O_NONBLOCK)
        guard let keyboardLayout = try? layout(stream.layout) else {
            yield(.detached(id: stream.device.scannerID, reason: "unknown layout \(stream.layout)"))
            close(stream.fd)
            return
        }
        let node = Node(fd: stream.fd, evdev: nil, device: stream.device, decoder: ScanDecoder(device: stream.device.scannerID, layout: keyboardLayout, framing: stream.framing))
        nodes[stream.fd] = node
        watch(stream.fd)
        yield(.attached(ScannerInfo(id: stream.device.scannerID, name: stream.device.name, vendor: stream.device.vendor, product: stream.device.product, nodes: [stream.device.node], reason: "stream")))
    }

    func readRaw(_ node: Node) {
        var buffer = [UInt8](repeating: 0, count: InputEvent.recordSize * 256)
        while true {
            let n = read(node.fd, &buffer, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN { return }
                detach(node, reason: "read failed: \(String(cString: strerror(errno)))")
                return
            }
            if n == 0 {
                detach(node, reason: "stream closed")
                return
            }
            node.partial += buffer[..<n]
            let whole = node.partial.count - node.partial.count % InputEvent.recordSize
            if whole > 0, let events = try? InputEvent.records(in: Array(node.partial[..<whole])) {
                node.partial.removeFirst(whole)
                for event in events { node.decoder.feed(event, emit: emit) }
            }
        }
    }

    func shutdown() {
        for node in Array(nodes.values) { detach(node, reason: "stopped") }
        hotplug = nil
        if epollFD >= 0 { close(epollFD) }
    }
}

extension InputEvent {
    /// From the kernel's struct.
    init(_ ev: input_event) {
        self.init(
            time: EventTime(seconds: Int64(packstation_input_event_sec_v(ev)), microseconds: Int64(packstation_input_event_usec_v(ev))),
            type: ev.type, code: ev.code, value: ev.value
        )
    }
}
