import Foundation
import Testing

/// Runs the built `packstation` binary as a user would.
struct CLI {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["PACKSTATION_BIN"] { return URL(fileURLWithPath: path) }
        // The test bundle sits next to the products it was built with.
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("packstation")
    }()

    static func run(_ arguments: [String], stdin: [UInt8]? = nil, environment: [String: String] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin)) }
        try input.fileHandleForWriting.close()
        // Read both pipes before waiting so a large output cannot block the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A scratch directory with the given files.
    static func files(_ contents: [String: [UInt8]]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("packstation-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, bytes) in contents { try Data(bytes).write(to: dir.appendingPathComponent(name)) }
        return dir
    }
}

@Suite struct VerifyCLITests {
    static let order = Array(#"{"id":"1001","barcodes":["ORD-1001"],"status":"ready","payment":"captured","lines":[{"sku":"MUG","quantity":1,"barcodes":["4006381333931"]}]}"#.utf8)

    @Test func replaysAndPrintsJSONLines() throws {
        let dir = try CLI.files(["o.json": Self.order, "s.txt": Array("ORD-1001\n]C10104006381333931\u{1D}10L1\n".utf8)])
        let r = try CLI.run(["verify", "--order", dir.appendingPathComponent("o.json").path, "--scans", dir.appendingPathComponent("s.txt").path])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1].contains(#""scan":"]C10104006381333931\u001D10L1""#))
        #expect(lines[1].contains(#""verdict":"order_complete""#))
        #expect(lines[2].hasPrefix(#"{"complete":true,"result":{"order_id":"1001""#))
        #expect(r.stderr.isEmpty)
    }

    @Test func readsScansFromStandardInput() throws {
        let dir = try CLI.files(["o.json": Self.order])
        let r = try CLI.run(["verify", "--order", dir.appendingPathComponent("o.json").path, "--scans", "-"], stdin: Array("ORD-1001\n".utf8))
        #expect(r.status == 0)
        #expect(r.stdout.contains(#""verdict":"order_opened""#))
    }

    @Test(arguments: [
        ("o.json", Array("{\"id\": 12".utf8), "not valid JSON: line 1, column 10"),
        ("o.json", Array(#"{"id":"A","status":"ready","payment":"captured","lines":[{"sku":"S","quantity":-1}]}"#.utf8), "lines[0].quantity: must be at least 1, found -1"),
        ("o.json", Array(#"{"id":"A","status":"ready","lines":[{"sku":"S"}]}"#.utf8), "payment: is required"),
        ("o.json", [], "is empty; it must hold an order as JSON"),
        ("o.json", [0x00, 0xFF, 0x13, 0x37, 0x8B], "not valid JSON"),
        ("s.txt", [], "has no scans"),
        ("s.txt", [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x00], "holds binary data"),
        ("s.txt", Array(repeating: 0x35, count: 1 << 20), "is 1048576 bytes long"),
        ("s.txt", [0xC3, 0x28, 0x0A], "is not valid UTF-8"),
    ])
    func badInputExitsOneWithAClearMessage(file: String, bytes: [UInt8], message: String) throws {
        var contents: [String: [UInt8]] = ["o.json": Self.order, "s.txt": Array("ORD-1001\n".utf8)]
        contents[file] = bytes
        let dir = try CLI.files(contents)
        let r = try CLI.run(["verify", "--order", dir.appendingPathComponent("o.json").path, "--scans", dir.appendingPathComponent("s.txt").path])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("error: "))
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(r.stdout.isEmpty, "nothing is replayed from bad input")
    }

    @Test func missingFilesSayWhichAndWhatToDo() throws {
        let r = try CLI.run(["verify", "--order", "/nonexistent/o.json", "--scans", "/nonexistent/s.txt"])
        #expect(r.status == 1)
        #expect(r.stderr == "error: The order file /nonexistent/o.json does not exist. Check the path.\n")
    }

    @Test(arguments: [
        ["verify"],
        ["verify", "--scans", "s.txt"],
        ["verify", "--order", "o.json", "--scans", "s.txt", "--high-value", "lots"],
        ["nonsense"],
        ["verify", "--order", "o.json", "--scans", "s.txt", "--bogus"],
    ])
    func usageErrorsExitTwo(arguments: [String]) throws {
        let r = try CLI.run(arguments)
        #expect(r.status == 2)
        #expect(r.stderr.contains("Error:") || r.stderr.contains("Usage:"))
    }

    @Test func helpExitsZero() throws {
        let r = try CLI.run(["verify", "--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("--order"))
    }
}
