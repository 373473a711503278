internal import CEvdev
internal import CUDev
import Foundation

/// Notices event nodes appearing and disappearing: libudev's monitor when udevd runs, else
/// inotify on the node directory (a kiosk or container without udev; the kernel's devtmpfs
/// still creates the nodes). Read on the reader thread when its fd is readable.
final class Hotplug {
    enum Change: Equatable {
        case added(String)
        case removed(String)
    }

    let fd: Int32
    private let directory: String
    private var udev: OpaquePointer?
    private var monitor: OpaquePointer?
    private var directoryWatch: Int32 = -1
    private var parentWatch: Int32 = -1

    private init(fd: Int32, directory: String) {
        self.fd = fd
        self.directory = directory
    }

    deinit {
        if let monitor { udev_monitor_unref(monitor) } else { close(fd) }
        if let udev { udev_unref(udev) }
    }

    /// The watcher for a mode; nil when none can be set up (then only devices present at start are read).
    static func make(_ mode: EvdevScanSource.Hotplug, directory: String) -> Hotplug? {
        switch mode {
        case .none: return nil
        case .udev: return makeUdev(directory: directory)
        case .inotify: return makeInotify(directory: directory)
        case .automatic:
            return (automaticUsesUdev(directory: directory) ? makeUdev(directory: directory) : nil) ?? makeInotify(directory: directory)
        }
    }

    /// Whether `.automatic` watches through udev (udevd runs and the directory is the real
    /// /dev/input) rather than inotify.
    static func automaticUsesUdev(directory: String) -> Bool {
        FileManager.default.fileExists(atPath: "/run/udev/control") && directory == "/dev/input"
    }

    private static func makeUdev(directory: String) -> Hotplug? {
        guard let udev = udev_new() else { return nil }
        guard let monitor = udev_monitor_new_from_netlink(udev, "udev") else {
            udev_unref(udev)
            return nil
        }
        _ = udev_monitor_filter_add_match_subsystem_devtype(monitor, "input", nil)
        guard udev_monitor_enable_receiving(monitor) >= 0 else {
            udev_monitor_unref(monitor)
            udev_unref(udev)
            return nil
        }
        let hotplug = Hotplug(fd: udev_monitor_get_fd(monitor), directory: directory)
        hotplug.udev = udev
        hotplug.monitor = monitor
        return hotplug
    }

    private static func makeInotify(directory: String) -> Hotplug? {
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { return nil }
        let hotplug = Hotplug(fd: fd, directory: directory)
        hotplug.directoryWatch = inotify_add_watch(fd, directory, UInt32(IN_CREATE | IN_ATTRIB | IN_DELETE))
        if hotplug.directoryWatch < 0 {
            // /dev/input appears with the first input device: watch its parent until then.
            let parent = (directory as NSString).deletingLastPathComponent
            hotplug.parentWatch = inotify_add_watch(fd, parent, UInt32(IN_CREATE))
            guard hotplug.parentWatch >= 0 else { return nil }
        }
        return hotplug
    }

    /// What changed since the last call (the fd was readable).
    func changes() -> [Change] {
        monitor != nil ? udevChanges() : inotifyChanges()
    }

    private func udevChanges() -> [Change] {
        var out: [Change] = []
        while let device = udev_monitor_receive_device(monitor) {
            defer { udev_device_unref(device) }
            guard let node = udev_device_get_devnode(device).map({ String(cString: $0) }),
                (node as NSString).lastPathComponent.hasPrefix("event"),
                let action = udev_device_get_action(device).map({ String(cString: $0) })
            else { continue }
            switch action {
            case "add", "change", "bind": out.append(.added(node))
            case "remove": out.append(.removed(node))
            default: break
            }
        }
        return out
    }

    private func inotifyChanges() -> [Change] {
        var out: [Change] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            var offset = 0
            while offset + 16 <= n {
                let (wd, mask, length): (Int32, UInt32, Int) = buffer.withUnsafeBytes { raw in
                    (raw.loadUnaligned(fromByteOffset: offset, as: Int32.self),
                     raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
                     Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)))
                }
                let nameBytes = buffer[(offset + 16)..<min(n, offset + 16 + length)].prefix { $0 != 0 }
                let name = String(decoding: nameBytes, as: UTF8.self)
                offset += 16 + length
                if wd == parentWatch, name == (directory as NSString).lastPathComponent {
                    directoryWatch = inotify_add_watch(fd, directory, UInt32(IN_CREATE | IN_ATTRIB | IN_DELETE))
                    let present = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
                    out += present.filter { $0.hasPrefix("event") }.sorted().map { .added(directory + "/" + $0) }
                    continue
                }
                guard wd == directoryWatch, name.hasPrefix("event") else { continue }
                if mask & UInt32(IN_DELETE) != 0 {
                    out.append(.removed(directory + "/" + name))
                } else {
                    out.append(.added(directory + "/" + name))
                }
            }
        }
        return out
    }
}
