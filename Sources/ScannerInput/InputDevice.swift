internal import CEvdev
internal import CUDev
import Foundation

/// One evdev node (/dev/input/eventN) as found on the system: what `packstation devices` lists.
public struct InputDevice: Hashable, Sendable {
    /// The node, e.g. /dev/input/event3.
    public var node: String
    /// The kernel's name for the device ("Symbol Bar Code Scanner").
    public var name: String
    /// The physical path ("usb-0000:00:14.0-1/input0"); empty for virtual devices.
    public var phys: String
    /// The serial number the device reports, if any.
    public var uniq: String
    /// USB (or other bus) ids.
    public var vendor: UInt16
    public var product: UInt16
    /// Bus type (3 = USB, 5 = Bluetooth, 0x11 = i8042, 6 = virtual).
    public var bus: UInt16
    /// Whether it has the keys a keyboard-wedge scanner types with (digits and Enter).
    public var typesText: Bool
    /// The `PACKSTATION_SCANNER` property our udev rules set: true, false, or nil when unset or udev is absent.
    public var udevScanner: Bool?
    /// Why the node could not be opened (permissions), if it could not.
    public var openError: String?

    /// Creates a description (tests, or devices found otherwise).
    public init(node: String, name: String, phys: String = "", uniq: String = "", vendor: UInt16 = 0, product: UInt16 = 0, bus: UInt16 = 3, typesText: Bool = true, udevScanner: Bool? = nil, openError: String? = nil) {
        self.node = node
        self.name = name
        self.phys = phys
        self.uniq = uniq
        self.vendor = vendor
        self.product = product
        self.bus = bus
        self.typesText = typesText
        self.udevScanner = udevScanner
        self.openError = openError
    }

    /// "05e0:1200".
    public var vendorProduct: String { String(format: "%04x:%04x", vendor, product) }

    /// The scanner id: the physical path without its interface suffix, so every event node of
    /// one USB scanner shares it and a re-plugged scanner in the same port keeps it.
    public var scannerID: String {
        guard !phys.isEmpty else { return node }
        if let slash = phys.lastIndex(of: "/"), phys[phys.index(after: slash)...].hasPrefix("input") {
            return String(phys[..<slash])
        }
        return phys
    }

    /// Every /dev/input/event* node, in number order, probed. Empty when the directory does not exist.
    public static func all(in directory: String = "/dev/input") -> [InputDevice] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasPrefix("event") }
            .sorted { (Int($0.dropFirst(5)) ?? 0, $0) < (Int($1.dropFirst(5)) ?? 0, $1) }
            .map { probe(node: directory + "/" + $0) }
    }

    /// Opens a node read-only, reads its identity through libevdev and closes it again.
    public static func probe(node: String) -> InputDevice {
        let fd = open(node, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            // Without permission to open the node, sysfs still says what it is.
            var device = fromSysfs(node: node) ?? InputDevice(node: node, name: "", typesText: false)
            device.udevScanner = udevProperty(node: node)
            device.openError = e == EACCES || e == EPERM
                ? "no permission to read \(node): run as root or add the agent's user to the group of \(node) (udev/60-packstation-scanners.rules gives group 'packstation' read access)"
                : "cannot open \(node): \(String(cString: strerror(e)))"
            return device
        }
        defer { close(fd) }
        var dev: OpaquePointer?
        guard libevdev_new_from_fd(fd, &dev) == 0, let dev else {
            return InputDevice(node: node, name: "", typesText: false, udevScanner: udevProperty(node: node), openError: "\(node) is not an evdev device")
        }
        defer { libevdev_free(dev) }
        return describe(dev, node: node)
    }

    /// The identity from /sys/class/input/eventN/device (readable by anyone), or nil.
    static func fromSysfs(node: String, sysfs: String = "/sys/class/input") -> InputDevice? {
        let base = sysfs + "/" + (node as NSString).lastPathComponent + "/device/"
        func read(_ name: String) -> String? {
            (try? String(contentsOfFile: base + name, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let name = read("name") else { return nil }
        func hex(_ name: String) -> UInt16 { UInt16(read(name) ?? "", radix: 16) ?? 0 }
        // capabilities/key: hex words, most significant first, each 64 bits on x86_64.
        let words = (read("capabilities/key") ?? "").split(separator: " ").reversed().map { UInt64($0, radix: 16) ?? 0 }
        func hasKey(_ code: Int) -> Bool { code / 64 < words.count && words[code / 64] & (1 << UInt64(code % 64)) != 0 }
        return InputDevice(
            node: node, name: name, phys: read("phys") ?? "", uniq: read("uniq") ?? "",
            vendor: hex("id/vendor"), product: hex("id/product"), bus: hex("id/bustype"),
            typesText: [2, 3, 11, 28].allSatisfy(hasKey)
        )
    }

    /// The identity of an opened device.
    static func describe(_ dev: OpaquePointer, node: String) -> InputDevice {
        func string(_ p: UnsafePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "" }
        let keys = [KEY_1, KEY_2, KEY_0, KEY_ENTER].allSatisfy { libevdev_has_event_code(dev, UInt32(EV_KEY), UInt32($0)) != 0 }
        return InputDevice(
            node: node, name: string(libevdev_get_name(dev)), phys: string(libevdev_get_phys(dev)), uniq: string(libevdev_get_uniq(dev)),
            vendor: UInt16(truncatingIfNeeded: libevdev_get_id_vendor(dev)), product: UInt16(truncatingIfNeeded: libevdev_get_id_product(dev)),
            bus: UInt16(truncatingIfNeeded: libevdev_get_id_bustype(dev)), typesText: keys, udevScanner: udevProperty(node: node)
        )
    }

    /// `PACKSTATION_SCANNER` from the udev database; nil without udev (no /run/udev) or when unset.
    static func udevProperty(node: String) -> Bool? {
        guard FileManager.default.fileExists(atPath: "/run/udev/control") || FileManager.default.fileExists(atPath: "/run/udev/data"),
            let udev = udev_new()
        else { return nil }
        defer { udev_unref(udev) }
        let sysname = (node as NSString).lastPathComponent
        guard let device = udev_device_new_from_subsystem_sysname(udev, "input", sysname) else { return nil }
        defer { udev_device_unref(device) }
        guard let value = udev_device_get_property_value(device, "PACKSTATION_SCANNER") else { return nil }
        return String(cString: value) == "1"
    }
}
