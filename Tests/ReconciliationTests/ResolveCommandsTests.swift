import Reconciliation
import Testing

@Suite("Resolution steps are typed; the command line words them")
struct ResolveCommandsTests {
    @Test("commands name the ledger when it is not the default one, quoted for the shell")
    func ledgerNamed() {
        let steps: [ResolutionStep] = [.match(refundID: "R 1", creditNote: nil), .ignore(refundID: "R 1")]
        #expect(
            ResolveCommands().lines(steps) == [
                #"kccbridge resolve 'R 1' --credit-note NUMBER --note "why""#,
                #"kccbridge resolve 'R 1' --ignore --note "why""#,
            ])
        let watched = ResolveCommands(ledger: "/srv/drop/.state/ledger.sqlite")
        #expect(
            watched.phrase(.ignore(refundID: "9001"))
                == #"kccbridge resolve 9001 --ledger /srv/drop/.state/ledger.sqlite --ignore --note "why""#)
        #expect(
            ResolveCommands(ledger: "/tmp/my ledger").phrase(.ignore(refundID: "9001")).contains(
                "--ledger '/tmp/my ledger'"))
    }

    @Test("an ambiguous refund's two choices are two commands on two lines, never joined")
    func choicesApart() {
        let steps: [ResolutionStep] = [
            .match(refundID: "A", creditNote: "CRN-2"), .match(refundID: "A", creditNote: "CRN-3"),
        ]
        let text = ResolveCommands().render(steps)
        #expect(!text.contains("|") && text.split(separator: "\n").count == 2)
    }

    @Test("an id the shell would read as a comment is quoted: Shopify's #1002")
    func hashQuoted() {
        #expect(ResolveCommands().phrase(.ignore(refundID: "#1002")).hasPrefix("kccbridge resolve '#1002' --ignore"))
    }

    @Test("an id that starts with '-' comes after '--', never read as an option; the source is named")
    func dashID() {
        #expect(
            ResolveCommands().phrase(.ignore(refundID: "-x"), source: "bank")
                == #"kccbridge resolve --source bank --ignore --note "why" -- -x"#)
    }

    @Test("a step in words needs no command")
    func words() {
        #expect(
            ResolveCommands().phrase(.copyOrderAsCreditNote(order: "SO-1")).hasPrefix(
                "in KCC copy order SO-1 as a credit note"))
        #expect(ResolveCommands().render([]).isEmpty)
    }
}
