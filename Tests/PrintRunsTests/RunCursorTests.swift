import Testing
import PrintRuns

/// The run arithmetic: chunk ranges and what a label counter before and after a chunk means.
struct RunCursorTests {
    @Test(arguments: [
        (1, 1000, 50, 1...50),
        (951, 1000, 50, 951...1000),
        (990, 1000, 50, 990...1000),
        (1000, 1000, 50, 1000...1000),
        (7, 9, 1, 7...7),
    ])
    func chunksNeverPassTheRunsEnd(next: Int, last: Int, size: Int, expected: ClosedRange<Int>) {
        #expect(RunCursor.nextChunk(next: next, last: last, chunkSize: size) == expected)
    }

    @Test func aFinishedRunHasNoNextChunk() {
        #expect(RunCursor.nextChunk(next: 1001, last: 1000, chunkSize: 50) == nil)
    }

    @Test(arguments: [
        // chunk, before, after → settlement
        (51...100, 500, 550, RunCursor.Settlement.printed(50, next: 101)),
        (51...100, 500, 500, .printed(0, next: 51)),  // killed before a byte arrived: resend all
        (51...100, 500, 517, .printed(17, next: 68)),  // paper out or kill -9 after 17 labels
        (51...100, 500, 553, .overcounted(extra: 3, next: 101)),  // someone else printed meanwhile
        (51...100, 500, 12, .counterWentBack),  // printer reset or swapped
    ])
    func theCounterSaysWhereToGoOn(chunk: ClosedRange<Int>, before: Int, after: Int, expected: RunCursor.Settlement) {
        #expect(RunCursor.settle(chunk: chunk, odometerBefore: before, odometerAfter: after) == expected)
    }

    @Test func rangesAreDescribedForPeople() {
        #expect(RunCursor.describe(7...7) == "label 7")
        #expect(RunCursor.describe(51...100) == "labels 51–100")
    }
}
