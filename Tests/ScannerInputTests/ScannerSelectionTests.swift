import Foundation
import PackCore
import Testing
@testable import ScannerInput

/// Which devices are read as scanners, and why (what `packstation devices` prints).
struct ScannerSelectionTests {
    static let zebra = InputDevice(node: "/dev/input/event3", name: "Symbol Bar Code Scanner", phys: "usb-0000:00:14.0-2/input0", vendor: 0x05E0, product: 0x1200)
    static let keyboard = InputDevice(node: "/dev/input/event1", name: "Logitech USB Keyboard", phys: "usb-0000:00:14.0-1/input0", vendor: 0x046D, product: 0xC31C)
    static let generic = InputDevice(node: "/dev/input/event5", name: "USB Barcode Reader", phys: "usb-0000:00:14.0-3/input0", vendor: 0x1A86, product: 0x5723)
    static let mouse = InputDevice(node: "/dev/input/event2", name: "Zebra mouse thing", vendor: 0x05E0, product: 0x9999, typesText: false)

    @Test(arguments: [
        (zebra, true, "known scanner vendor Zebra/Symbol (05e0)"),
        (keyboard, false, "a keyboard, not a known scanner: add it with --scanner 046d:c31c to read it"),
        (generic, true, "name contains 'barcode'"),
        (mouse, false, "not a keyboard (no digit and Enter keys)"),
    ])
    func defaultsReadScannersAndNeverKeyboards(device: InputDevice, use: Bool, reason: String) {
        let d = ScannerSelection().decide(device)
        #expect(d.use == use)
        #expect(d.reason == reason)
    }

    @Test func configurationAndUdevOverrideTheDefaults() throws {
        var selection = ScannerSelection(rules: [try .init(parsing: "046d:c31c,layout=de")], defaultLayout: "us")
        let kb = selection.decide(Self.keyboard)
        #expect(kb.use && kb.layout == "de" && kb.reason == "configured scanner")
        var tagged = Self.keyboard
        tagged.udevScanner = true
        #expect(ScannerSelection().decide(tagged).reason == "udev PACKSTATION_SCANNER=1")
        var excluded = Self.zebra
        excluded.udevScanner = false
        #expect(ScannerSelection().decide(excluded).use == false)
        selection.autodetect = false
        #expect(selection.decide(Self.zebra).use == false)
        #expect(try ScannerSelection(rules: [.init(parsing: "name=bar code")]).decide(Self.zebra).reason == "configured scanner")
        #expect(try ScannerSelection(rules: [.init(parsing: "phys=usb-0000:00:14.0-1")], autodetect: false).decide(Self.keyboard).use)
    }

    @Test(arguments: ["05e0", "05e0:12", "zz:1200", "05e0:1200,colour=red", "", "05e0:1200,layout="])
    func badScannerMatchesSayWhatToWrite(text: String) {
        #expect(throws: ScannerInputError.self) { try ScannerSelection.Rule(parsing: text) }
    }

    @Test func everyNodeOfOneUSBScannerSharesItsID() {
        var second = Self.zebra
        second.phys = "usb-0000:00:14.0-2/input1"
        second.node = "/dev/input/event4"
        #expect(Self.zebra.scannerID == "usb-0000:00:14.0-2")
        #expect(second.scannerID == Self.zebra.scannerID)
        #expect(InputDevice(node: "/dev/input/event9", name: "virtual").scannerID == "/dev/input/event9")
    }

    @Test func noDeviceDirectoryMeansNoDevices() {
        #expect(InputDevice.all(in: "/nonexistent/input").isEmpty)
    }
}

/// Identity from sysfs when the node itself may not be opened (an agent without permission).
struct SysfsIdentityTests {
    @Test func aDeviceIsDescribedFromSysfs() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sysfs-\(UUID().uuidString)")
        let device = root.appendingPathComponent("event7/device")
        try FileManager.default.createDirectory(at: device.appendingPathComponent("id"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: device.appendingPathComponent("capabilities"), withIntermediateDirectories: true)
        func put(_ path: String, _ text: String) throws { try text.write(to: device.appendingPathComponent(path), atomically: true, encoding: .utf8) }
        try put("name", "Symbol Bar Code Scanner\n")
        try put("phys", "usb-0000:00:14.0-2/input0\n")
        try put("id/vendor", "05e0\n")
        try put("id/product", "1200\n")
        try put("id/bustype", "0003\n")
        // A real keyboard's key bitmap (KEY_ESC … KEY_KPDOT and more), as the kernel prints it.
        try put("capabilities/key", "1000000000007 ff9f207ac14057ff febeffdfffefffff fffffffffffffffe\n")
        let found = try #require(InputDevice.fromSysfs(node: "/dev/input/event7", sysfs: root.path))
        #expect(found.name == "Symbol Bar Code Scanner")
        #expect(found.vendorProduct == "05e0:1200")
        #expect(found.bus == 3)
        #expect(found.typesText)
        #expect(found.scannerID == "usb-0000:00:14.0-2")
        try put("capabilities/key", "0\n")
        #expect(InputDevice.fromSysfs(node: "/dev/input/event7", sysfs: root.path)?.typesText == false)
        #expect(InputDevice.fromSysfs(node: "/dev/input/event8", sysfs: root.path) == nil)
        try? FileManager.default.removeItem(at: root)
    }
}
