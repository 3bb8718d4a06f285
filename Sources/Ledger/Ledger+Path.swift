extension Ledger {
    /// The file name the ledger has in the default folders.
    package static let defaultFileName = "ledger.sqlite"

    /// Where the ledger is: `--ledger PATH` if given, else `KCCBRIDGE_LEDGER`,
    /// else `$XDG_DATA_HOME/kccbridge/ledger.sqlite`, else
    /// `$HOME/.local/share/kccbridge/ledger.sqlite`.
    ///
    /// Empty values count as unset, and so does a relative `XDG_DATA_HOME`
    /// (the XDG specification says to ignore it). With no `HOME` either, the
    /// path is relative to the current folder.
    package static func resolvePath(option: String?, environment: [String: String]) -> String {
        func value(_ text: String?) -> String? {
            guard let text, !text.isEmpty else { return nil }
            return text
        }
        if let option = value(option) { return option }
        if let path = value(environment["KCCBRIDGE_LEDGER"]) { return path }
        let dataHome: String
        if let xdg = value(environment["XDG_DATA_HOME"]), xdg.hasPrefix("/") {
            dataHome = xdg
        } else if let home = value(environment["HOME"]) {
            dataHome = home.hasSuffix("/") ? home + ".local/share" : home + "/.local/share"
        } else {
            dataHome = ".local/share"
        }
        return (dataHome.hasSuffix("/") ? dataHome : dataHome + "/") + "kccbridge/" + defaultFileName
    }
}
