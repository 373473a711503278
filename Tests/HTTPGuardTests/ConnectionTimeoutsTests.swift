@testable import HTTPGuard
import NIOCore
import Testing

@Suite struct ConnectionTimeoutsTests {
    let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000)
    func at(_ ms: Int64) -> NIODeadline { t0 + .milliseconds(ms) }
    func machine() -> ConnectionTimeouts { ConnectionTimeouts(headTimeout: .seconds(10), idleTimeout: .seconds(15), now: t0) }

    @Test func silenceExpiresAsIdle() {
        let m = machine()
        #expect(m.expired(now: at(14_999)) == nil)
        #expect(m.expired(now: at(15_000)) == .idle)
    }

    @Test func headClockStartsAtFirstByteAndIgnoresTrickle() {
        var m = machine()
        m.bytesReceived(now: at(1_000))
        for ms in stride(from: Int64(1_100), to: 11_000, by: 100) { m.bytesReceived(now: at(ms)) }
        #expect(m.expired(now: at(10_999)) == nil)
        #expect(m.expired(now: at(11_000)) == .head)
    }

    @Test func bodyMayFlowButNotStall() {
        var m = machine()
        m.bytesReceived(now: at(0))
        m.headReceived(now: at(10))
        m.bytesReceived(now: at(14_000))
        #expect(m.expired(now: at(20_000)) == nil)
        #expect(m.expired(now: at(29_000)) == .body)
    }

    @Test func answeringNeverExpiresThenIdleRestarts() {
        var m = machine()
        m.bytesReceived(now: at(0))
        m.headReceived(now: at(10))
        m.requestEnded()
        #expect(!m.isWaitingForRequest)
        #expect(m.expired(now: at(1_000_000)) == nil)
        m.responseEnded(now: at(1_000_000))
        #expect(m.isWaitingForRequest)
        #expect(m.expired(now: at(1_014_999)) == nil)
        #expect(m.expired(now: at(1_015_000)) == .idle)
    }

    @Test func pipelinedRequestsKeepItBusyUntilTheLastResponse() {
        var m = machine()
        m.headReceived(now: at(0))
        m.requestEnded()
        m.headReceived(now: at(1))
        m.requestEnded()
        m.responseEnded(now: at(2))
        #expect(m.phase == .answering)
        m.responseEnded(now: at(3))
        #expect(m.phase == .idle)
    }

    @Test(arguments: [(4096, 1024, 960), (4096, 20_000, 4096), (10, 1024, 10), (4096, 50, 1)])
    func maximumStaysUnderTheFileLimit(configured: Int, limit: Int, expected: Int) {
        #expect(HTTPGuardConfiguration(maximumConnections: configured).effectiveMaximumConnections(openFileLimit: limit) == expected)
    }
}
