import Foundation
import Logging
import OTel
import ServiceLifecycle

/// Exporting the sample's traces over OTLP/HTTP with swift-otel, when
/// `OTEL_EXPORTER_OTLP_ENDPOINT` names a collector (`http://localhost:4318`). The other
/// `OTEL_*` variables tune it (`OTEL_BSP_SCHEDULE_DELAY`, …). Logs and metrics stay where they
/// are: the console, and `GET /metrics`.
enum Observability {
    /// Whether requests are traced: an exporter runs.
    static var isExporting: Bool {
        ProcessInfo.processInfo.environment["OTEL_EXPORTER_OTLP_ENDPOINT"] != nil
    }

    /// The exporter's service, to run beside the server; none when nothing is exported.
    static func services(logger: Logger) throws -> [any Service] {
        guard let endpoint = ProcessInfo.processInfo.environment["OTEL_EXPORTER_OTLP_ENDPOINT"] else { return [] }
        var configuration = OTel.Configuration.default
        configuration.serviceName = "meetings"
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        let exporter = try OTel.bootstrap(configuration: configuration)
        logger.info("Exporting traces over OTLP", metadata: ["endpoint": "\(endpoint)"])
        return [exporter]
    }
}
