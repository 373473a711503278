import Foundation
import Station

/// Where each input is written for `StationConfiguration.load`, which reads a file: one file per
/// fuzzing process (libFuzzer's -jobs runs several), in memory when /dev/shm exists (writing
/// a file on this disk takes milliseconds, which capped the target at ~150 inputs/s).
let configurationPath = (FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm/" : NSTemporaryDirectory())
    + "packstation-fuzz-\(getpid()).toml"

/// Any bytes as station.toml: the TOML reader, then the configuration's checks of every key.
///
/// Checks that a syntax error names a line of the file, that the loader refuses exactly the files
/// the reader refuses (with `config.syntax`, or `config.encoding` for bytes that are not UTF-8),
/// and that every loader error has a code and a message.
func fuzzStationTOML(_ bytes: UnsafeBufferPointer<UInt8>) {
    let text = String(validating: bytes, as: UTF8.self)
    let lineCount = bytes.count { $0 == UInt8(ascii: "\n") } + 1
    var parsed = false
    if let text {
        do {
            let document = try TOMLDocument(parsing: text)
            for (key, _, line) in document.root.entries {
                precondition((1...lineCount).contains(line), "key \(key) is on line \(line) of a \(lineCount)-line file")
            }
            parsed = true
        } catch {
            precondition((1...lineCount).contains(error.line), "syntax error on line \(error.line) of a \(lineCount)-line file: \(error)")
            precondition(!error.message.isEmpty, "a syntax error without a message")
        }
    }
    guard FileManager.default.createFile(atPath: configurationPath, contents: Data(bytes)) else {
        fatalError("cannot write \(configurationPath)")
    }
    defer { unlink(configurationPath) }
    do {
        // An empty environment: the host's PACKSTATION_* variables must not change what is fuzzed.
        _ = try StationConfiguration.load(file: configurationPath, environment: [:], searchPath: [])
        precondition(parsed, "the loader accepted a file the TOML reader refuses")
    } catch {
        precondition(!error.code.isEmpty && !error.message.isEmpty, "a configuration error without a code or message")
        if text == nil {
            precondition(error.code == "config.encoding", "bytes that are not UTF-8 refused as \(error.code), not config.encoding")
        } else if !parsed {
            precondition(error.code == "config.syntax", "a TOML syntax error refused as \(error.code), not config.syntax")
        } else {
            precondition(error.code != "config.syntax", "a file the TOML reader accepts refused as a syntax error: \(error.message)")
        }
    }
}
