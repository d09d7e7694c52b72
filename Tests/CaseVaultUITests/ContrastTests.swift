@testable import CaseVaultUI
import Foundation
import XCTest

/// Every text colour the stylesheet sets, on every background it can sit on, meets WCAG 2.1 AA
/// for normal text (4.5:1). The pairs are read from `Stylesheet.css` itself, so a colour
/// changed there is checked here without editing this test.
final class ContrastTests: XCTestCase {
    struct Rule {
        let selectors: String
        let color: String?
        let background: String?
    }

    /// `selector{decl;decl}` rules, with their `color` and `background` hex values.
    static func rules(_ css: String) -> [Rule] {
        let flat = css.replacingOccurrences(of: "@media print{", with: "")
        return flat.split(separator: "}").compactMap { block -> Rule? in
            let parts = block.split(separator: "{", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            var values: [String: String] = [:]
            for decl in parts[1].split(separator: ";") {
                let kv = decl.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                guard kv.count == 2, ["color", "background", "background-color"].contains(kv[0]), kv[1].hasPrefix("#") else { continue }
                values[kv[0] == "color" ? "color" : "background"] = kv[1]
            }
            return Rule(selectors: parts[0].trimmingCharacters(in: .whitespacesAndNewlines), color: values["color"], background: values["background"])
        }
    }

    /// WCAG 2.1 relative luminance of `#rgb` or `#rrggbb`.
    static func luminance(_ hex: String) -> Double {
        var digits = Array(hex.dropFirst())
        if digits.count == 3 { digits = digits.flatMap { [$0, $0] } }
        precondition(digits.count == 6, "not a hex colour: \(hex)")
        let channels = stride(from: 0, to: 6, by: 2).map { Double(Int(String(digits[$0..<$0 + 2]), radix: 16)!) / 255 }
        let linear = channels.map { $0 <= 0.03928 ? $0 / 12.92 : pow(($0 + 0.055) / 1.055, 2.4) }
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    }

    static func ratio(_ a: String, _ b: String) -> Double {
        let (la, lb) = (luminance(a), luminance(b))
        return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
    }

    /// Each rule's text on its own background, or on the page's where it sets none; and links,
    /// which keep their colour, on every background the stylesheet paints.
    static func pairs(_ css: String) -> [(place: String, text: String, background: String)] {
        let rules = rules(css)
        let body = rules.first { $0.selectors == "body" }!
        let link = rules.first { $0.selectors == "a" }!.color!
        let button = rules.first { $0.selectors == "button" }!.color!
        var out: [(place: String, text: String, background: String)] = []
        for r in rules where r.color != nil || r.background != nil {
            // A rule without its own colour inherits: a button's from `button`, the rest the page's.
            let inherited = r.selectors.hasSuffix("button") ? button : body.color!
            out.append((r.selectors, r.color ?? inherited, r.background ?? body.background!))
        }
        for bg in Set(rules.compactMap(\.background)) where !rules.contains(where: { $0.selectors.contains("button") && $0.background == bg }) {
            out.append(("a on \(bg)", link, bg))
        }
        return out
    }

    func testTheCheckReadsTheColoursActuallyUsed() {
        let found = Self.pairs(Stylesheet.css).map { "\($0.text) on \($0.background)" }
        for expected in ["#1b1b1b on #fff", "#0a4d8c on #fff", "#9b1111 on #fff", "#fff on #0a4d8c", "#fff on #9b1111", "#444 on #fff",
                         "#1b1b1b on #eef6ef", "#0a4d8c on #eef6ef"] {
            XCTAssertTrue(found.contains(expected), "\(expected) not among \(found)")
        }
    }

    func testEveryTextColourMeetsWCAGAAOnItsBackground() {
        for p in Self.pairs(Stylesheet.css) {
            let r = Self.ratio(p.text, p.background)
            XCTAssertGreaterThanOrEqual(r, 4.5, "\(p.place): \(p.text) on \(p.background) is \(String(format: "%.2f", r)):1")
        }
    }

    func testTheFormulaAgreesWithKnownRatios() {
        XCTAssertEqual(Self.ratio("#000", "#fff"), 21, accuracy: 0.001)
        XCTAssertEqual(Self.ratio("#fff", "#fff"), 1, accuracy: 0.001)
        XCTAssertEqual(Self.ratio("#767676", "#fff"), 4.54, accuracy: 0.01)  // the lightest grey that passes on white
    }
}
