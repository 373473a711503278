import Foundation
import Synchronization
import Testing
@testable import Station

/// How a hub run and the bench's pack labels take turns on one printer (PrinterShare): a pack
/// label never lands inside a run's chunk, and a waiting one goes before the run's next chunk.
@Suite struct PrinterShareTests {
    @Test func aWaitingPackLabelGoesBeforeTheRunsNextChunkAndNeverInsideOne() async throws {
        let share = PrinterShare()
        let log = Mutex<[String]>([])
        let labelWaiting = DispatchSemaphore(value: 0)
        let runDone = DispatchSemaphore(value: 0)
        let labelDone = DispatchSemaphore(value: 0)
        Thread {
            for chunk in 1...3 {
                share.begin()
                log.withLock { $0.append("chunk \(chunk) begins") }
                if chunk == 1 {
                    // The pack label arrives while chunk 1 prints.
                    labelWaiting.signal()
                    let deadline = Date().addingTimeInterval(30)
                    while share.labelsWaitingNow == 0, Date() < deadline { usleep(1_000) }
                }
                log.withLock { $0.append("chunk \(chunk) ends") }
                share.end()
            }
            runDone.signal()
        }.start()
        labelWaiting.wait()
        Thread {
            share.withLabelTurn { log.withLock { $0.append("pack label") } }
            labelDone.signal()
        }.start()
        labelDone.wait()
        runDone.wait()
        #expect(log.withLock { $0 } == ["chunk 1 begins", "chunk 1 ends", "pack label", "chunk 2 begins", "chunk 2 ends", "chunk 3 begins", "chunk 3 ends"])
    }

    @Test func aTypedErrorOfAPackLabelsPrinterCallComesOutAsItIsAndFreesThePrinter() {
        struct Jam: Error {}
        let share = PrinterShare()
        #expect(throws: Jam.self) { try share.withLabelTurn { () throws(Jam) in throw Jam() } }
        share.begin()  // would wait forever if the failed call had kept the printer
        share.end()
    }
}
