import ArgumentParser
import Foundation
import LabelGraphics
import Labels
import Printing
import Station

/// `packstation print`: sends files to a printer, one job each.
struct PrintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "print",
        abstract: "Print label files: ZPL is sent raw, a PDF as a PDF.",
        discussion: """
            PRINTER is cups://QUEUE, ipp://HOST:PORT/PATH, usb://VID:PID[?serial=S], tcp://HOST[:9100] \
            or file:///PATH. Before each job the printer is asked what stops it (out of labels, head \
            open, paused…); the job waits and says what to do until the printer can print. One line \
            per job on stdout: the file, its format, the spooler's job id when there is one. A PDF for \
            a printer that takes only ZPL (raw TCP, USB) is rasterized at --dpi, one ^GF label per \
            page fitted to --label-size.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The printer.", valueName: "URI"))
    var printer: String

    @Option(name: .customLong("wait"), help: ArgumentHelp("Seconds a job waits for a printer that cannot print.", valueName: "SECONDS"))
    var waitSeconds = 600

    @Option(name: .long, help: "The printer's resolution for PDFs it must get as ZPL: 203, 300 or 600.")
    var dpi = 203

    @Option(name: .customLong("label-size"), help: ArgumentHelp("The label stock PDF pages are fitted to: \(LabelSize.named.map(\.name).joined(separator: ", ")).", valueName: "SIZE"))
    var labelSize = "4x6"

    @OptionGroup var zpl: ZPLPolicyOptions

    @Argument(help: ArgumentHelp("Label files (ZPL or PDF); - reads standard input.", valueName: "FILE"))
    var files: [String]

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("Give at least one file to print.") }
        guard waitSeconds >= 0 else { throw ValidationError("--wait must be 0 or more seconds.") }
        guard PrinterDensity(dpi: dpi) != nil else { throw ValidationError("--dpi \(dpi) is not a printer resolution; use 203, 300 or 600.") }
        guard LabelSize.named(labelSize) != nil else { throw ValidationError("--label-size \(labelSize) is not known; use \(LabelSize.named.map(\.name).joined(separator: ", ")).") }
    }

    func run() throws {
        let uri: PrinterURI
        let target: any Printer
        do {
            uri = try PrinterURI(parsing: printer)
            target = try openPrinter(uri)
        } catch {
            throw StationError(code: error.code, message: error.message)
        }
        let pdfLabels = PDFLabels(reader: PopplerPDF(), density: PrinterDensity(dpi: dpi) ?? .dpi203, labelSize: LabelSize.named(labelSize))
        let printing = FilePrinting(printer: target, waitLimit: .seconds(waitSeconds), pdfLabels: pdfLabels, zplPolicy: try zpl.policy()) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        for done in try printing.print(files: files) {
            let job = done.job.jobID.map { " job \($0)" } ?? ""
            print("\(done.file): \(done.format.rawValue), \(done.job.bytes) bytes to \(uri)\(job)")
        }
    }
}
