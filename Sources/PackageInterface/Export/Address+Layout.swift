import KCCModel

extension Address {
    /// The parts present, each under the name a file format gives it, in the
    /// format's order: `[("City", \.town), ("PostalCode", \.postcode)]` →
    /// `[("City", "Keswick"), ("PostalCode", "CA12 5DQ")]`. Every XML writer
    /// spells its address through this, so only the names and order differ.
    package func parts(_ layout: [(name: String, part: KeyPath<Address, String?>)]) -> [(name: String, value: String)] {
        layout.compactMap { name, part in self[keyPath: part].map { (name, $0) } }
    }
}
