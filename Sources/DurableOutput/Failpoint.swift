#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Named places where a test can make the process die at once, as a power cut
/// or `kill -9` would, to prove that recovery puts things right.
///
/// Inert unless the environment variable `KCCBRIDGE_FAILPOINT` names the point;
/// then the process sends itself SIGKILL there (no clean-up, no flush). Named
/// `<point>:interrupt`, it sends itself SIGINT there instead, as a Ctrl-C
/// pressed at that moment would.
public enum Failpoint {
    public static func hit(_ name: String) {
        guard let value = getenv("KCCBRIDGE_FAILPOINT") else { return }
        switch String(cString: value) {
        case name: kill(getpid(), SIGKILL)
        case name + ":interrupt": kill(getpid(), SIGINT)
        default: break
        }
    }
}
