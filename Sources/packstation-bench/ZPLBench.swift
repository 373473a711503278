import Foundation
import Labels

/// ZPL read as a printer reads it, in MB/s, over the carrier corpus's 10,000-label file
/// (scripts/make-carrier-corpus.py --big: a graphic downloaded once, a settings format every
/// 100 labels, CRLF): `ZPLTokenizer` alone, and `ZPLDocument` (tokenizing, what prints, ^PQ,
/// needs, payload sizes and the refusal policy). The peer in the same run is a Python tokenizer
/// on `re` (C), splitting the same file into the same commands (it ignores ^CC and binary
/// payloads, which the file does not use), timed in its own process the same way.
enum ZPLBench {
    static func run() {
        do { try measure() } catch { print("zpl benchmark failed: \(error)") }
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func measure() throws {
        let dir = NSTemporaryDirectory() + "packstation-zplbench-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let made = Measure.shell("python3 \(root.path)/scripts/make-carrier-corpus.py \(dir) --big 2>&1")
        guard made.status == 0 else { throw BenchError(description: "make-carrier-corpus.py failed: \(made.output)") }
        let path = dir + "/bulk-10000.zpl"
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let mb = Double(bytes.count) / 1e6
        let rounds = 7

        var commands = 0
        let tokenizer = best(rounds) {
            var tokens = ZPLTokenizer(bytes)
            var n = 0
            while tokens.next() != nil { n += 1 }
            commands = n
        }
        var labels = 0
        let document = best(rounds) {
            labels = (try? ZPLDocument(bytes))?.labelCount ?? -1
        }
        let peer = Measure.shell("python3 -c '\(pythonPeer)' \(path) \(rounds)")
        let peerFields = peer.output.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }

        print("bulk-10000.zpl: \(String(format: "%.1f", mb)) MB, \(commands) commands, \(labels) labels.\n")
        print("| reader | seconds | MB/s | commands |")
        print("|---|---:|---:|---:|")
        print("| ZPLTokenizer | \(String(format: "%.4f", tokenizer)) | \(String(format: "%.0f", mb / tokenizer)) | \(commands) |")
        print("| ZPLDocument (tokenize + labels, needs, checks, policy) | \(String(format: "%.4f", document)) | \(String(format: "%.0f", mb / document)) | \(commands) |")
        if peer.status == 0, peerFields.count == 2 {
            print("| Python `re` tokenizer (peer, same run) | \(String(format: "%.4f", peerFields[0])) | \(String(format: "%.0f", mb / peerFields[0])) | \(Int(peerFields[1])) |")
        } else {
            print("| Python `re` tokenizer (peer) | failed: \(peer.output.prefix(200)) | | |")
        }
        print("\nBest of \(rounds) rounds each; MB = 10^6 bytes.")
    }

    /// The fastest of `rounds` runs, in seconds.
    static func best(_ rounds: Int, _ body: () -> Void) -> Double {
        var fastest = UInt64.max
        for _ in 0..<rounds {
            let t0 = Measure.now()
            body()
            fastest = min(fastest, Measure.now() - t0)
        }
        return Double(fastest) / 1e9
    }

    /// Commands as ZPLTokenizer splits them: a prefix, CR/LF skipped, a code of one or two
    /// bytes (^A plus its font letter counted as the code), parameters to the next prefix.
    static let pythonPeer = """
        import re, sys, time
        data = open(sys.argv[1], "rb").read()
        command = re.compile(rb"[\\^~][\\r\\n]*[^\\^~\\r\\n]?[\\r\\n]*[^\\^~\\r\\n]?[^\\^~]*")
        best, n = None, 0
        for _ in range(int(sys.argv[2])):
            t0 = time.perf_counter()
            n = sum(1 for _ in command.finditer(data))
            t = time.perf_counter() - t0
            best = t if best is None or t < best else best
        print(best, n)
        """

    struct BenchError: Error, CustomStringConvertible {
        let description: String
    }
}
