// packstation-bench: the speed and memory figures of docs/benchmarks.md.
// Run with `swift run -c release packstation-bench [NAME...]`; no name runs them all.
// Each benchmark is one file with a `Benchmark` value in `Benchmarks.all`.

import Foundation

// `pdf-pages FILE`, `pdf-raster FILE DPI`: one-shot runs for hyperfine (PDFBench).
if PDFBench.oneShot(Array(CommandLine.arguments.dropFirst())) { exit(0) }
let requested = Set(CommandLine.arguments.dropFirst())
let unknown = requested.subtracting(Benchmarks.all.map(\.name))
if !unknown.isEmpty {
    FileHandle.standardError.write(Data("unknown benchmark(s): \(unknown.sorted().joined(separator: ", ")); known: \(Benchmarks.all.map(\.name).joined(separator: ", "))\n".utf8))
    exit(2)
}
for bench in Benchmarks.all where requested.isEmpty || requested.contains(bench.name) {
    print("## \(bench.name)\n")
    bench.run()
    print("")
}
