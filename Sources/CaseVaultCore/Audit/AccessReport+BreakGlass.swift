extension AccessReport {
    /// What the resident is told about an emergency access: its reason code, the review's
    /// outcome, and which reads were made under it (never the free-text reason).
    static func breakGlassNote(_ detail: [String: String]) -> String {
        if let code = detail["reason-code"] { return " — nødtilgang, grunnkode / break-glass, reason code: \(code)" }
        if let outcome = detail["outcome"] {
            return " — vurdering / review: " + (outcome == "justified" ? "begrunnet / justified" : "ikke begrunnet / not justified")
        }
        if let request = detail["breakglass"] { return " (nødtilgang / break-glass \(request))" }
        return ""
    }
}
