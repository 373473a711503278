internal import CUSB

/// A USB printer found on the bus (`packstation devices`): its ids, its IEEE 1284 device id and,
/// for ZPL printers that talk back, what stops it and its label counter.
public struct USBPrinterInfo: Hashable, Sendable {
    /// USB vendor id.
    public var vendor: UInt16
    /// USB product id.
    public var product: UInt16
    /// USB bus number.
    public var bus: Int
    /// Device address on the bus.
    public var address: Int
    /// USB manufacturer string.
    public var manufacturer: String?
    /// USB product string.
    public var productName: String?
    /// USB serial number string (else the 1284 id's SN).
    public var serial: String?
    /// The printer-class interface number.
    public var interface: Int
    /// Whether the printer answers on bulk IN (interface protocol 2), so status can be read.
    public var bidirectional: Bool
    /// The IEEE 1284 device id; nil when it could not be read (see `problem`).
    public var deviceID: IEEE1284DeviceID?
    /// The host status, for ZPL printers that talk back.
    public var hostStatus: ZebraHostStatus?
    /// Labels printed over the printer's life, for ZPL printers that report it.
    public var odometer: Int?
    /// Why something could not be read (permissions, in use), in words.
    public var problem: String?

    /// Whether the printer speaks ZPL (its 1284 `CMD`).
    public var speaksZPL: Bool { deviceID?.speaksZPL ?? false }

    /// The URI that prints to it (with the serial, so the same printer is found among several).
    public var uri: PrinterURI { .usb(vendor: vendor, product: product, serial: serial) }

    /// `0a5f:0166`.
    public var vendorProduct: String { USBIDs.text(vendor, product) }
}

/// Lists the USB printers (devices with a printer-class interface) and reads each one's 1284 id;
/// for ZPL printers that talk back also their host status and label counter. Reading the id
/// unbinds the kernel's usblp from the interface for a moment and binds it again (as CUPS does).
public func listUSBPrinters() throws(PrinterError) -> [USBPrinterInfo] {
    let context = try USBContext()
    return try context.withPrinterInterfaces { candidates throws(PrinterError) in
        candidates.map { candidate in
            var info = USBPrinterInfo(
                vendor: candidate.vendor, product: candidate.product, bus: candidate.bus, address: candidate.address,
                interface: Int(candidate.interface), bidirectional: candidate.endpointIn != nil)
            let label = "USB printer \(info.vendorProduct)"
            do throws(PrinterError) {
                let connection = try USBConnection(candidate, context: context, name: label)
                info.manufacturer = connection.manufacturer
                info.productName = connection.productName
                info.serial = connection.serial ?? connection.deviceID?.serialNumber
                info.deviceID = connection.deviceID
                if info.speaksZPL, info.bidirectional {
                    let printer = USBPrinter(connection: connection, name: label, timeouts: .init(reply: .seconds(2)))
                    info.hostStatus = try? printer.hostStatus()
                    info.odometer = try? printer.labelOdometer()
                }
            } catch {
                info.problem = error.message
            }
            return info
        }
    }
}

/// Hex forms of USB ids.
enum USBIDs {
    static func hex(_ v: UInt16) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 4 - s.count) + s
    }

    static func text(_ vendor: UInt16, _ product: UInt16) -> String { "\(hex(vendor)):\(hex(product))" }

    /// libusb's name for an error code (`LIBUSB_ERROR_NO_DEVICE`).
    static func errorName(_ rc: Int32) -> String { String(cString: libusb_error_name(rc)) }
}
