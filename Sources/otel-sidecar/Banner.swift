import SidecarRuntime

/// What `make run` shows once the sidecar is listening: where, and how to send it a first span.
enum Banner {
    static func print(_ addresses: [(String, String)]) {
        var s = "\notel-sidecar is ready.\n"
        for (name, address) in addresses { s += "  \(name): \(address)\n" }
        if let events = addresses.first(where: { $0.0 == "events" })?.1, events.hasPrefix("unix://") {
            let path = String(events.dropFirst("unix://".count))
            s += """

              Send a first span (in another terminal):
                echo '{"type":"span","name":"hello","durationMs":12,"attributes":{"user.email":"jane@example.com"}}' \\
                  | socat - UNIX-CONNECT:\(path)

            """
        }
        s += "  Stop with Ctrl-C.\n\n"
        writeStderr(s)
    }
}
