import Foundation
import Synchronization

/// The carrier-shaped corpus (scripts/make-carrier-corpus.py): ZPL and PDF labels as carrier APIs
/// and shipping platforms hand them out, written once per test process into a temporary
/// directory, with its manifest.json describing what each file prints.
///
/// Files: ups.zpl, fedex.zpl, dhl.zpl, usps.zpl, bulk-500.zpl, cairo.pdf, reportlab.pdf,
/// qpdf-objstm.pdf, a4-two-up.pdf; in `bigDirectory` also bulk-10000.zpl and pages-500.pdf.
/// Generating blocks for about half a second (about five for the big one): call it off the
/// cooperative pool in async tests that run a server in the same process.
public enum CarrierCorpus {
    /// The generator script.
    public static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/make-carrier-corpus.py")

    /// The four carrier files, in the order the manifest's tests use them.
    public static let carrierFiles = ["ups.zpl", "fedex.zpl", "dhl.zpl", "usps.zpl"]

    /// The directory holding the corpus without the big files.
    public static var directory: URL {
        get throws { try small.get() }
    }

    /// The directory holding the corpus with bulk-10000.zpl and pages-500.pdf.
    public static var bigDirectory: URL {
        get throws { try big.get() }
    }

    /// manifest.json of `directory`, parsed: file name → its entry (see the script's docstring).
    public static var manifest: [String: Any] {
        get throws { try parseManifest(in: directory) }
    }

    /// manifest.json of `bigDirectory`, parsed.
    public static var bigManifest: [String: Any] {
        get throws { try parseManifest(in: bigDirectory) }
    }

    /// The bytes of one corpus file.
    public static func bytes(_ name: String, big: Bool = false) throws -> [UInt8] {
        let url = try (big ? bigDirectory : directory).appendingPathComponent(name)
        return Array(try Data(contentsOf: url))
    }

    /// One file's manifest entry.
    public static func entry(_ name: String, big: Bool = false) throws -> [String: Any] {
        guard let entry = try (big ? bigManifest : manifest)[name] as? [String: Any] else {
            throw CorpusError(description: "The carrier corpus has no file '\(name)'; its manifest lists \(try (big ? bigManifest : manifest).keys.sorted()).")
        }
        return entry
    }

    /// How many labels a ZPL file prints (the sum of its ^PQ copies), from the manifest.
    public static func labelCount(_ name: String, big: Bool = false) throws -> Int {
        guard let count = try entry(name, big: big)["label_count"] as? Int else {
            throw CorpusError(description: "'\(name)' has no label_count in the manifest: it is not a ZPL file.")
        }
        return count
    }

    /// The corpus could not be written or read; says what the script printed.
    public struct CorpusError: Error, CustomStringConvertible {
        public let description: String
    }

    private static let small = Generated(big: false)
    private static let big = Generated(big: true)

    /// Runs the script once, on first use, and remembers the directory or the error.
    private final class Generated: Sendable {
        let big: Bool
        let result = Mutex<Result<URL, CorpusError>?>(nil)

        init(big: Bool) { self.big = big }

        func get() throws(CorpusError) -> URL {
            // Held while the script runs, so that concurrent first uses wait for one run.
            let outcome = result.withLock { cached in
                if let cached { return cached }
                let made = CarrierCorpus.generate(big: big)
                cached = made
                return made
            }
            return try outcome.get()
        }
    }

    private static func generate(big: Bool) -> Result<URL, CorpusError> {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("carrier-corpus-\(big ? "big-" : "")\(UUID().uuidString)")
        let log = out.appendingPathExtension("log")
        do {
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            defer { try? handle.close() }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", script.path, out.path] + (big ? ["--big"] : [])
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            process.waitUntilExit()
            let printed = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(at: log)
            guard process.terminationStatus == 0 else {
                return .failure(CorpusError(description: "scripts/make-carrier-corpus.py exited with \(process.terminationStatus): \(printed.suffix(2000)) (it needs python3-reportlab, python3-cairo and qpdf: scripts/lib.sh TEST_PACKAGES)"))
            }
            return .success(out)
        } catch {
            return .failure(CorpusError(description: "Could not run scripts/make-carrier-corpus.py: \(error)"))
        }
    }

    private static func parseManifest(in directory: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent("manifest.json"))
        guard let manifest = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CorpusError(description: "\(directory.path)/manifest.json is not a JSON object.")
        }
        return manifest
    }
}
