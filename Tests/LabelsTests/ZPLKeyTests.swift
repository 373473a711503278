@testable import Labels
import Testing

/// The reader's command keys are written out as numbers; each must be the key of its command.
struct ZPLKeyTests {
    @Test func theReadersKeysAreTheKeysOfTheirCommands() {
        for (name, key) in K.all {
            #expect(ZPLCommand.key(name) == key, "\(name)")
            var tokenizer = ZPLTokenizer(Array((name + "1").utf8))
            #expect(tokenizer.next()?.key == key, "\(name) as read")
        }
    }

    @Test func thePolicyScreenRefusesWhatTheTableRefuses() {
        // Every refused command is caught by the screen, and allowing it lets it through.
        for name in ZPLPolicy.refusedCommands.keys {
            let command = ZPLTokenizer(Array((name + "1").utf8)).first { _ in true }!
            #expect(ZPLPolicy.carrier.refusal(command, object: nil) != nil, "\(name)")
            #expect(ZPLPolicy(allowed: [name]).refusal(command, object: nil) == nil, "\(name)")
        }
    }
}
