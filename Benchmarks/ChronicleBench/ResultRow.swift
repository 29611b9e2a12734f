import Foundation

/// One line of the results table.
struct ResultRow {
    var target: String
    var operation: String
    var writers: Int
    var figures: [Double]

    var median: Double {
        let sorted = figures.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    var formatted: String {
        "\(target) | \(operation) | \(writers) writer\(writers == 1 ? "" : "s") | \(Self.number(median))/s (min \(Self.number(figures.min() ?? 0)), max \(Self.number(figures.max() ?? 0)), \(figures.count) run\(figures.count == 1 ? "" : "s"))"
    }

    static func table(_ rows: [ResultRow]) -> String {
        var lines = [
            "| store | operation | writers | median/s | min/s | max/s | runs |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        for row in rows {
            lines.append(
                "| \(row.target) | \(row.operation) | \(row.writers) | \(number(row.median)) | \(number(row.figures.min() ?? 0)) | \(number(row.figures.max() ?? 0)) | \(row.figures.count) |")
        }
        return lines.joined(separator: "\n")
    }

    static func number(_ value: Double) -> String {
        let rounded = Int(value.rounded())
        var digits = String(rounded)
        var groups: [Substring] = []
        while digits.count > 3 {
            groups.insert(digits.suffix(3)[...], at: 0)
            digits.removeLast(3)
        }
        groups.insert(digits[...], at: 0)
        return groups.joined(separator: ",")
    }
}
