import Foundation

/// One benchmark: a name for the command line and a body that prints a Markdown section.
struct Benchmark: Sendable {
    let name: String
    let run: @Sendable () -> Void
}

enum Benchmarks {
    /// Every benchmark, in the order docs/benchmarks.md lists them.
    static let all: [Benchmark] = [
        Benchmark(name: "scans", run: ScanBench.run),
        Benchmark(name: "scanner-input", run: ScannerBench.run),
        Benchmark(name: "sync", run: SyncBench.run),
        Benchmark(name: "labels", run: LabelBench.run),
        Benchmark(name: "print-runs", run: PrintRunBench.run),
        Benchmark(name: "line-reader", run: LineReaderBench.run),
        Benchmark(name: "pdf", run: PDFBench.run),
        Benchmark(name: "zpl", run: ZPLBench.run),
    ]
}

/// Wall-clock measurement helpers shared by the benchmarks.
enum Measure {
    /// Monotonic nanoseconds.
    @inline(__always) static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// The value at quantile q (0...1) of sorted samples.
    static func quantile(_ sorted: [UInt64], _ q: Double) -> UInt64 {
        sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]
    }

    /// Peak resident set size of this process so far, in MiB (VmHWM).
    static func peakRSSMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return .nan }
        return kb / 1024
    }

    /// Runs a shell command and returns its standard output (for peers run in the same benchmark).
    static func shell(_ command: String) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let pipe = Pipe()
        process.standardOutput = pipe
        do { try process.run() } catch { return (127, "") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
