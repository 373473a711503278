internal import CLibFuzzer
import Foundation

/// The function being fuzzed. libFuzzer calls back through a C function pointer, which cannot
/// capture it; set once in `Fuzzer.run`, before libFuzzer starts, and only read afterwards.
nonisolated(unsafe) private var fuzzedFunction: ((UnsafeBufferPointer<UInt8>) -> Void)?

/// Runs a fuzz target under libFuzzer from the target's own `main`.
///
/// SwiftPM links every executable with `main` defined as the module's own entry point, so
/// libFuzzer's `main` (in libclang_rt.fuzzer) is never linked in: a target that only defined
/// `LLVMFuzzerTestOneInput` ran as an empty program that exited 0 at once. Each target's
/// main.swift calls `Fuzzer.run` instead, which hands the command line to libFuzzer's driver
/// (`LLVMFuzzerRunDriver`, the entry point libFuzzer provides for programs with their own main).
public enum Fuzzer {
    /// Fuzzes `body` with libFuzzer's options from the command line, then exits with its status.
    ///
    /// `body` checks its input with `precondition`; a failed check is a crash libFuzzer reports
    /// with the input that caused it.
    public static func run(_ body: @escaping (UnsafeBufferPointer<UInt8>) -> Void) -> Never {
        fuzzedFunction = body
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
    }
}

/// libFuzzer's callback for one input. It also has to exist under this C name: -sanitize=fuzzer
/// links all of libclang_rt.fuzzer, whose (unused) `main` refers to it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let fuzzedFunction else {
        fatalError("no fuzz function: libFuzzer's own main ran instead of the target's main.swift, which calls Fuzzer.run")
    }
    fuzzedFunction(UnsafeBufferPointer(start: data, count: size))
    return 0
}
