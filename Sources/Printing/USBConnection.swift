internal import CUSB

/// One opened USB printer interface: usblp detached when it held it, the interface claimed, the
/// 1284 id read. Closing releases the interface and gives it back to usblp. Owned by one printer
/// (or one listing) and used by one thread at a time.
final class USBConnection {
    let context: USBContext
    private let handle: OpaquePointer
    let vendor: UInt16
    let product: UInt16
    let bus: Int
    let address: Int
    let interface: Int32
    let endpointOut: UInt8
    let endpointIn: UInt8?
    /// Whether usblp held the interface (it gets it back on close).
    let detachedKernelDriver: Bool
    let manufacturer: String?
    let productName: String?
    let serial: String?
    let deviceID: IEEE1284DeviceID?

    /// Opens and claims a candidate interface; `name` is how errors call the printer.
    init(_ c: USBContext.Candidate, context: USBContext, name: String) throws(PrinterError) {
        self.context = context
        vendor = c.vendor
        product = c.product
        bus = c.bus
        address = c.address
        interface = c.interface
        endpointOut = c.endpointOut
        endpointIn = c.endpointIn
        let node = "/dev/bus/usb/\(Self.pad(c.bus))/\(Self.pad(c.address))"
        var opened: OpaquePointer?
        let rc = libusb_open(c.device, &opened)
        guard rc == 0, let opened else {
            if rc == LIBUSB_ERROR_ACCESS.rawValue {
                throw PrinterError(code: "printer.usb_permission", message: "\(name): no permission to open \(node) — install udev/61-packstation-printers.rules (USB printers to group lp) and add the agent's user to group lp, or run it as root.")
            }
            throw Self.failure(rc, name: name, doing: "opening \(node)")
        }
        handle = opened
        var detached = false
        do throws(PrinterError) {
            if libusb_kernel_driver_active(opened, c.interface) == 1 {
                let rc = libusb_detach_kernel_driver(opened, c.interface)
                guard rc == 0 || rc == LIBUSB_ERROR_NOT_FOUND.rawValue else {
                    throw Self.failure(rc, name: name, doing: "taking the printer from the kernel's usblp driver")
                }
                detached = rc == 0
            }
            let claim = libusb_claim_interface(opened, c.interface)
            guard claim == 0 else {
                if claim == LIBUSB_ERROR_BUSY.rawValue {
                    throw PrinterError(code: "printer.busy", message: "\(name): the USB printer is in use by another program (a CUPS usb:// queue or another packstation?) — stop it or print through it.", isTransient: true)
                }
                throw Self.failure(claim, name: name, doing: "claiming the printer interface")
            }
            if c.altSetting != 0 {
                let rc = libusb_set_interface_alt_setting(opened, c.interface, c.altSetting)
                guard rc == 0 else { throw Self.failure(rc, name: name, doing: "selecting the printer interface") }
            }
        } catch {
            if detached { libusb_attach_kernel_driver(opened, c.interface) }
            libusb_close(opened)
            throw error
        }
        detachedKernelDriver = detached
        manufacturer = Self.string(opened, c.manufacturerIndex)
        productName = Self.string(opened, c.productIndex)
        serial = Self.string(opened, c.serialIndex)
        deviceID = Self.deviceID(opened, config: c.configIndex, interface: c.interface, alt: c.altSetting)
    }

    deinit {
        libusb_release_interface(handle, interface)
        if detachedKernelDriver { libusb_attach_kernel_driver(handle, interface) }
        libusb_close(handle)
    }

    /// The USB printer class GET_DEVICE_ID request (bmRequestType 0xA1, bRequest 0, wValue the
    /// configuration index, wIndex interface << 8 | alternate setting).
    private static func deviceID(_ handle: OpaquePointer, config: UInt8, interface: Int32, alt: Int32) -> IEEE1284DeviceID? {
        var buffer = [UInt8](repeating: 0, count: 1024)
        let n = buffer.withUnsafeMutableBufferPointer {
            libusb_control_transfer(handle, UInt8(packstation_usb_printer_request_in), UInt8(packstation_usb_printer_get_device_id),
                                    UInt16(config), UInt16(truncatingIfNeeded: interface << 8 | alt), $0.baseAddress, UInt16($0.count), 5000)
        }
        guard n > 2 else { return nil }
        return IEEE1284DeviceID(reply: buffer[..<Int(n)])
    }

    private static func string(_ handle: OpaquePointer, _ index: UInt8) -> String? {
        guard index != 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBufferPointer { libusb_get_string_descriptor_ascii(handle, index, $0.baseAddress, Int32($0.count)) }
        guard n > 0 else { return nil }
        let text = String(decoding: buffer[..<Int(n)], as: UTF8.self)
        return text.allSatisfy(\.isWhitespace) ? nil : text
    }

    /// GET_PORT_STATUS (bRequest 1): the 1284 status byte (0x20 paper empty, 0x10 selected,
    /// 0x08 no error); an error when the printer does not answer it.
    func portStatus() throws(USBTransferError) -> UInt8 {
        var byte: UInt8 = 0
        let n = libusb_control_transfer(handle, UInt8(packstation_usb_printer_request_in), UInt8(packstation_usb_printer_get_port_status),
                                        0, UInt16(truncatingIfNeeded: interface), &byte, 1, 2000)
        guard n == 1 else { throw USBTransferError(code: n < 0 ? n : LIBUSB_ERROR_IO.rawValue, transferred: 0) }
        return byte
    }

    /// One bulk OUT transfer of at most `count` bytes; returns how many the printer took before
    /// the timeout (a timeout with partial progress is not an error).
    func writeChunk(_ bytes: UnsafeRawBufferPointer, timeoutMilliseconds: UInt32) throws(USBTransferError) -> Int {
        var transferred: Int32 = 0
        let base = UnsafeMutablePointer(mutating: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
        let rc = libusb_bulk_transfer(handle, endpointOut, base, Int32(bytes.count), &transferred, timeoutMilliseconds)
        if rc == LIBUSB_ERROR_PIPE.rawValue { libusb_clear_halt(handle, endpointOut) }
        guard rc == 0 || rc == LIBUSB_ERROR_TIMEOUT.rawValue else { throw USBTransferError(code: rc, transferred: Int(transferred)) }
        return Int(transferred)
    }

    /// One bulk IN transfer; returns what arrived before the timeout (possibly nothing).
    func read(into buffer: inout [UInt8], timeoutMilliseconds: UInt32) throws(USBTransferError) -> Int {
        guard let endpointIn else { throw USBTransferError(code: LIBUSB_ERROR_NOT_SUPPORTED.rawValue, transferred: 0) }
        var transferred: Int32 = 0
        let rc = buffer.withUnsafeMutableBufferPointer {
            libusb_bulk_transfer(handle, endpointIn, $0.baseAddress, Int32($0.count), &transferred, timeoutMilliseconds)
        }
        if rc == LIBUSB_ERROR_PIPE.rawValue { libusb_clear_halt(handle, endpointIn) }
        guard rc == 0 || rc == LIBUSB_ERROR_TIMEOUT.rawValue else { throw USBTransferError(code: rc, transferred: Int(transferred)) }
        return Int(transferred)
    }

    private static func pad(_ n: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, 3 - s.count)) + s
    }

    static func failure(_ rc: Int32, name: String, doing what: String) -> PrinterError {
        if rc == LIBUSB_ERROR_NO_DEVICE.rawValue {
            return PrinterError(code: "printer.offline", message: "\(name): the USB printer went away while \(what) — plug it in or check the cable.", isTransient: true)
        }
        return PrinterError(code: "printer.usb", message: "\(name): \(what) failed (libusb: \(USBIDs.errorName(rc))) — unplug the printer, plug it in again and retry.", isTransient: true)
    }
}

/// A failed transfer: libusb's code and the bytes that went through before it.
struct USBTransferError: Error {
    var code: Int32
    var transferred: Int

    /// The device is gone (unplugged, or reset): the connection must be opened again.
    var deviceGone: Bool { code == LIBUSB_ERROR_NO_DEVICE.rawValue || code == LIBUSB_ERROR_IO.rawValue }
}
