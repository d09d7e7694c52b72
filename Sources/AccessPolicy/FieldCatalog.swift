/// What kind of value a field holds; record validation checks values against it.
public enum FieldKind: Equatable, Sendable {
    case text
    case date
    case bool
    case integer(ClosedRange<Int>)
    case choice([String])
    case textList
    case nationalID
}

/// One field of the case record. `pattern` is the policy's name for it: repeated groups are
/// written with `[]` (`children[].name`); a stored field path has indices (`children[0].name`).
public struct FieldSpec: Sendable, Equatable {
    public let pattern: String
    public let label: String
    public let kind: FieldKind

    public init(_ pattern: String, _ label: String, _ kind: FieldKind) {
        self.pattern = pattern
        self.label = label
        self.kind = kind
    }

    /// The section: the first component without its `[]`, e.g. `threats`.
    public var section: String {
        let head = pattern.split(separator: ".", maxSplits: 1)[0]
        return head.hasSuffix("[]") ? String(head.dropLast(2)) : String(head)
    }
}

/// The case record's schema (`casevault policy show` prints it): English keys, Norwegian labels.
public enum FieldCatalog {
    public static let addressProtectionLevels = ["ugradert", "fortrolig", "strengt-fortrolig", "strengt-fortrolig-utland"]
    public static let threatLevels = ["low", "moderate", "high", "acute"]
    public static let measureTypes = [
        "mobile-violence-alarm", "visiting-ban", "visiting-ban-own-home", "contact-ban",
        "electronic-monitoring", "address-block", "fictitious-identity", "relocation",
    ]

    public static let taskOwners = ["centre", "nav", "housing-office", "resident"]
    public static let housingKinds = ["municipal", "private-rental", "owned", "other"]
    public static let depositKinds = ["none", "cash-deposit", "nav-guarantee", "guarantee-other"]

    public static let sections: [(key: String, label: String)] = [
        ("case", "sak"), ("person", "person"), ("address", "sperret adresse"), ("children", "barn"),
        ("threats", "trusselbilde"), ("police", "politiinvolvering"), ("measures", "beskyttelsestiltak"),
        ("safety", "sikkerhet på senteret"), ("housing", "kriterier for trygg bolig"),
        ("applications", "boligsøknader"), ("result", "resultat av fasen"), ("tasks", "oppgaver og frister"),
        ("economy", "økonomi"), ("followup", "oppfølgingsplan"),
        ("notes", "notater"), ("documents", "dokumenter"), ("consents", "samtykker"), ("disclosures", "utleveringer"),
        ("answers", "svar fra mottakere"),
    ]

    public static let fields: [FieldSpec] = [
        // case / sak
        FieldSpec("case.type", "sakstype", .choice(["resident", "day-user", "aftercare"])),
        FieldSpec("case.phase", "fase", .integer(1...3)),
        FieldSpec("case.status", "status", .choice(["open", "on-hold", "closed"])),
        FieldSpec("case.opened", "opprettet", .date),
        FieldSpec("case.closed", "avsluttet", .date),
        // person
        FieldSpec("person.alias", "alias", .text),
        FieldSpec("person.legal_name", "juridisk navn", .text),
        FieldSpec("person.national_id", "fødselsnummer / D-nummer", .nationalID),
        FieldSpec("person.birth_date", "fødselsdato", .date),
        FieldSpec("person.gender", "kjønn", .choice(["female", "male", "other", "unknown"])),
        FieldSpec("person.safe_contact", "trygg kontaktkanal", .text),
        FieldSpec("person.language", "språk", .text),
        FieldSpec("person.interpreter", "tolk", .bool),
        FieldSpec("person.residence_status", "oppholdsstatus", .text),
        FieldSpec("person.address_protection", "adressesperre", .choice(addressProtectionLevels)),
        FieldSpec("person.fictitious_identity", "fiktiv identitet", .bool),
        // protected address / sperret adresse
        FieldSpec("address.current", "nåværende adresse", .text),
        FieldSpec("address.new", "ny adresse", .text),
        // children / barn
        FieldSpec("children[].alias", "alias", .text),
        FieldSpec("children[].name", "navn", .text),
        FieldSpec("children[].birth_date", "fødselsdato", .date),
        FieldSpec("children[].school", "skole eller barnehage", .text),
        FieldSpec("children[].wishes", "barnets egne ønsker", .text),
        FieldSpec("children[].child_welfare_notice", "bekymringsmelding til barnevernet", .bool),
        FieldSpec("children[].visitation", "samværsspørsmål", .text),
        FieldSpec("children[].informed", "informert om hva som skal skje", .text),
        // threat mapping / trusselbilde (§ 4 a), one per adult and per child
        FieldSpec("threats[].subject", "gjelder (voksen eller barnets alias)", .text),
        FieldSpec("threats[].perpetrators[].relation", "relasjon", .text),
        FieldSpec("threats[].perpetrators[].name", "navn på voldsutøver", .text),
        FieldSpec("threats[].perpetrators[].avoid_areas", "områder å unngå", .textList),
        FieldSpec("threats[].perpetrators[].weapons_access", "tilgang til våpen", .bool),
        FieldSpec("threats[].perpetrators[].earlier_violence", "tidligere vold", .text),
        FieldSpec("threats[].perpetrators[].order_breaches", "brudd på besøksforbud", .text),
        FieldSpec("threats[].perpetrators[].knows_centre_location", "kjenner sentrets beliggenhet", .bool),
        FieldSpec("threats[].violence_types", "voldsformer", .textList),
        FieldSpec("threats[].severity", "alvorlighet", .text),
        FieldSpec("threats[].duration", "varighet", .text),
        FieldSpec("threats[].escalation", "eskalering", .text),
        FieldSpec("threats[].digital_risks", "digital risiko", .textList),
        FieldSpec("threats[].narrative", "beskrivelse", .text),
        FieldSpec("threats[].centre_judgement", "sentrets vurdering", .choice(threatLevels)),
        FieldSpec("threats[].police_assessment.tool", "politiets verktøy", .text),
        FieldSpec("threats[].police_assessment.level", "politiets nivå", .text),
        FieldSpec("threats[].police_assessment.date", "politiets vurderingsdato", .date),
        FieldSpec("threats[].next_review", "neste gjennomgang", .date),
        // police involvement (§ 4 b)
        FieldSpec("police.trigger", "foranledning", .text),
        FieldSpec("police.basis", "grunnlag", .choice(["consent", "avvergeplikt"])),
        FieldSpec("police.consent_ref", "samtykkereferanse", .text),
        FieldSpec("police.district", "politidistrikt", .text),
        FieldSpec("police.contact", "kontaktperson i politiet", .text),
        FieldSpec("police.date", "dato", .date),
        // protective measures / beskyttelsestiltak
        FieldSpec("measures[].type", "tiltak", .choice(measureTypes)),
        FieldSpec("measures[].decided_by", "besluttet av", .text),
        FieldSpec("measures[].valid_from", "gyldig fra", .date),
        FieldSpec("measures[].valid_to", "gyldig til", .date),
        FieldSpec("measures[].renewal_due", "fornyes innen", .date),
        // safety at the centre: what the night shift needs
        FieldSpec("safety.do_not_admit", "ikke slipp inn", .textList),
        FieldSpec("safety.alarm_active", "voldsalarm aktiv", .bool),
        FieldSpec("safety.night_instructions", "instruks for vakt", .text),
        // safe-housing criteria / kriterier for trygg bolig (phase 2)
        FieldSpec("housing.acceptable_areas", "aktuelle områder", .textList),
        FieldSpec("housing.excluded_areas", "utelukkede områder", .textList),
        FieldSpec("housing.neighbourhood", "nabolag", .text),
        FieldSpec("housing.visibility", "innsyn fra utsiden", .text),
        FieldSpec("housing.transport", "kollektivtransport", .text),
        FieldSpec("housing.distance_work", "avstand til arbeid", .text),
        FieldSpec("housing.distance_school", "avstand til skole, barnehage og venner", .text),
        FieldSpec("housing.not_ground_floor", "ikke første etasje", .bool),
        FieldSpec("housing.security_chain", "sikkerhetskjetting", .bool),
        FieldSpec("housing.peephole", "dørkikkert", .bool),
        FieldSpec("housing.camera_doorbell", "ringeklokke med kamera", .bool),
        FieldSpec("housing.own_measures", "egne tiltak", .text),
        FieldSpec("housing.assessed_by", "vurdert av", .text),
        FieldSpec("housing.assessed_on", "vurdert dato", .date),
        // avoiding temporary housing, the municipality, and securing actually installed
        FieldSpec("housing.moves_so_far", "antall flyttinger så langt", .integer(0...99)),
        FieldSpec("housing.temporary_solution", "midlertidig boløsning", .bool),
        FieldSpec("housing.municipality", "kommune eller bydel", .text),
        FieldSpec("housing.office_contacted", "boligkontoret kontaktet", .date),
        FieldSpec("housing.securing_installed", "fysisk sikring installert i ny bolig", .textList),
        // housing applications / boligsøknader
        FieldSpec("applications[].kind", "type", .choice(["municipal-housing", "private-rental", "deposit-guarantee", "social-assistance", "housing-allowance"])),
        FieldSpec("applications[].responsible", "ansvarlig", .choice(["nav", "housing-office", "centre"])),
        FieldSpec("applications[].status", "status", .choice(["planned", "submitted", "granted", "refused", "withdrawn"])),
        FieldSpec("applications[].documents", "dokumenter", .textList),
        FieldSpec("applications[].viewings", "visninger", .textList),
        FieldSpec("applications[].lease_review", "gjennomgang av leiekontrakt", .text),
        FieldSpec("applications[].violence_priority", "prioritert som voldsutsatt", .bool),
        FieldSpec("applications[].ads_viewed", "boligannonser sett på", .textList),
        FieldSpec("applications[].contacts_made", "ringt eller sendt e-post", .textList),
        FieldSpec("applications[].viewings_attended", "visninger fulgt", .textList),
        FieldSpec("applications[].deposit", "depositum eller garanti", .choice(depositKinds)),
        FieldSpec("applications[].lease_explained", "husleiekontrakten forklart", .bool),
        // the result of phase 2: a safe home obtained
        FieldSpec("result.safe_home", "trygg bolig skaffet", .bool),
        FieldSpec("result.obtained_on", "dato", .date),
        FieldSpec("result.housing_kind", "type bolig", .choice(housingKinds)),
        // tasks / oppgaver: the split of work between centre, NAV, housing office and resident
        FieldSpec("tasks[].what", "oppgave", .text),
        FieldSpec("tasks[].owner", "ansvarlig", .choice(taskOwners)),
        FieldSpec("tasks[].due", "frist", .date),
        FieldSpec("tasks[].done", "utført", .date),
        FieldSpec("tasks[].done_by", "utført av", .text),
        // economy / økonomi (NAV)
        FieldSpec("economy.income", "inntekt", .text),
        FieldSpec("economy.lease", "leieforhold", .text),
        FieldSpec("economy.deposit", "depositum eller garanti", .text),
        // follow-up plan / oppfølgingsplan (phase 3)
        FieldSpec("followup.responsible", "ansvarlig", .text),
        FieldSpec("followup.coordinator", "koordinator", .text),
        FieldSpec("followup.safety_plan", "sikkerhetsplan", .text),
        FieldSpec("followup.next_meeting", "neste møte", .date),
        // notes / notater
        FieldSpec("notes[].date", "dato", .date),
        FieldSpec("notes[].text", "notat", .text),
        // documents / dokumenter: written only by `case document add`; `content` names the sealed
        // blob (id, digest, key: docs/FORMAT.md, "Case documents") and is never shown as text
        FieldSpec("documents[].title", "tittel", .text),
        FieldSpec("documents[].kind", "filtype", .choice(documentKinds)),
        FieldSpec("documents[].size", "størrelse i byte", .integer(1...maxDocumentBytes)),
        FieldSpec("documents[].added", "lagt til", .date),
        FieldSpec("documents[].content", "innhold (kryptert)", .text),
        // consents / samtykker
        FieldSpec("consents[].purpose", "formål", .text),
        FieldSpec("consents[].recipient_role", "mottaker", .choice(["police", "housing-office", "nav"])),
        FieldSpec("consents[].reference", "referanse", .text),
        FieldSpec("consents[].written", "skriftlig", .bool),
        FieldSpec("consents[].given_on", "gitt dato", .date),
        FieldSpec("consents[].withdrawn_on", "trukket tilbake", .date),
        FieldSpec("consents[].valid_to", "gyldig til", .date),
        // disclosures / utleveringer: written by `handover create`, so the resident can see what left the centre
        FieldSpec("disclosures[].bundle", "pakke-id", .text),
        FieldSpec("disclosures[].recipient", "mottaker", .text),
        FieldSpec("disclosures[].recipient_role", "mottakerrolle", .choice(["police", "housing-office", "nav"])),
        FieldSpec("disclosures[].date", "utlevert", .date),
        FieldSpec("disclosures[].basis", "grunnlag", .choice(["consent", "avvergeplikt"])),
        FieldSpec("disclosures[].consent_ref", "samtykkereferanse", .text),
        FieldSpec("disclosures[].purpose", "formål", .text),
        FieldSpec("disclosures[].fields", "utleverte felt", .textList),
        FieldSpec("disclosures[].approved_by", "godkjent av", .text),
        FieldSpec("disclosures[].receipt", "kvittering mottatt", .date),
        FieldSpec("disclosures[].expires", "pakken utløper", .date),
        // answers / svar: what a recipient sent back about a bundle (`handover import-answer`); the
        // first five are set by the centre from the verified answer, the rest are the recipient's words
        FieldSpec("answers[].answer", "svar-id", .text),
        FieldSpec("answers[].bundle", "pakke-id", .text),
        FieldSpec("answers[].from", "fra", .text),
        FieldSpec("answers[].from_role", "fra rolle", .choice(["police", "housing-office", "nav"])),
        FieldSpec("answers[].received", "mottatt", .date),
        FieldSpec("answers[].kind", "type svar", .choice(answerKinds)),
        FieldSpec("answers[].summary", "oppsummering", .text),
        FieldSpec("answers[].assessment_tool", "politiets vurderingsverktøy", .text),
        FieldSpec("answers[].assessment_level", "politiets risikonivå", .choice(threatLevels)),
        FieldSpec("answers[].assessment_date", "vurdert dato", .date),
        FieldSpec("answers[].measures[].type", "vedtatt tiltak", .choice(measureTypes)),
        FieldSpec("answers[].measures[].decided_on", "vedtatt dato", .date),
        FieldSpec("answers[].measures[].valid_from", "gyldig fra", .date),
        FieldSpec("answers[].measures[].valid_to", "gyldig til", .date),
        FieldSpec("answers[].offer_area", "tilbudt område", .text),
        FieldSpec("answers[].offer_kind", "type bolig", .choice(housingKinds)),
        FieldSpec("answers[].offer_available_from", "ledig fra", .date),
        FieldSpec("answers[].offer_respond_by", "svarfrist", .date),
        FieldSpec("answers[].decision", "vedtak", .choice(decisionOutcomes)),
        FieldSpec("answers[].decision_date", "vedtaksdato", .date),
        FieldSpec("answers[].decision_amount", "beløp i kroner", .integer(0...10_000_000)),
        FieldSpec("answers[].decision_respond_by", "svarfrist for vedtaket", .date),
    ]

    /// What a recipient's answer may be: the police's own assessment or the measures they
    /// decided; a housing offer (housing office or NAV); NAV's decisions on a deposit guarantee,
    /// social assistance or housing allowance; the housing office's decision on an application.
    public static let answerKinds = [
        "assessment", "measures", "housing-offer",
        "deposit-guarantee", "social-assistance", "housing-allowance", "application-decision",
    ]

    /// What a case document may be, told by its first bytes.
    public static let documentKinds = ["pdf", "jpeg", "png"]
    /// The largest case document, in bytes (20 MiB).
    public static let maxDocumentBytes = 20 << 20

    /// How a decision in an answer came out.
    public static let decisionOutcomes = ["granted", "partly-granted", "refused"]

    /// Fields added to the catalogue after the first policies were signed. A policy that has
    /// no rule for one of them still parses, and the field is closed to every role until the
    /// policy is updated; a rule for every other field remains mandatory.
    public static let closedUnlessRuled: Set<String> = [
        "children[].informed", "housing.moves_so_far", "housing.temporary_solution", "housing.municipality",
        "housing.office_contacted", "housing.securing_installed", "applications[].violence_priority",
        "applications[].ads_viewed", "applications[].contacts_made", "applications[].viewings_attended",
        "applications[].deposit", "applications[].lease_explained", "result.safe_home", "result.obtained_on",
        "result.housing_kind", "tasks[].what", "tasks[].owner", "tasks[].due", "tasks[].done", "tasks[].done_by",
        "consents[].valid_to", "disclosures[].expires",
        "answers[].answer", "answers[].bundle", "answers[].from", "answers[].from_role", "answers[].received",
        "answers[].kind", "answers[].summary", "answers[].assessment_tool", "answers[].assessment_level",
        "answers[].assessment_date", "answers[].measures[].type", "answers[].measures[].decided_on",
        "answers[].measures[].valid_from", "answers[].measures[].valid_to", "answers[].offer_area",
        "answers[].offer_kind", "answers[].offer_available_from", "answers[].offer_respond_by",
        "answers[].decision", "answers[].decision_date", "answers[].decision_amount", "answers[].decision_respond_by",
        "documents[].title", "documents[].kind", "documents[].size", "documents[].added", "documents[].content",
    ]

    private static let byPattern: [String: FieldSpec] = Dictionary(uniqueKeysWithValues: fields.map { ($0.pattern, $0) })

    public static func spec(forPattern pattern: String) -> FieldSpec? { byPattern[pattern] }

    /// The pattern a concrete path belongs to: `children[2].name` → `children[].name`.
    /// Nil when the path is malformed (bad index, leading zeros, empty component).
    public static func pattern(ofPath path: String) -> String? {
        let bytes = path.utf8
        guard bytes.contains(UInt8(ascii: "[")) else { return path }  // the common case: no index
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var digits = 0
        var inIndex = false
        var leadingZero = false
        for c in bytes {
            if inIndex {
                if c == UInt8(ascii: "]") {
                    guard digits > 0, !(leadingZero && digits > 1) else { return nil }
                    out += [UInt8(ascii: "["), UInt8(ascii: "]")]
                    inIndex = false
                } else {
                    guard (0x30...0x39).contains(c), digits < 4 else { return nil }
                    if digits == 0 { leadingZero = c == 0x30 }
                    digits += 1
                }
            } else if c == UInt8(ascii: "[") {
                inIndex = true
                digits = 0
            } else {
                out.append(c)
            }
        }
        guard !inIndex else { return nil }
        return String(decoding: out, as: UTF8.self)
    }

    /// The spec for a concrete stored path, or nil for a path the schema does not know.
    public static func spec(forPath path: String) -> FieldSpec? {
        pattern(ofPath: path).flatMap(spec(forPattern:))
    }
}
