import ArgumentParser

/// `--no-bom`: CSV files meant for people start with UTF-8's byte-order mark,
/// so Excel on Windows reads them as UTF-8; scripts may want them without.
struct ByteOrderMarkOption: ParsableArguments {
    @Flag(
        name: .customLong("no-bom"),
        help:
            "Write the CSV files meant for people (problems, report, totals, ledger export) without the byte-order mark that makes Excel read them as UTF-8."
    )
    var noByteOrderMark = false

    var byteOrderMark: Bool { !noByteOrderMark }
}
