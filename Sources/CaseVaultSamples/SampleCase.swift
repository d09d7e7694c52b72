/// A fully filled, fictional case used by the demo, the benchmark and the tests. Every field of
/// the catalogue has a value; identity numbers are synthetic (NAV's +40 on the month), so only a
/// test vault accepts it. Names and places are invented.
public enum SampleCase {
    public static let adultNationalID = "15418510002"
    public static let childNationalID = "03059210016"

    public static let yaml = """
        case: {type: resident, phase: 2, status: open, opened: 2026-10-02}
        person:
          alias: Blåklokke
          legal_name: Anna Fiktiv Testesen
          national_id: "15418510002"
          birth_date: 1985-01-15
          gender: female
          safe_contact: "Mobil 400 00 000, kun SMS etter kl. 18"
          language: norsk
          interpreter: false
          residence_status: norsk statsborger
          address_protection: strengt-fortrolig
          fictitious_identity: false
        address:
          current: "Krisesenteret (adresse sperret)"
          new: "Lindeveien 14 B, 3. etasje, 0000 Nyby"
        children:
          - alias: Lille Maur
            name: Mia Fiktiv Testesen
            birth_date: 2019-05-03
            school: Solsikken barnehage
            wishes: "Vil ha eget rom og ta med katten"
            child_welfare_notice: true
            visitation: "Samvær stanset inntil videre"
            informed: "Fortalt om ny bolig og nytt barnehagebytte, 2026-10-25"
        threats:
          - subject: adult
            perpetrators:
              - relation: tidligere samboer
                name: Ola Fiktiv Voldsen
                avoid_areas: [Sentrum øst, Bryggeområdet]
                weapons_access: true
                earlier_violence: "Kvelning 2025, trusler med kniv"
                order_breaches: "Brudd på kontaktforbud mars 2026"
                knows_centre_location: false
            violence_types: [fysisk, psykisk, digital]
            severity: alvorlig
            duration: "fem år"
            escalation: "økende siste halvår"
            digital_risks: [GPS-sporing av bil, delt skykonto]
            narrative: "Beboer forteller om gjentatt vold og kontroll over økonomi og telefon."
            centre_judgement: high
            police_assessment: {tool: SARA, level: høy, date: 2026-10-10}
            next_review: 2026-12-01
          - subject: Lille Maur
            perpetrators:
              - relation: far
                name: Ola Fiktiv Voldsen
                avoid_areas: [Sentrum øst]
                weapons_access: true
                earlier_violence: "Vitne til vold mot mor"
                order_breaches: "Ingen kjente"
                knows_centre_location: false
            violence_types: [vitne til vold]
            severity: alvorlig
            duration: "hele livet"
            escalation: "ukjent"
            digital_risks: [nettbrett delt med far]
            narrative: "Barnet sover dårlig og er redd for å bli hentet."
            centre_judgement: moderate
            police_assessment: {tool: SARA, level: moderat, date: 2026-10-10}
            next_review: 2026-12-01
        police:
          trigger: "Alvorlig trussel, våpentilgang"
          basis: consent
          consent_ref: SAM-2026-014
          district: Øst politidistrikt
          contact: "Familievoldskoordinator"
          date: 2026-10-09
        measures:
          - {type: mobile-violence-alarm, decided_by: politiet, valid_from: 2026-10-12, valid_to: 2027-01-12, renewal_due: 2027-01-05}
          - {type: contact-ban, decided_by: påtalemyndigheten, valid_from: 2026-10-15, valid_to: 2027-10-15, renewal_due: 2027-09-15}
        safety:
          do_not_admit: ["Ola Fiktiv Voldsen", "ukjente som spør etter Blåklokke"]
          alarm_active: true
          night_instructions: "Ring 112 ved henvendelse fra voldsutøver; ikke bekreft at beboer bor her."
        housing:
          acceptable_areas: [Nyby nord, Vestbyen]
          excluded_areas: [Sentrum øst, Bryggeområdet]
          neighbourhood: "Tett bebygd, mange naboer"
          visibility: "Ikke innsyn fra gaten"
          transport: "Buss innen 5 minutter"
          distance_work: "Under 30 minutter"
          distance_school: "Gangavstand til barnehage"
          not_ground_floor: true
          security_chain: true
          peephole: true
          camera_doorbell: true
          own_measures: "Bytter telefon, ingen sosiale medier"
          assessed_by: kontaktperson og boligkonsulent
          assessed_on: 2026-10-20
          moves_so_far: 1
          temporary_solution: false
          municipality: Nyby kommune, bydel Nord
          office_contacted: 2026-10-05
          securing_installed: [sikkerhetskjetting, dørkikkert]
        applications:
          - {kind: municipal-housing, responsible: housing-office, status: submitted, documents: [søknad, legeerklæring], viewings: [2026-11-03 Lindeveien], lease_review: "Gjennomgått med beboer",
             violence_priority: true, ads_viewed: [], contacts_made: [], viewings_attended: [2026-11-03 Lindeveien], deposit: nav-guarantee, lease_explained: true}
          - {kind: deposit-guarantee, responsible: nav, status: granted, documents: [vedtak], viewings: [], lease_review: "Ikke aktuelt",
             violence_priority: false, ads_viewed: [finn.no 2026-10-21], contacts_made: [ringt utleier 2026-10-22], viewings_attended: [], deposit: nav-guarantee, lease_explained: false}
        result: {safe_home: true, obtained_on: 2026-11-20, housing_kind: municipal}
        tasks:
          - {what: "Avtale visning med boligkontoret", owner: housing-office, due: 2026-11-01, done: 2026-10-30, done_by: kari}
          - {what: "Vedtak om depositumsgaranti", owner: nav, due: 2026-12-15}
        economy:
          income: "Arbeidsavklaringspenger"
          lease: "Kommunal leieavtale, 3 år"
          deposit: "Depositumsgaranti fra NAV"
        followup:
          responsible: Nyby kommune, boligkontoret
          coordinator: "Koordinator i kommunen"
          safety_plan: "Oppdatert sikkerhetsplan, alarm følger med til ny bolig"
          next_meeting: 2026-12-10
        notes:
          - {date: 2026-10-02, text: "Innkomstsamtale gjennomført."}
          - {date: 2026-10-20, text: "Kartlagt kriterier for trygg bolig sammen med boligkonsulent."}
        consents:
          - {purpose: "Kontakt med politiet om sikkerhetstiltak", recipient_role: police, reference: SAM-2026-014, written: true, given_on: 2026-10-09, valid_to: 2027-10-09}
          - {purpose: "Søknad om kommunal bolig", recipient_role: housing-office, reference: SAM-2026-015, written: true, given_on: 2026-10-18, valid_to: 2027-10-18}
          - {purpose: "Søknad om garanti og stønad fra NAV", recipient_role: nav, reference: SAM-2026-016, written: true, given_on: 2026-10-18, valid_to: 2027-10-18}
        """
}

extension SampleCase {
    /// The sample as it could be written on 24 October 2026: the home obtained and the task
    /// done later in the story are dated 23 October, since a case may not date them ahead.
    public static var asOfOctober2026: String {
        yaml.replacing("obtained_on: 2026-11-20", with: "obtained_on: 2026-10-23")
            .replacing("done: 2026-10-30", with: "done: 2026-10-23")
    }
}
