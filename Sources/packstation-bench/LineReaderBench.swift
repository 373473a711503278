import Foundation
import PrintRuns

/// An orders file with a few 8 MiB lines (an order carrying a huge embedded label, or a file
/// that is not JSON lines at all) read by `LineReader`, against the reader before issue 12
/// (kept below, unchanged but for its name) which searched the whole partial line for a newline
/// after every 64 KiB read. Both read the same file in the same run; the short-line file shows
/// the common case costs the same.
enum LineReaderBench {
    static func run() {
        do { try measure() } catch { print("line-reader benchmark failed: \(error)") }
    }

    static func measure() throws {
        let dir = NSTemporaryDirectory() + "packstation-linebench-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let long = dir + "/long.jsonl", short = dir + "/short.jsonl"
        let line = [UInt8](repeating: UInt8(ascii: "x"), count: 8 << 20) + [0x0A]
        try Data((0..<4).flatMap { _ in line }).write(to: URL(fileURLWithPath: long))
        let order = Array(#"{"id":"SO-1","status":"ready","payment":"captured","lines":[{"sku":"MUG","quantity":1}]}"#.utf8) + [0x0A]
        try Data((0..<400_000).flatMap { _ in order }).write(to: URL(fileURLWithPath: short))

        print("| file | reader | lines | MiB | seconds | MiB/s |")
        print("|---|---|---:|---:|---:|---:|")
        for (name, path) in [("4 lines of 8 MiB", long), ("400,000 order lines", short)] {
            for (reader, read) in [("before (rescans)", readBefore), ("LineReader", readNow)] {
                var best = UInt64.max, lines = 0, bytes = 0
                for _ in 0..<3 {
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    (lines, bytes) = try read(path)
                    best = min(best, DispatchTime.now().uptimeNanoseconds - t0)
                }
                let seconds = Double(best) / 1e9, size = Double(bytes + lines) / 1_048_576
                print("| \(name) | \(reader) | \(lines) | \(String(format: "%.0f", size)) | \(String(format: "%.3f", seconds)) | \(String(format: "%.0f", size / seconds)) |")
            }
        }
        print("\nBest of 3 runs each.")
    }

    /// Lines and bytes (without newlines) read.
    static func readNow(_ path: String) throws -> (Int, Int) {
        let reader = try LineReader(path: path)
        var bytes = 0
        while let line = try reader.next() { bytes += line.count }
        return (reader.linesRead, bytes)
    }

    static func readBefore(_ path: String) throws -> (Int, Int) {
        let reader = try RescanningLineReader(path: path)
        var bytes = 0
        while let line = try reader.next() { bytes += line.count }
        return (reader.linesRead, bytes)
    }
}

/// `LineReader` as it was before issue 12, the peer of the benchmark.
private final class RescanningLineReader {
    private let handle: FileHandle
    private let path: String
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    private(set) var linesRead = 0
    static let maximumLine = 16 << 20

    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw RunError(code: "run.unreadable", message: path) }
        self.handle = handle
        self.path = path
    }

    deinit { try? handle.close() }

    func next() throws(RunError) -> [UInt8]? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                let line = Array(buffer[start..<newline])
                start = newline + 1
                linesRead += 1
                return line
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = Array(buffer[start...])
                start = buffer.count
                linesRead += 1
                return line
            }
            buffer.removeFirst(start)
            start = 0
            guard buffer.count <= Self.maximumLine else {
                throw RunError(code: "run.bad_order", message: "\(path) line \(linesRead + 1) is longer than \(Self.maximumLine >> 20) MiB; it is not an order. --orders takes one order as JSON per line.")
            }
            let block: Data?
            do { block = try handle.read(upToCount: 64 << 10) } catch {
                throw RunError(code: "run.unreadable", message: "Reading \(path) failed: \(error.localizedDescription).")
            }
            if let block, !block.isEmpty { buffer += block } else { atEnd = true }
        }
    }
}
