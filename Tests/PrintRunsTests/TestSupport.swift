import Foundation
import Testing
@testable import Printing

/// Waits until `condition` holds or `seconds` pass.
func eventually(_ seconds: Double = 30, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        usleep(20_000)
    }
    return false
}

/// A fresh scratch directory.
func scratch(_ name: String = "runs") throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// Label `n` of a test run: a small format that names itself, so the printer's log shows order.
func testLabel(_ n: Int) -> String { "^XA^FO50,50^A0N,40,40^FDlabel \(n)^FS^XZ" }

/// A directory of `count` one-label ZPL files, named so that name order is label order.
func labelDirectory(_ count: Int) throws -> String {
    let dir = try scratch("labels")
    for n in 1...count { try testLabel(n).write(toFile: dir + "/label-\(n).zpl", atomically: true, encoding: .utf8) }
    return dir
}

/// An order with a shipment, as one JSON line.
func orderLine(_ n: Int) -> String {
    #"{"id":"SO-\#(n)","status":"ready","payment":"captured","lines":[{"sku":"MUG","quantity":1}],"shipment":{"carrier":"UPS","service":"Ground","tracking":"1Z999AA10123456784","from":{"name":"Shop","street":["1 Main St"],"city":"Springfield","postal_code":"62701","country":"US"},"to":{"name":"Customer \#(n)","street":["\#(n) Elm St"],"city":"Albany","region":"NY","postal_code":"12207","country":"US"}}}"#
}

/// The built `packstation` binary, run as the supervisor runs it; output goes to files.
struct Agent {
    static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["PACKSTATION_BIN"] { return URL(fileURLWithPath: path) }
        // The test bundle sits next to the products it was built with.
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("packstation")
    }()

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// A running agent whose output goes to files.
    final class Running {
        let process = Process()
        let out: String
        let err: String

        init(_ arguments: [String], in dir: String, environment: [String: String] = [:]) throws {
            let tag = UUID().uuidString
            out = dir + "/agent-\(tag).out"
            err = dir + "/agent-\(tag).err"
            FileManager.default.createFile(atPath: out, contents: nil)
            FileManager.default.createFile(atPath: err, contents: nil)
            process.executableURL = Agent.binary
            process.arguments = arguments
            process.standardOutput = FileHandle(forWritingAtPath: out)
            process.standardError = FileHandle(forWritingAtPath: err)
            process.standardInput = FileHandle.nullDevice
            if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
            try process.run()
        }

        var stdout: String { (try? String(contentsOfFile: out, encoding: .utf8)) ?? "" }
        var stderr: String { (try? String(contentsOfFile: err, encoding: .utf8)) ?? "" }
        /// The first line of stdout once it is complete (the run id).
        var firstLine: String? {
            let text = stdout
            guard let newline = text.firstIndex(of: "\n") else { return nil }
            return String(text[..<newline])
        }

        func wait() -> Output {
            process.waitUntilExit()
            return Output(status: process.terminationStatus, stdout: stdout, stderr: stderr)
        }

        func kill9() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Runs the agent to its end.
    static func run(_ arguments: [String], in dir: String, environment: [String: String] = [:]) throws -> Output {
        try Running(arguments, in: dir, environment: environment).wait()
    }
}

/// A valid PDF of `pages` 4×6 in pages, each reading "page N" (a correct xref, so pdfinfo,
/// poppler and pdftopdf all take it).
func minimalPDF(pages: Int, tag: String = "") -> [UInt8] {
    var objects: [String] = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [\((0..<pages).map { "\(4 + 2 * $0) 0 R" }.joined(separator: " "))] /Count \(pages) >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for p in 1...pages {
        let text = "BT /F1 24 Tf 40 200 Td (\(tag)page \(p)) Tj ET"
        objects.append("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 288 432] /Resources << /Font << /F1 3 0 R >> >> /Contents \(5 + 2 * (p - 1)) 0 R >>")
        objects.append("<< /Length \(text.utf8.count) >>\nstream\n\(text)\nendstream")
    }
    var out = "%PDF-1.4\n"
    var offsets: [Int] = []
    for (i, body) in objects.enumerated() {
        offsets.append(out.utf8.count)
        out += "\(i + 1) 0 obj\n\(body)\nendobj\n"
    }
    let xref = out.utf8.count
    out += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
    for o in offsets { out += String(repeating: "0", count: 10 - String(o).count) + "\(o) 00000 n \n" }
    out += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
    return Array(out.utf8)
}

/// Pages of a PDF as pdfinfo (poppler-utils) counts them; nil when it is not a PDF it reads.
func pdfinfoPages(_ bytes: [UInt8]) throws -> Int? {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("pdfinfo-\(UUID().uuidString).pdf").path
    FileManager.default.createFile(atPath: path, contents: Data(bytes))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let out = path + ".txt"
    FileManager.default.createFile(atPath: out, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: out) }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/pdfinfo")
    p.arguments = [path]
    p.standardOutput = FileHandle(forWritingAtPath: out)
    p.standardError = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
    guard p.terminationStatus == 0, let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Pages:") }) else { return nil }
    return Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
}
