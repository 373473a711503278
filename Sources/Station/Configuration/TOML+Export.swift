// The TOML reader is its own module (Sources/TOML) so the hub's rules file reads with it too;
// re-exported so `import Station` still names `TOMLDocument` for station.toml's users and tests.
@_exported import TOML
