/// The sidecar's version, printed by `otel-sidecar version` and reported as `service.version`.
public enum SidecarVersion {
    public static let string = "0.1.0-dev"
}
