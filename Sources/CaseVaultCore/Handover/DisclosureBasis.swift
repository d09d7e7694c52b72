import AccessPolicy

/// The legal basis of a handover, checked at the source against the case itself: a consent must
/// be in the case, given, not withdrawn or expired, and cover the recipient's role; the duty
/// to avert serious crime (avvergeplikt) permits disclosure to the police only.
struct DisclosureBasis {
    /// A bundle given no expiry lapses after this many days.
    static let defaultExpiryDays: Int64 = 30

    let basis: HandoverManifest.Basis
    let consentReference: String?
    let recipientRole: Role

    /// `fields` are the case fields the sender can read; `today` is the sender's date in Oslo.
    func verify(against fields: [String: FieldValue], today: CalendarDate) throws(VaultError) {
        switch basis {
        case .avvergeplikt:
            guard recipientRole == .police else {
                throw .denied("avvergeplikt permits disclosure to the police only, not to \(recipientRole.rawValue)")
            }
        case .consent:
            guard let ref = consentReference else { throw .input("a handover on the basis of consent needs a consent reference (--consent-file)") }
            try verifyConsent(ref, fields, today)
        }
    }

    private func verifyConsent(_ ref: String, _ fields: [String: FieldValue], _ today: CalendarDate) throws(VaultError) {
        let entry = fields.first { $0.key.hasPrefix("consents[") && $0.key.hasSuffix("].reference") && $0.value == .text(ref) }?
            .key.dropLast(".reference".count)
        guard let entry else { throw .denied("the case holds no consent \(ref) that you can read") }
        func date(_ name: String) -> CalendarDate? {
            if case let .text(s)? = fields["\(entry).\(name)"] { return CalendarDate(s) }
            return nil
        }
        if let given = date("given_on"), today < given { throw .denied("consent \(ref) is dated after today") }
        if let withdrawn = date("withdrawn_on"), !(today < withdrawn) { throw .denied("consent \(ref) has been withdrawn") }
        if let validTo = date("valid_to"), validTo < today { throw .denied("consent \(ref) has expired") }
        guard fields["\(entry).recipient_role"] == .text(recipientRole.rawValue) else {
            throw .denied("consent \(ref) does not cover disclosure to \(recipientRole.rawValue)")
        }
    }

    /// The expiry a bundle gets: the one asked for, else the end of the Oslo day
    /// `defaultExpiryDays` after today, so the bundle and the case's `disclosures[].expires`
    /// name the same day.
    static func expiry(_ asked: Timestamp?, now: Timestamp) -> Timestamp {
        asked ?? now.osloDate.adding(days: Int(defaultExpiryDays)).osloEnd
    }
}
