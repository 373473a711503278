import Foundation
import TestPeers
import Testing

/// CUPS' ippeveprinter behind a private dbus + avahi (scripts/peers/ippeveprinter.py): a real
/// IPP Everywhere printer on 127.0.0.1 that keeps every document it gets. Stopped by PID.
final class CupsIPPPeer: @unchecked Sendable {  // read-only after init
    let process = Process()
    let directory: URL
    let port: Int

    /// The printer's URI.
    var uri: String { "ipp://127.0.0.1:\(port)/ipp/print" }

    static let script = CupsPeer.script.deletingLastPathComponent().appendingPathComponent("ippeveprinter.py")

    /// Whether ippeveprinter and the daemons it needs are here.
    static var installed: Bool {
        ["/usr/sbin/ippeveprinter", "/usr/bin/dbus-daemon", "/usr/sbin/avahi-daemon"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Tests run when the tools are installed, and always under CI (where missing tools fail).
    static var shouldRun: Bool { installed || ProcessInfo.processInfo.environment["CI"] != nil }

    init(formats: String = "application/pdf,application/vnd.zebra-zpl") throws {
        guard Self.installed else { throw CupsPeer.PeerError.command("ippeveprinter, dbus-daemon or avahi-daemon is not installed; apt-get install cups-ipp-utils dbus-daemon avahi-daemon") }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ippeve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let fields = try PeerProcess.start(process, script: Self.script, arguments: ["--dir", directory.appendingPathComponent("p").path, "--formats", formats],
                                           readyFile: directory.appendingPathComponent("ready"), output: directory.appendingPathComponent("peer.out"), seconds: 30)
        guard let found = fields["port"] else {
            PeerProcess.stop(process, grace: 10)
            throw CupsPeer.PeerError.didNotStart("no port in its ready line: \(fields)")
        }
        port = found
    }

    deinit {
        // The script stops ippeveprinter, avahi and dbus by their PIDs on SIGTERM.
        PeerProcess.stop(process, grace: 10)
        try? FileManager.default.removeItem(at: directory)
    }

    /// The documents the printer kept, by file name (`1-name.pdf`; the `.prn` files are the
    /// output of its print command, not documents).
    func documents() -> [String: Data] {
        let spool = directory.appendingPathComponent("p/spool")
        var found: [String: Data] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: spool.path)) ?? [] where !name.hasSuffix(".prn") {
            if let data = FileManager.default.contents(atPath: spool.appendingPathComponent(name).path) { found[name] = data }
        }
        return found
    }
}
