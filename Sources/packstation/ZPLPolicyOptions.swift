import ArgumentParser
import Labels
import Station

/// What ZPL from outside (carrier labels, label files) may carry, for commands that print or
/// render it: the default policy, widened by station.toml's `printer.zpl_allow` and `--allow-zpl`.
struct ZPLPolicyOptions: ParsableArguments {
    @Option(name: .customLong("allow-zpl"), help: ArgumentHelp("A ZPL command refused by default to allow (e.g. ~JA); repeat for more. Adds to printer.zpl_allow; docs/zpl.md lists them.", valueName: "COMMAND"))
    var allowZPL: [String] = []

    @Option(name: .long, help: ArgumentHelp("The configuration file whose printer.zpl_allow applies (default: $PACKSTATION_CONFIG, else /etc/packstation/station.toml or ./station.toml if there).", valueName: "station.toml"))
    var config: String?

    /// The policy: station.toml's (when there is one) plus the commands given here.
    func policy() throws(StationError) -> ZPLPolicy {
        var policy = try StationConfiguration.load(file: config).zplPolicy
        let refusable = Set(ZPLPolicy.refusedCommands.keys).union(ZPLPolicy.storingCommands)
        for command in allowZPL {
            guard refusable.contains(command.uppercased()) else {
                throw StationError(code: "label.zpl_allow", message: "--allow-zpl \(command): not a command refused by default; give one with its prefix, e.g. ~JA or ^JU (docs/zpl.md lists them).")
            }
            policy.allowed.insert(command.uppercased())
        }
        return policy
    }
}
