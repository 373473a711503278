internal import CUSB

/// One libusb context. A fresh context enumerates the bus from sysfs, so a printer re-plugged
/// where no udev daemon sends events (a kiosk without udevd, the test guest) is found again.
final class USBContext {
    let pointer: OpaquePointer

    init() throws(PrinterError) {
        var ctx: OpaquePointer?
        let rc = libusb_init(&ctx)
        guard rc == 0, let ctx else {
            throw PrinterError(code: "printer.usb", message: "USB cannot be used on this machine (libusb: \(USBIDs.errorName(rc))); check that /dev/bus/usb exists and is readable.")
        }
        pointer = ctx
    }

    deinit { libusb_exit(pointer) }

    /// A printer-class interface of a device on the bus, with its bulk endpoints.
    struct Candidate {
        /// The libusb device (valid while the list it came from is alive; libusb_open refs it).
        var device: OpaquePointer
        var vendor: UInt16
        var product: UInt16
        var bus: Int
        var address: Int
        var serialIndex: UInt8
        var manufacturerIndex: UInt8
        var productIndex: UInt8
        var configIndex: UInt8
        var interface: Int32
        var altSetting: Int32
        var endpointOut: UInt8
        var endpointIn: UInt8?
    }

    /// Every device's best printer-class interface: bidirectional (protocol 2) before
    /// unidirectional (1); IEEE 1284.4 (3) only when it is all there is. The devices stay
    /// referenced until `body` returns.
    func withPrinterInterfaces<T>(_ body: ([Candidate]) throws(PrinterError) -> T) throws(PrinterError) -> T {
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let count = libusb_get_device_list(pointer, &list)
        guard count >= 0, let list else {
            throw PrinterError(code: "printer.usb", message: "Cannot list USB devices (libusb: \(USBIDs.errorName(Int32(count)))); check that /dev/bus/usb exists and is readable.")
        }
        defer { libusb_free_device_list(list, 1) }
        var candidates: [Candidate] = []
        for i in 0..<Int(count) {
            guard let device = list[i], let candidate = Self.printerInterface(of: device) else { continue }
            candidates.append(candidate)
        }
        return try body(candidates)
    }

    private static func printerInterface(of device: OpaquePointer) -> Candidate? {
        var descriptor = libusb_device_descriptor()
        guard libusb_get_device_descriptor(device, &descriptor) == 0 else { return nil }
        var config: UnsafeMutablePointer<libusb_config_descriptor>?
        if libusb_get_active_config_descriptor(device, &config) != 0 {
            guard libusb_get_config_descriptor(device, 0, &config) == 0 else { return nil }
        }
        guard let config else { return nil }
        defer { libusb_free_config_descriptor(config) }
        var best: (rank: Int, candidate: Candidate)?
        for i in 0..<Int(config.pointee.bNumInterfaces) {
            let interface = config.pointee.interface[i]
            for a in 0..<Int(interface.num_altsetting) {
                let alt = interface.altsetting[a]
                guard alt.bInterfaceClass == UInt8(packstation_usb_class_printer), alt.bInterfaceSubClass == 1 else { continue }
                let rank: Int
                switch alt.bInterfaceProtocol {
                case 2: rank = 3
                case 1: rank = 2
                case 3: rank = 1
                default: continue
                }
                var out: UInt8?, input: UInt8?
                for e in 0..<Int(alt.bNumEndpoints) {
                    let endpoint = alt.endpoint[e]
                    guard endpoint.bmAttributes & 0x03 == UInt8(LIBUSB_TRANSFER_TYPE_BULK.rawValue) else { continue }
                    if endpoint.bEndpointAddress & 0x80 != 0 {
                        input = input ?? endpoint.bEndpointAddress
                    } else {
                        out = out ?? endpoint.bEndpointAddress
                    }
                }
                guard let out, rank > (best?.rank ?? 0) else { continue }
                best = (rank, Candidate(
                    device: device, vendor: descriptor.idVendor, product: descriptor.idProduct,
                    bus: Int(libusb_get_bus_number(device)), address: Int(libusb_get_device_address(device)),
                    serialIndex: descriptor.iSerialNumber, manufacturerIndex: descriptor.iManufacturer,
                    productIndex: descriptor.iProduct, configIndex: config.pointee.bConfigurationValue &- 1,
                    interface: Int32(alt.bInterfaceNumber), altSetting: Int32(alt.bAlternateSetting),
                    endpointOut: out, endpointIn: alt.bInterfaceProtocol == 1 ? nil : input))
            }
        }
        return best?.candidate
    }
}
