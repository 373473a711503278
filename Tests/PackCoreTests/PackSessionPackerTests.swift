import Foundation
import Testing
@testable import PackCore

/// Packer sign-in: badges from the list or the prefix sign a packer in, CMD:SIGNOUT and the idle
/// timeout sign out, `require_packer` refuses orders and items without one, results carry the packer.
@Suite struct PackSessionPackerTests {
    static func configuration(require: Bool = false, timeout: TimeInterval? = 600) -> PackSession.Configuration {
        var c = PackSession.Configuration(supervisorBadges: ["SUP-1"])
        c.packerBadges = ["BADGE-7": "Ana", "BADGE-8": "BADGE-8"]
        c.packerBadgePrefix = "PK-"
        c.requirePacker = require
        c.packerIdleTimeout = timeout
        return c
    }

    /// Feeds scans; `WAIT:N` moves the clock N seconds without a scan.
    static func run(_ bench: inout Bench, _ steps: [String]) -> [Verdict] {
        var verdicts: [Verdict] = []
        for step in steps {
            if step.hasPrefix("WAIT:") { bench.clock += TimeInterval(step.dropFirst(5))!; continue }
            verdicts.append(bench.scan(step))
        }
        return verdicts
    }

    /// (name, require_packer, steps, verdict kinds, packer of the last result or nil)
    static let table: [(String, Bool, [String], [Verdict.Kind], String?)] = [
        ("a listed badge signs in and the result carries the name", false,
         ["BADGE-7"] + Fixtures.fullPack, [.signedIn, .orderOpened, .accepted, .accepted, .accepted, .accepted, .orderComplete], "Ana"),
        ("a prefixed badge signs in with the id after the prefix", false,
         ["PK-0042"] + Fixtures.fullPack, [.signedIn, .orderOpened, .accepted, .accepted, .accepted, .accepted, .orderComplete], "0042"),
        ("the prefix alone is not a badge", false, ["PK-"], [.unknownBarcode], nil),
        ("without a badge and without require_packer, the result has no packer", false,
         Fixtures.fullPack, [.orderOpened, .accepted, .accepted, .accepted, .accepted, .orderComplete], nil),
        ("require_packer refuses the order until a badge, nothing counted", true,
         ["ORD-1001", "4006381333931", "BADGE-7"] + Fixtures.fullPack,
         [.packerRequired, .packerRequired, .signedIn, .orderOpened, .accepted, .accepted, .accepted, .accepted, .orderComplete], "Ana"),
        ("sign-out mid-order keeps it open; require_packer refuses its items until the next badge, who is recorded", true,
         ["BADGE-7", "ORD-1001", "4006381333931", "CMD:SIGNOUT", "4006381333931", "PK-9", "4006381333931", "036000291452", Fixtures.headsetScan("A1"), Fixtures.headsetScan("A2")],
         [.signedIn, .orderOpened, .accepted, .signedOut, .packerRequired, .signedIn, .accepted, .accepted, .accepted, .orderComplete], "9"),
        ("CMD:SIGNOUT with nobody signed in is rejected", false, ["CMD:SIGNOUT"], [.commandRejected], nil),
        ("commands still work without a packer under require_packer", true, ["CMD:UNDO", "cmd:signout"], [.nothingToUndo, .commandRejected], nil),
        ("a second badge replaces the first", false,
         ["BADGE-7", "BADGE-8"] + Fixtures.fullPack, [.signedIn, .signedIn, .orderOpened, .accepted, .accepted, .accepted, .accepted, .orderComplete], "BADGE-8"),
        ("idle for the timeout signs out; require_packer then refuses", true,
         ["BADGE-7", "ORD-1001", "WAIT:600", "4006381333931", "BADGE-7", "4006381333931", "4006381333931", "036000291452", Fixtures.headsetScan("A1"), Fixtures.headsetScan("A2")],
         [.signedIn, .orderOpened, .packerRequired, .signedIn, .accepted, .accepted, .accepted, .accepted, .orderComplete], "Ana"),
        ("scans keep the packer signed in past the timeout", true,
         ["BADGE-7", "WAIT:500", "ORD-1001", "WAIT:500", "4006381333931", "WAIT:500", "4006381333931", "036000291452", Fixtures.headsetScan("A1"), Fixtures.headsetScan("A2")],
         [.signedIn, .orderOpened, .accepted, .accepted, .accepted, .accepted, .orderComplete], "Ana"),
        ("idle without require_packer: packing goes on, the result has no packer", false,
         ["BADGE-7", "ORD-1001", "WAIT:601"] + Fixtures.fullPack.dropFirst(),
         [.signedIn, .orderOpened, .accepted, .accepted, .accepted, .accepted, .orderComplete], nil),
    ]

    @Test(arguments: table.indices)
    func signInSignOutAndRequirePacker(index: Int) {
        let (name, require, steps, kinds, packer) = Self.table[index]
        var bench = Bench(configuration: Self.configuration(require: require))
        let verdicts = Self.run(&bench, steps)
        #expect(verdicts.map(\.kind) == kinds, "\(name)")
        #expect(verdicts.last?.result?.packer == packer, "\(name)")
        for v in verdicts where v.kind == .packerRequired {
            #expect(v.message.contains("Scan your badge") && v.message.contains("nothing was counted"), "\(name): \(v.message)")
        }
    }

    @Test func theVerdictsSayWhoAndWhatToDo() {
        var bench = Bench(configuration: Self.configuration(require: true))
        let verdicts = Self.run(&bench, ["BADGE-7", "ORD-1001", "WAIT:900", "4006381333931", "BADGE-8", "CMD:SIGNOUT"])
        #expect(verdicts[0].packer == "Ana" && verdicts[0].message == "Ana is signed in.")
        #expect(verdicts[2].message == #"Ana was signed out after 10 minutes without a scan. Scan your badge, then scan "4006381333931" again; nothing was counted."#)
        #expect(verdicts[2].orderID == "1001")
        #expect(verdicts[3].message == "BADGE-8 is signed in. Order 1001 is open: go on scanning its items.")
        #expect(verdicts[4].packer == "BADGE-8" && verdicts[4].message == "BADGE-8 is signed out. Order 1001 stays open for the next packer.")
        #expect(bench.session.current?.packed.first == 0, "the refused scan counted nothing")
        let json = JSONValue.object(verdicts[0].jsonMembers).jsonText
        #expect(json.contains(#""verdict":"signed_in","packer":"Ana""#), "\(json)")
    }

    @Test func theOwnerCanExpireAnIdlePackerOnATimer() {
        var bench = Bench(configuration: Self.configuration(timeout: 60))
        _ = bench.scan("PK-12")
        #expect(bench.session.packer == "12")
        #expect(bench.session.expireIdlePacker(at: bench.clock + 59) == nil)
        let out = bench.session.expireIdlePacker(at: bench.clock + 60)
        #expect(out?.kind == .signedOut && out?.packer == "12" && out?.message == "12 was signed out after 60 seconds without a scan; scan your badge to sign in again.")
        #expect(bench.session.packer == nil)
        #expect(bench.session.expireIdlePacker(at: bench.clock + 600) == nil, "signed out once")
    }
}
