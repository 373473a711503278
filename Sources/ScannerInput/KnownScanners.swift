/// USB vendors whose keyboard-interface devices are barcode scanners, for autodetection.
///
/// The same list tags devices in udev/60-packstation-scanners.rules (a test keeps both equal).
/// Brands that ship generic USB chips (Inateck, Netum, Eyoyo, Zebex, Unitech, …) are matched
/// there by manufacturer string, and here by the device name ("barcode", "scanner").
public enum KnownScanners {
    /// Vendor id → maker.
    public static let vendors: [UInt16: String] = [
        0x05E0: "Zebra/Symbol",
        0x0C2E: "Honeywell/Metrologic",
        0x0536: "Honeywell (Hand Held Products)",
        0x067E: "Honeywell (Intermec)",
        0x05F9: "Datalogic (PSC)",
        0x080C: "Datalogic",
        0x1EAB: "Newland",
        0x065A: "Opticon",
        0x0D2A: "Code Corporation",
        0x0EB0: "Socket Mobile",
        0x2DD6: "Mertech",
        0x27DD: "Mindeo",
    ]

    /// Manufacturer strings (USB iManufacturer) of scanner brands on generic chips.
    public static let manufacturers = ["Inateck", "NETUM", "Eyoyo", "ZEBEX", "Unitech", "Tera", "Symcode", "Honeywell", "Datalogic", "Zebra"]
}
