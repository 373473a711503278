import Foundation
import PackCore
import Synchronization

/// The station's scanners, read live: every /dev/input/event* node the selection accepts is
/// grabbed exclusively and decoded; scanners plugged in later are picked up, unplugged ones
/// released, re-plugged ones resumed.
///
/// One reader thread blocks in `epoll_wait` on all nodes, the hotplug monitor (libudev, or
/// inotify on /dev/input where udev is absent) and an eventfd that stops it; its timeout is the
/// earliest scan deadline, so an idle agent uses no CPU. Events reach `events()` as they happen.
public final class EvdevScanSource: ScanSource, Sendable {
    /// How scanners are found and read.
    public struct Configuration: Sendable {
        /// Which devices are scanners, with their layouts and framing.
        public var selection: ScannerSelection
        /// Where the event nodes are.
        public var directory: String
        /// Whether nodes are grabbed (EVIOCGRAB) so scans reach no console or other program.
        public var grab: Bool
        /// How new and removed nodes are noticed.
        public var hotplug: Hotplug
        /// Pre-opened descriptors that deliver raw `struct input_event` records (a pipe or socket),
        /// read like scanners: for tests and benchmarks, and for captures streamed from elsewhere.
        public var streams: [RawStream]

        /// Creates a configuration; by default every scanner in /dev/input, grabbed, with hotplug.
        public init(selection: ScannerSelection = .init(), directory: String = "/dev/input", grab: Bool = true, hotplug: Hotplug = .automatic, streams: [RawStream] = []) {
            self.selection = selection
            self.directory = directory
            self.grab = grab
            self.hotplug = hotplug
            self.streams = streams
        }
    }

    /// How hotplug is watched.
    public enum Hotplug: Sendable {
        /// libudev's monitor when udevd runs (/run/udev/control), else inotify on the directory.
        case automatic
        case udev
        case inotify
        /// Only the devices present at start.
        case none
    }

    /// A descriptor delivering raw input_event records, with the device it stands for.
    public struct RawStream: Sendable {
        public var fd: Int32
        public var device: InputDevice
        public var layout: String
        public var framing: ScanFramer.Configuration

        /// Describes a stream; the source closes `fd` when it stops.
        public init(fd: Int32, device: InputDevice, layout: String = "us", framing: ScanFramer.Configuration = .init()) {
            self.fd = fd
            self.device = device
            self.layout = layout
            self.framing = framing
        }
    }

    private struct State: ~Copyable {
        var started = false
        var stopped = false
    }

    public let configuration: Configuration
    private let stopFD: Int32
    private let state = Mutex(State())

    /// Creates a source; nothing is opened until `events()` is called.
    /// How hotplug is watched with `.automatic` for `directory`, in words for the log.
    public static func hotplugMechanism(directory: String = "/dev/input") -> String {
        ScannerInput.Hotplug.automaticUsesUdev(directory: directory) ? "udev monitor" : "inotify on \(directory) (udevd is not running)"
    }

    public init(configuration: Configuration = .init()) throws(ScannerInputError) {
        self.configuration = configuration
        stopFD = ReaderLoop.makeEventFD()
        guard stopFD >= 0 else {
            throw ScannerInputError(code: "reader.eventfd", message: "Cannot create an eventfd (\(String(cString: strerror(errno)))); the system is out of file descriptors.")
        }
    }

    deinit { close(stopFD) }

    /// Starts the reader thread and returns its events; call once. The stream ends after `stop()`.
    public func events() -> AsyncStream<ScanEvent> {
        let (stream, continuation) = AsyncStream<ScanEvent>.makeStream(bufferingPolicy: .unbounded)
        let first = state.withLock { state in
            defer { state.started = true }
            return !state.started
        }
        guard first else {
            continuation.finish()
            return stream
        }
        let configuration = configuration
        let stopFD = stopFD
        continuation.onTermination = { [weak self] _ in self?.stop() }
        let thread = Thread {
            let loop = ReaderLoop(configuration: configuration, stopFD: stopFD) { continuation.yield($0) }
            loop.run()
            continuation.finish()
        }
        thread.name = "packstation-scanners"
        thread.start()
        return stream
    }

    /// Stops the reader: grabs are released, nodes closed, the stream finishes.
    public func stop() {
        let first = state.withLock { state in
            defer { state.stopped = true }
            return !state.stopped
        }
        guard first else { return }
        var one: UInt64 = 1
        _ = write(stopFD, &one, 8)
    }
}
