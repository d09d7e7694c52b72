/// The policy a new vault starts with (docs/FORMAT.md, "Default policy"), written for data
/// minimisation: each role reads only what its task needs. It goes through the same parser
/// as any other policy file, so it obeys the same refusal rules.
extension Policy {
    public static let defaultYAML = """
        # CaseVault access policy. Every field of the record has exactly one rule;
        # a role not listed under a field can neither read nor write it.
        casevault-policy: 2
        serial: 1
        description: "Default policy: data minimisation per role (DOMAIN.md)"

        # Reach every case, as far as the field rules allow.
        centre-wide: [night-shift, leader]
        # Reach only the cases they are assigned to.
        case-assigned: [contact-person, child-contact, resident]
        # Handovers to these roles need a leader's co-signature.
        approval-required: [police]
        # Who may send a bundle to each recipient role: contact persons only. Residents, the
        # auditor and the night shift never send; add leader here if the centre wants.
        handover:
          police: [contact-person]
          housing-office: [contact-person]
          nav: [contact-person]

        # The auditor is absent everywhere: it reads the access log, never content.
        # External roles (housing-office, nav, police) read through handovers and never write.
        fields:
          # case / sak
          case.type:   {read: [contact-person, child-contact, night-shift, leader, resident], write: [contact-person]}
          case.phase:  {read: [contact-person, child-contact, night-shift, leader, resident], write: [contact-person]}
          case.status: {read: [contact-person, child-contact, night-shift, leader, resident], write: [contact-person, leader]}
          case.opened: {read: [contact-person, child-contact, leader, resident], write: [contact-person]}
          case.closed: {read: [contact-person, child-contact, leader, resident], write: [contact-person, leader]}

          # person
          person.alias:              {read: [contact-person, child-contact, night-shift, leader, police, resident], write: [contact-person]}
          person.legal_name:         {read: [contact-person, housing-office, nav, police, resident], write: [contact-person]}
          person.national_id:        {read: [contact-person, nav, police, resident], write: [contact-person]}
          person.birth_date:         {read: [contact-person, housing-office, nav, police, resident], write: [contact-person]}
          person.gender:             {read: [contact-person, police, resident], write: [contact-person]}
          person.safe_contact:       {read: [contact-person, housing-office, nav, police, resident], write: [contact-person]}
          person.language:           {read: [contact-person, child-contact, nav, police, resident], write: [contact-person]}
          person.interpreter:        {read: [contact-person, child-contact, nav, police, resident], write: [contact-person]}
          person.residence_status:   {read: [contact-person, nav, resident], write: [contact-person]}
          person.address_protection: {read: [contact-person, housing-office, nav, police, resident], write: [contact-person]}
          person.fictitious_identity: {read: [contact-person, police, resident], write: [contact-person]}

          # protected address / sperret adresse: the most dangerous fields. The housing
          # office sees only the address-protection flag; the police see the new address.
          address.current: {read: [contact-person, resident], write: [contact-person]}
          address.new:     {read: [contact-person, police, resident], write: [contact-person]}

          # children / barn
          children[].alias:                {read: [contact-person, child-contact, night-shift, police, resident], write: [contact-person, child-contact]}
          children[].name:                 {read: [contact-person, child-contact, housing-office, nav, police, resident], write: [contact-person, child-contact]}
          children[].birth_date:           {read: [contact-person, child-contact, housing-office, nav, police, resident], write: [contact-person, child-contact]}
          children[].school:               {read: [contact-person, child-contact, resident], write: [contact-person, child-contact]}
          children[].wishes:               {read: [contact-person, child-contact, resident], write: [contact-person, child-contact]}
          children[].child_welfare_notice: {read: [contact-person, child-contact], write: [contact-person, child-contact]}
          children[].visitation:           {read: [contact-person, child-contact, resident], write: [contact-person, child-contact]}
          children[].informed:             {read: [contact-person, child-contact, resident], write: [contact-person, child-contact]}

          # threat mapping / trusselbilde (§ 4 a): never NAV, never the housing office;
          # the police get the threat picture but not the centre's narrative.
          threats[].subject:                                {read: [contact-person, child-contact, police, resident], write: [contact-person, child-contact]}
          threats[].perpetrators[].relation:                {read: [contact-person, child-contact, police, resident], write: [contact-person, child-contact]}
          threats[].perpetrators[].name:                    {read: [contact-person, child-contact, police, resident], write: [contact-person, child-contact]}
          threats[].perpetrators[].avoid_areas:             {read: [contact-person, child-contact, police, resident], write: [contact-person, child-contact]}
          threats[].perpetrators[].weapons_access:          {read: [contact-person, child-contact, police, resident], write: [contact-person, child-contact]}
          threats[].perpetrators[].earlier_violence:        {read: [contact-person, child-contact, police, resident], write: [contact-person, child-contact]}
          threats[].perpetrators[].order_breaches:          {read: [contact-person, child-contact, police, resident], write: [contact-person, child-contact]}
          threats[].perpetrators[].knows_centre_location:   {read: [contact-person, child-contact, police, resident], write: [contact-person, child-contact]}
          threats[].violence_types:                         {read: [contact-person, child-contact, police, resident], write: [contact-person, child-contact]}
          threats[].severity:                               {read: [contact-person, child-contact, police, resident], write: [contact-person, child-contact]}
          threats[].duration:                               {read: [contact-person, child-contact, police, resident], write: [contact-person, child-contact]}
          threats[].escalation:                             {read: [contact-person, child-contact, police, resident], write: [contact-person, child-contact]}
          threats[].digital_risks:                          {read: [contact-person, child-contact, police, resident], write: [contact-person, child-contact]}
          threats[].narrative:                              {read: [contact-person, child-contact, resident], write: [contact-person, child-contact]}
          threats[].centre_judgement:                       {read: [contact-person, child-contact, police, resident], write: [contact-person, child-contact]}
          threats[].police_assessment.tool:                 {read: [contact-person, child-contact, police, resident], write: [contact-person, child-contact]}
          threats[].police_assessment.level:                {read: [contact-person, child-contact, police, resident], write: [contact-person, child-contact]}
          threats[].police_assessment.date:                 {read: [contact-person, child-contact, police, resident], write: [contact-person, child-contact]}
          threats[].next_review:                            {read: [contact-person, child-contact, police, resident], write: [contact-person, child-contact]}

          # police involvement (§ 4 b); the leader sees basis and date to approve handovers.
          police.trigger:     {read: [contact-person, police, resident], write: [contact-person]}
          police.basis:       {read: [contact-person, leader, police, resident], write: [contact-person]}
          police.consent_ref: {read: [contact-person, police, resident], write: [contact-person]}
          police.district:    {read: [contact-person, police, resident], write: [contact-person]}
          police.contact:     {read: [contact-person, police, resident], write: [contact-person]}
          police.date:        {read: [contact-person, leader, police, resident], write: [contact-person]}

          # protective measures / beskyttelsestiltak: the night shift must know active alarms.
          measures[].type:        {read: [contact-person, child-contact, night-shift, police, resident], write: [contact-person]}
          measures[].decided_by:  {read: [contact-person, child-contact, night-shift, police, resident], write: [contact-person]}
          measures[].valid_from:  {read: [contact-person, child-contact, night-shift, police, resident], write: [contact-person]}
          measures[].valid_to:    {read: [contact-person, child-contact, night-shift, police, resident], write: [contact-person]}
          measures[].renewal_due: {read: [contact-person, child-contact, night-shift, police, resident], write: [contact-person]}

          # safety at the centre: what the night shift needs at the door.
          safety.do_not_admit:      {read: [contact-person, child-contact, night-shift, resident], write: [contact-person]}
          safety.alarm_active:      {read: [contact-person, child-contact, night-shift, resident], write: [contact-person]}
          safety.night_instructions: {read: [contact-person, child-contact, night-shift, resident], write: [contact-person]}

          # safe-housing criteria / kriterier for trygg bolig: zones, never addresses.
          housing.acceptable_areas: {read: [contact-person, child-contact, housing-office, resident], write: [contact-person]}
          housing.excluded_areas:   {read: [contact-person, child-contact, housing-office, resident], write: [contact-person]}
          housing.neighbourhood:    {read: [contact-person, child-contact, housing-office, resident], write: [contact-person]}
          housing.visibility:       {read: [contact-person, child-contact, housing-office, resident], write: [contact-person]}
          housing.transport:        {read: [contact-person, child-contact, housing-office, resident], write: [contact-person]}
          housing.distance_work:    {read: [contact-person, child-contact, housing-office, resident], write: [contact-person]}
          housing.distance_school:  {read: [contact-person, child-contact, housing-office, resident], write: [contact-person]}
          housing.not_ground_floor: {read: [contact-person, child-contact, housing-office, resident], write: [contact-person]}
          housing.security_chain:   {read: [contact-person, child-contact, housing-office, resident], write: [contact-person]}
          housing.peephole:         {read: [contact-person, child-contact, housing-office, resident], write: [contact-person]}
          housing.camera_doorbell:  {read: [contact-person, child-contact, housing-office, resident], write: [contact-person]}
          housing.own_measures:     {read: [contact-person, child-contact, housing-office, resident], write: [contact-person]}
          housing.assessed_by:      {read: [contact-person, child-contact, housing-office, resident], write: [contact-person]}
          housing.assessed_on:      {read: [contact-person, child-contact, housing-office, resident], write: [contact-person]}
          housing.moves_so_far:       {read: [contact-person, child-contact, housing-office, resident], write: [contact-person]}
          housing.temporary_solution: {read: [contact-person, child-contact, housing-office, nav, resident], write: [contact-person]}
          housing.municipality:       {read: [contact-person, child-contact, housing-office, nav, resident], write: [contact-person]}
          housing.office_contacted:   {read: [contact-person, child-contact, housing-office, resident], write: [contact-person]}
          housing.securing_installed: {read: [contact-person, child-contact, housing-office, resident], write: [contact-person]}

          # housing applications / boligsøknader
          applications[].kind:         {read: [contact-person, housing-office, nav, resident], write: [contact-person]}
          applications[].responsible:  {read: [contact-person, housing-office, nav, resident], write: [contact-person]}
          applications[].status:       {read: [contact-person, housing-office, nav, resident], write: [contact-person]}
          applications[].documents:    {read: [contact-person, housing-office, nav, resident], write: [contact-person]}
          applications[].viewings:     {read: [contact-person, housing-office, nav, resident], write: [contact-person]}
          applications[].lease_review: {read: [contact-person, housing-office, nav, resident], write: [contact-person]}
          applications[].violence_priority: {read: [contact-person, housing-office, nav, resident], write: [contact-person]}
          applications[].ads_viewed:        {read: [contact-person, housing-office, nav, resident], write: [contact-person]}
          applications[].contacts_made:     {read: [contact-person, housing-office, nav, resident], write: [contact-person]}
          applications[].viewings_attended: {read: [contact-person, housing-office, nav, resident], write: [contact-person]}
          applications[].deposit:           {read: [contact-person, housing-office, nav, resident], write: [contact-person]}
          applications[].lease_explained:   {read: [contact-person, housing-office, nav, resident], write: [contact-person]}

          # the result of phase 2: a safe home obtained. What kind and when; never where.
          result.safe_home:    {read: [contact-person, child-contact, housing-office, nav, resident], write: [contact-person]}
          result.obtained_on:  {read: [contact-person, child-contact, housing-office, nav, resident], write: [contact-person]}
          result.housing_kind: {read: [contact-person, child-contact, housing-office, nav, resident], write: [contact-person]}

          # tasks / oppgaver: the centre's own work list. Free text may touch on the threat, so it
          # stays inside the centre and with the resident; recipients learn their part by handover.
          tasks[].what:    {read: [contact-person, child-contact, resident], write: [contact-person, child-contact]}
          tasks[].owner:   {read: [contact-person, child-contact, resident], write: [contact-person, child-contact]}
          tasks[].due:     {read: [contact-person, child-contact, resident], write: [contact-person, child-contact]}
          tasks[].done:    {read: [contact-person, child-contact, resident], write: [contact-person, child-contact]}
          tasks[].done_by: {read: [contact-person, child-contact, resident], write: [contact-person, child-contact]}

          # economy / økonomi: NAV's part.
          economy.income:  {read: [contact-person, nav, resident], write: [contact-person]}
          economy.lease:   {read: [contact-person, nav, resident], write: [contact-person]}
          economy.deposit: {read: [contact-person, nav, resident], write: [contact-person]}

          # follow-up plan / oppfølgingsplan; the safety plan stays inside the centre.
          followup.responsible:  {read: [contact-person, child-contact, housing-office, nav, resident], write: [contact-person]}
          followup.coordinator:  {read: [contact-person, child-contact, housing-office, nav, resident], write: [contact-person]}
          followup.safety_plan:  {read: [contact-person, child-contact, resident], write: [contact-person]}
          followup.next_meeting: {read: [contact-person, child-contact, housing-office, nav, resident], write: [contact-person]}

          # notes / notater: the night shift may add a note it cannot read back.
          notes[].date: {read: [contact-person, resident], write: [contact-person, child-contact, night-shift]}
          notes[].text: {read: [contact-person, resident], write: [contact-person, child-contact, night-shift]}

          # documents / dokumenter: a signed consent, the lease, an application, a police decision.
          # Never the night shift; external roles would get one only through a handover naming it.
          documents[].title:   {read: [contact-person, housing-office, nav, police, resident], write: [contact-person]}
          documents[].kind:    {read: [contact-person, housing-office, nav, police, resident], write: [contact-person]}
          documents[].size:    {read: [contact-person, housing-office, nav, police, resident], write: [contact-person]}
          documents[].added:   {read: [contact-person, housing-office, nav, police, resident], write: [contact-person]}
          documents[].content: {read: [contact-person, housing-office, nav, police, resident], write: [contact-person]}

          # consents / samtykker: what a handover rests on, so its recipients may see it.
          consents[].purpose:        {read: [contact-person, leader, housing-office, nav, police, resident], write: [contact-person]}
          consents[].recipient_role: {read: [contact-person, leader, housing-office, nav, police, resident], write: [contact-person]}
          consents[].reference:      {read: [contact-person, leader, housing-office, nav, police, resident], write: [contact-person]}
          consents[].written:        {read: [contact-person, leader, housing-office, nav, police, resident], write: [contact-person]}
          consents[].given_on:       {read: [contact-person, leader, housing-office, nav, police, resident], write: [contact-person]}
          consents[].withdrawn_on:   {read: [contact-person, leader, housing-office, nav, police, resident], write: [contact-person]}
          consents[].valid_to:       {read: [contact-person, leader, housing-office, nav, police, resident], write: [contact-person]}

          # disclosures / utleveringer: the record of every handover. The resident sees what was
          # disclosed about them; the leader, who approves disclosures, sees them too, and records
          # a recipient's receipt when the contact person who sent it has left.
          disclosures[].bundle:         {read: [contact-person, leader, resident], write: [contact-person]}
          disclosures[].recipient:      {read: [contact-person, leader, resident], write: [contact-person]}
          disclosures[].recipient_role: {read: [contact-person, leader, resident], write: [contact-person]}
          disclosures[].date:           {read: [contact-person, leader, resident], write: [contact-person]}
          disclosures[].basis:          {read: [contact-person, leader, resident], write: [contact-person]}
          disclosures[].consent_ref:    {read: [contact-person, leader, resident], write: [contact-person]}
          disclosures[].purpose:        {read: [contact-person, leader, resident], write: [contact-person]}
          disclosures[].fields:         {read: [contact-person, leader, resident], write: [contact-person]}
          disclosures[].approved_by:    {read: [contact-person, leader, resident], write: [contact-person]}
          disclosures[].receipt:        {read: [contact-person, leader, resident], write: [contact-person, leader]}
          disclosures[].expires:        {read: [contact-person, leader, resident], write: [contact-person]}

          # answers / svar: what the police, the housing office or NAV sent back, imported by the
          # contact person. Who sent what, and when, is shown like a disclosure; the content like
          # the record part it answers (threat assessment, measures, housing).
          answers[].answer:            {read: [contact-person, leader, resident], write: [contact-person]}
          answers[].bundle:            {read: [contact-person, leader, resident], write: [contact-person]}
          answers[].from:              {read: [contact-person, leader, resident], write: [contact-person]}
          answers[].from_role:         {read: [contact-person, leader, resident], write: [contact-person]}
          answers[].received:          {read: [contact-person, leader, resident], write: [contact-person]}
          answers[].kind:              {read: [contact-person, leader, resident], write: [contact-person]}
          answers[].summary:           {read: [contact-person, child-contact, resident], write: [contact-person]}
          answers[].assessment_tool:   {read: [contact-person, child-contact, resident], write: [contact-person]}
          answers[].assessment_level:  {read: [contact-person, child-contact, resident], write: [contact-person]}
          answers[].assessment_date:   {read: [contact-person, child-contact, resident], write: [contact-person]}
          answers[].measures[].type:       {read: [contact-person, child-contact, night-shift, resident], write: [contact-person]}
          answers[].measures[].decided_on: {read: [contact-person, child-contact, night-shift, resident], write: [contact-person]}
          answers[].measures[].valid_from: {read: [contact-person, child-contact, night-shift, resident], write: [contact-person]}
          answers[].measures[].valid_to:   {read: [contact-person, child-contact, night-shift, resident], write: [contact-person]}
          answers[].offer_area:           {read: [contact-person, child-contact, resident], write: [contact-person]}
          answers[].offer_kind:           {read: [contact-person, child-contact, resident], write: [contact-person]}
          answers[].offer_available_from: {read: [contact-person, child-contact, resident], write: [contact-person]}
          answers[].offer_respond_by:     {read: [contact-person, child-contact, resident], write: [contact-person]}
          answers[].decision:             {read: [contact-person, child-contact, resident], write: [contact-person]}
          answers[].decision_date:        {read: [contact-person, child-contact, resident], write: [contact-person]}
          answers[].decision_amount:      {read: [contact-person, child-contact, resident], write: [contact-person]}
          answers[].decision_respond_by:  {read: [contact-person, child-contact, resident], write: [contact-person]}

        """

    /// The default policy, parsed. It is a constant checked by the test suite, so a parse
    /// failure here is a programming error, not bad input.
    public static func makeDefault() -> Policy {
        do {
            return try Policy(yaml: defaultYAML)
        } catch {
            preconditionFailure("the built-in default policy does not parse: \(error)")
        }
    }
}
