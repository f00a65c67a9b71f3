//! The default actor lexicon's case and ambiguity rules, checked on
//! sentences the team wrote: what each alias resolves to, by case, by
//! longest match, by date, and what is deliberately no actor; and a few
//! rows of the default tone and modifier lexicons that the rules read.

use stancemeter::{DocDate, Lexicons, Scorer};

fn lex() -> &'static Lexicons {
    static LEX: std::sync::OnceLock<Lexicons> = std::sync::OnceLock::new();
    LEX.get_or_init(|| Lexicons::defaults().expect("default lexicons load"))
}

/// Rolled-up actor ids found in `text` for a document of `date`.
fn actors(text: &str, date: Option<&str>) -> Vec<String> {
    let l = lex();
    let m = l.find(text, date.and_then(DocDate::parse));
    let mut out: Vec<String> = Vec::new();
    for h in &m.actors {
        let id = l.actors()[l.actors()[h.actor].root].id.clone();
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

#[test]
fn case_rules_keep_common_words_out() {
    assert_eq!(actors("The US told us to wait.", None), ["USA"]);
    assert!(actors("Let us roast a turkey and chad about it.", None).is_empty());
    assert_eq!(
        actors("Turkey and Chad signed the accord.", None),
        ["TUR", "TCD"]
    );
    assert_eq!(
        actors("TURKEY AND GEORGIA SIGN ACCORD", None),
        ["TUR", "GEO"]
    );
    assert_eq!(actors("Jordan and Georgia objected.", None), ["JOR", "GEO"]);
}

#[test]
fn longest_match_separates_similar_names() {
    assert_eq!(actors("Niger and Nigeria met.", None), ["NER", "NGA"]);
    assert_eq!(
        actors("Guinea-Bissau and Equatorial Guinea thanked Guinea.", None),
        ["GNB", "GNQ", "GIN"]
    );
    assert_eq!(actors("Papua New Guinea welcomed the deal.", None), ["PNG"]);
    assert_eq!(
        actors(
            "The Republic of Congo and the Democratic Republic of Congo met in Brazzaville.",
            None
        ),
        ["COG", "COD"]
    );
}

#[test]
fn korea_alone_is_skipped_and_kcna_spellings_match() {
    assert!(actors("Korea is a peninsula.", None).is_empty());
    assert_eq!(
        actors(
            "KCNA denounced the south Korean puppets and the U.S. imperialists.",
            None
        ),
        ["PRK", "KOR", "USA"]
    );
    assert_eq!(
        actors("The DPRK warned the puppet group.", Some("2012-03-01")),
        ["PRK", "KOR"]
    );
}

#[test]
fn a_generic_institution_belongs_to_the_state_named_with_it() {
    // "Congress" alone is the U.S. Congress; next to another state's name
    // it is that state's own.
    assert_eq!(
        actors("Peru's Congress voted to remove the president.", None),
        ["PER"]
    );
    assert_eq!(
        actors("The Brazilian Congress approved the budget.", None),
        ["BRA"]
    );
    assert_eq!(
        actors(
            "The Congress of Colombia ratified the deal with Ecuador.",
            None
        ),
        ["COL", "ECU"]
    );
    assert_eq!(
        actors("Turkey's National Security Council warned Greece.", None),
        ["TUR", "GRC"]
    );
    assert_eq!(
        actors("Congress passed sanctions on Russia.", None),
        ["USA", "RUS"]
    );
    assert_eq!(
        actors("The U.S. Congress passed sanctions on Iran.", None),
        ["USA", "IRN"]
    );
    // A name further off does not own it.
    assert_eq!(
        actors("Peru asked Congress for help.", None),
        ["PER", "USA"]
    );
}

#[test]
fn places_and_phrases_that_are_no_actor() {
    assert_eq!(
        actors("Israel pumped water from the Jordan River.", None),
        ["ISR"]
    );
    assert_eq!(
        actors("Ships crowded the South China Sea.", None),
        Vec::<String>::new()
    );
    assert_eq!(
        actors("Bogota hosted Latin American ministers.", None),
        ["COL"]
    );
    assert!(actors("Fires burned in Washington state.", None).is_empty());
    // "American" inside a name of the Americas' bodies is not the United
    // States, also where a line break split the hyphenated word.
    assert_eq!(
        actors("The Inter-American Development Bank lent Peru $1bn.", None),
        ["PER"]
    );
    assert_eq!(
        actors(
            "Chile joined the Inter- American Court of Human Rights.",
            None
        ),
        ["CHL"]
    );
    assert_eq!(
        actors("The American envoy met Ibero-American ministers.", None),
        ["USA"]
    );
    assert_eq!(actors("Washington condemned the test.", None), ["USA"]);
}

#[test]
fn leaders_resolve_by_document_date() {
    assert_eq!(
        actors("Trump met Kim Jong Un.", Some("2019-06-30")),
        ["USA", "PRK"]
    );
    assert_eq!(
        actors("Trump met Kim Jong Un.", Some("2023-06-30")),
        ["PRK"]
    );
    assert_eq!(actors("Trump met Kim Jong Un.", None), ["PRK"]);
    assert_eq!(actors("Putin called Xi Jinping.", None), ["RUS", "CHN"]);
    assert_eq!(
        actors("The Soviet Union protested.", Some("1962-10-25")),
        ["RUS"]
    );
    assert!(actors("Former Soviet republics met.", Some("2015-05-01")).is_empty());
    // Before India was a state of its own (a founding member of the UN,
    // June 1945), "Indians" in an American text are the
    // peoples of America; American Indians and their tribes never are India.
    assert!(
        actors(
            "The Indians of the plains signed a treaty.",
            Some("1876-12-05")
        )
        .is_empty()
    );
    assert!(
        actors(
            "Funds for Indian tribes and American Indians rose.",
            Some("1990-01-01")
        )
        .is_empty()
    );
    assert_eq!(
        actors("Indian troops crossed the border.", Some("2019-02-26")),
        ["IND"]
    );
    assert_eq!(actors("Indian troops crossed the border.", None), ["IND"]);
    // After 1991 the Soviet Union of history is an actor of its own.
    assert_eq!(
        actors(
            "In 1956 the Soviet Union invaded Hungary.",
            Some("2012-09-25")
        ),
        ["SUN", "HUN"]
    );
    assert!(
        actors(
            "Post-Soviet states of the Soviet era met.",
            Some("2015-05-01")
        )
        .is_empty()
    );
    // The UN's members are the states, not the organisation: "all Members
    // of the United Nations", "UN member states" name no actor.
    assert_eq!(
        actors(
            "As a Member of the United Nations, Ghana pays its dues.",
            None
        ),
        ["GHA"]
    );
    assert!(actors("All States Members of the United Nations are equal.", None).is_empty());
    assert!(actors("Most UN member states voted for it.", None).is_empty());
    assert_eq!(actors("The United Nations sent envoys.", None), ["UN"]);
    // A South Korean Kim is no "Kim" of the North: his country in office,
    // nobody after.
    assert_eq!(
        actors("Traitor Kim Kwan Jin ranted again.", Some("2012-03-01")),
        ["KOR"]
    );
    assert!(actors("Kim Kwan-jin retired.", Some("2020-03-01")).is_empty());
    assert_eq!(
        actors("Kim Dae-jung met Kim Jong Il.", Some("2000-06-13")),
        ["KOR", "PRK"]
    );
}

#[test]
fn a_capital_named_as_a_venue_is_only_mentioned() {
    let l = lex();
    let s =
        Scorer::new(l).score_sentence("At a summit in Addis Ababa, Kenya condemned Somalia.", None);
    let id = |i: usize| {
        l.actors()[l.actors()[s.matches.actors[i].actor].root]
            .id
            .as_str()
    };
    assert_eq!(s.attribution.source.map(id), Some("KEN"));
    let targets: Vec<&str> = s.attribution.targets.iter().map(|&i| id(i)).collect();
    assert_eq!(targets, ["SOM"]);
    // A capital or a country naming a document or a meeting is no actor
    // of the sentence either; a pair of actors naming one is.
    for (text, target) in [
        ("Kenya praised the Beijing Declaration on women.", None),
        ("Kenya welcomed the Rome Statute of the court.", None),
        (
            "Kenya urged progress in the Doha Round of trade talks.",
            None,
        ),
        ("Kenya supports the Barbados Programme of Action.", None),
        ("Kenya welcomed the U.S.-Japan pact on trade.", Some("USA")),
        ("Kenya praised Japan for its aid.", Some("JPN")),
    ] {
        let (_, targets) = label_and_targets(text, None);
        assert_eq!(targets.first().map(String::as_str), target, "{text}");
    }
}

/// The label, rolled-up source and rolled-up targets of `text` with the
/// default lexicons, for an undated document whose speaker is `speaker`.
fn scored(text: &str, speaker: Option<&str>) -> (String, Option<String>, Vec<String>) {
    scored_on(text, None, speaker)
}

/// [`scored`] for a document of `date`.
fn scored_on(
    text: &str,
    date: Option<&str>,
    speaker: Option<&str>,
) -> (String, Option<String>, Vec<String>) {
    let l = lex();
    let sp = speaker.and_then(|id| l.actor_index(id));
    let s = Scorer::new(l).score_sentence_as(text, date.and_then(DocDate::parse), sp);
    let id = |i: usize| {
        l.actors()[l.actors()[s.matches.actors[i].actor].root]
            .id
            .clone()
    };
    (
        s.label.as_str().to_string(),
        s.attribution.source.map(id),
        s.attribution.targets.iter().map(|&i| id(i)).collect(),
    )
}

/// The label of `text` with the default lexicons, and its rolled-up
/// targets.
fn label_and_targets(text: &str, speaker: Option<&str>) -> (String, Vec<String>) {
    let (label, _, targets) = scored(text, speaker);
    (label, targets)
}

#[test]
fn default_rows_read_demands_damage_and_words_of_no_stance() {
    let lt = |text: &str| label_and_targets(text, Some("PRK"));
    let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    // A concession demanded of a state is pressure on it ...
    assert_eq!(
        lt("The Japanese government should apologise for its wartime crimes."),
        ("hostile".to_string(), v(&["JPN"]))
    );
    assert_eq!(
        lt("Washington must withdraw its troops from the peninsula."),
        ("hostile".to_string(), v(&["USA"]))
    );
    // ... an appeal to talk or settle is not.
    assert_eq!(
        lt("Seoul should respond to the offer of dialogue."),
        ("conciliatory".to_string(), v(&["KOR"]))
    );
    assert_eq!(
        label_and_targets(
            "India and Pakistan should settle their dispute peacefully.",
            None
        )
        .0,
        "conciliatory"
    );
    // A verb that calls for a concession whose maker it names: pressure
    // on the maker; a concession with no maker named keeps its tone.
    assert_eq!(
        lt("Protesters in Manila demanded the withdrawal of U.S. troops from the islands."),
        ("hostile".to_string(), v(&["USA"]))
    );
    assert_eq!(
        label_and_targets(
            "Canberra called for the release of the Japanese fishermen.",
            None
        )
        .0,
        "conciliatory"
    );
    // The speaker's "we" is a subject, never the target; "us" may be.
    assert_eq!(
        lt("Welcoming the offer of talks, we are ready to meet at once.").1,
        v(&[])
    );
    assert_eq!(
        lt("The enemies who threaten us will pay dearly.").1,
        v(&["PRK"])
    );
    // An epithet of KCNA's: "the wrecker of peace" is no kindness.
    assert_eq!(
        lt("The commentary called Washington the wrecker of peace on the peninsula.").0,
        "hostile"
    );
    // Verbs of damage turn the kindness they hit.
    assert_eq!(
        lt("Seoul blocked the resumption of dialogue and cooperation.").0,
        "hostile"
    );
    assert_eq!(
        label_and_targets("Tokyo is undermining cooperation with Beijing.", None).0,
        "hostile"
    );
    // A relation between two named sides that eases or sours: theirs.
    assert_eq!(
        label_and_targets("Tensions between Washington and Beijing have eased.", None),
        ("conciliatory".to_string(), v(&["CHN"]))
    );
    assert_eq!(
        label_and_targets("Relations between Seoul and Tokyo have worsened.", None),
        ("hostile".to_string(), v(&["JPN"]))
    );
    // Words of no stance: recognising a fact, recognised borders, a
    // building block weigh next to nothing (each "recogni*" alone +1).
    // So do the war's veterans, heroes, dead and museums ("war" alone -3),
    // and the veto as an institution.
    for text in [
        "Seoul recognizes that the harvest will be late this year.",
        "Canada wants troops back behind internationally recognized borders.",
        "A war veteran from Pyongyang visited the war museum.",
        "Ottawa honours its war dead every November.",
        // The veto as an institution, not an act ("vetoed" -1.5).
        "Brazil wants a permanent seat with veto power and the right of veto.",
    ] {
        let s = Scorer::new(lex()).score_sentence(text, None);
        assert!(s.sum.abs() <= 0.5, "{text}: {}", s.sum);
    }
    // A building block is no verb of damage: the peace it builds stays.
    let s = Scorer::new(lex()).score_sentence("Brazil calls it a building block of peace.", None);
    assert!(s.sum > 1.0, "{}", s.sum);
}

#[test]
fn default_rows_for_disasters_common_fights_and_accession_vetoes() {
    let label = |text: &str| label_and_targets(text, None).0;
    let cases = [
        // A quake or a storm that strikes is no assault by anyone.
        (
            "A strong earthquake struck western Nepal before dawn on Sunday.",
            "neutral",
        ),
        (
            "The typhoon struck the northern Philippines overnight.",
            "neutral",
        ),
        // Prisoners of war name no act of war; freeing them is a concession.
        (
            "Kabul and Islamabad exchanged prisoners of war at the Torkham crossing.",
            "conciliatory",
        ),
        (
            "Ottawa counted the prisoners of war held in the camps.",
            "neutral",
        ),
        // Trade curbs and airspace incursions are hostile acts.
        ("Beijing imposed curbs on Lithuanian timber.", "hostile"),
        (
            "A Turkish drone entered Greek airspace near Rhodes, Athens said.",
            "hostile",
        ),
        // Ending a veto on a state's joining is no hostility.
        (
            "The Netherlands will no longer block Bulgaria from joining the euro zone.",
            "conciliatory",
        ),
        // Approving a loan or a bailout for a state, or writing off its
        // debt, is aid; coast guards firing water cannon are coercion.
        (
            "The World Bank approved a $300 million loan for Malawi.",
            "conciliatory",
        ),
        (
            "Brussels agreed a bailout package for Cyprus.",
            "conciliatory",
        ),
        (
            "Tokyo will write off the debt Laos owes it.",
            "conciliatory",
        ),
        (
            "Vietnamese boats said a Chinese ship fired water cannon at them.",
            "hostile",
        ),
    ];
    assert_labels(&cases);
    // A fight against a common ill is no hostility ("fight" alone -2.5).
    for text in [
        "Kenya vowed to fight corruption in its ports.",
        "The bank will help Lima fight inflation.",
        "Dakar pledged to step up its fight against people smuggling.",
    ] {
        assert_ne!(label(text), "hostile", "{text}");
    }
    // Keeping a state out of a union is hostile toward it.
    assert_eq!(
        label_and_targets(
            "The Netherlands blocked Bulgaria from joining the euro zone.",
            None
        ),
        ("hostile".to_string(), vec!["BGR".to_string()])
    );
}

#[test]
fn default_rows_for_snubs_hotlines_envoys_and_ended_pacts() {
    let cases = [
        // A deal struck is a deal, not a blow.
        (
            "Quito and Lima will honour the deal struck after two days of talks in Brasilia.",
            "conciliatory",
        ),
        ("Rebels overran an army base near Kidal.", "hostile"),
        (
            "The Fijian leader snubbed Canberra by skipping the summit.",
            "hostile",
        ),
        (
            "Pyongyang reconnected the military hotline with Seoul on Monday.",
            "conciliatory",
        ),
        (
            "Ankara will send its ambassador back to Vienna next week.",
            "conciliatory",
        ),
        (
            "Abu Dhabi threw a lifeline to Cairo with a $10 billion deposit.",
            "conciliatory",
        ),
        // Ending a pact: what it was meant to do is no kindness.
        (
            "Moscow scrapped the pact designed to ease tensions on the border with Oslo.",
            "hostile",
        ),
        (
            "Caracas rejected a port deal between Bogota and Quito.",
            "hostile",
        ),
        // A lifeline alone is a metaphor, not aid.
        (
            "Hanoi called tourism the lifeline of its central provinces.",
            "neutral",
        ),
    ];
    assert_labels(&cases);
}

/// Asserts the label of each `(text, label)` with the default lexicons.
fn assert_labels(cases: &[(&str, &str)]) {
    for &(text, want) in cases {
        assert_eq!(label_and_targets(text, None).0, want, "{text}");
    }
}

/// The rolled-up source and targets of `text` with the default lexicons.
fn roles(text: &str) -> (Option<String>, Vec<String>) {
    let (_, source, targets) = scored(text, None);
    (source, targets)
}

#[test]
fn a_passive_names_its_subject_the_target_unless_it_says_how_the_subject_stands() {
    assert_eq!(
        roles("Israel was condemned over the raid on the camp."),
        (None, vec!["ISR".to_string()])
    );
    assert_eq!(
        roles("Two Estonian diplomats have been expelled, the ministry said."),
        (None, vec!["EST".to_string()])
    );
    // "Hit with" names what was undergone, as "hit by" does; "presented
    // with" names a gift: its subject does not undergo an act.
    assert_eq!(
        roles("Dozens of Russian tankers were hit with sanctions on Friday."),
        (None, vec!["RUS".to_string()])
    );
    assert!(
        roles("Kim Jong Un was presented with a floral basket by a delegation from Laos.")
            .0
            .is_some()
    );
    // Participles of feeling or stance: the subject holds it.
    for text in [
        "Canberra is deeply concerned about the drills near Taiwan.",
        "Beijing is opposed to any sanctions.",
    ] {
        assert!(roles(text).0.is_some(), "{text}");
    }
}

#[test]
fn a_visit_with_no_one_else_to_aim_at_is_aimed_at_its_host_capital() {
    assert_eq!(
        roles("Kenya's president arrived in Accra on Monday for a state visit."),
        (Some("KEN".to_string()), vec!["GHA".to_string()])
    );
    // A capital that only hosts a meeting is its venue.
    assert_eq!(
        roles("Kenya's president arrived in Accra on Monday for a summit."),
        (Some("KEN".to_string()), vec![])
    );
}

#[test]
fn an_embassy_opened_in_a_capital_is_aimed_at_its_state() {
    assert_eq!(
        roles("Canberra reopened its embassy in Kyiv on Tuesday."),
        (Some("AUS".to_string()), vec!["UKR".to_string()])
    );
    // A trip is aimed at the state it goes to.
    assert_eq!(
        roles("Japan's foreign minister began a two-day trip to Brazil on Sunday."),
        (Some("JPN".to_string()), vec!["BRA".to_string()])
    );
}

#[test]
fn a_list_that_ends_in_others_is_a_list() {
    assert_eq!(
        roles(
            "Diplomats from Kenya, Uganda, Ghana and three other African states were expelled by Addis Ababa."
        ),
        (
            Some("ETH".to_string()),
            vec!["KEN".to_string(), "UGA".to_string(), "GHA".to_string()]
        )
    );
}

#[test]
fn what_comes_after_rather_than_is_what_is_turned_down() {
    assert_labels(&[
        (
            "Hanoi urged Manila to seek dialogue rather than confrontation.",
            "conciliatory",
        ),
        (
            "Manila chose confrontation instead of dialogue with Hanoi.",
            "hostile",
        ),
    ]);
}

#[test]
fn a_background_clause_weighs_half() {
    assert_labels(&[
        (
            "The IMF granted Somalia debt relief on Friday, after decades of conflict.",
            "conciliatory",
        ),
        (
            "Ankara offered to host talks between Baku and Yerevan, as fears grew of an escalation.",
            "conciliatory",
        ),
        // The act itself is no background.
        ("Moscow shelled Kharkiv, amid talks in Istanbul.", "hostile"),
    ]);
}

/// `(source, targets)` as owned strings, for comparing with [`roles`].
fn st(source: &str, targets: &[&str]) -> (Option<String>, Vec<String>) {
    (
        Some(source.to_string()),
        targets.iter().map(|t| t.to_string()).collect(),
    )
}

/// Asserts the rolled-up source and targets of each `(text, source,
/// targets)` with the default lexicons.
fn assert_roles(cases: &[(&str, &str, &[&str])]) {
    for &(text, source, targets) in cases {
        assert_eq!(roles(text), st(source, targets), "{text}");
    }
}

#[test]
fn a_name_glued_to_a_word_of_support_stands_behind_the_one_acting() {
    // The backed group acts, and is the one aimed at; its backer is only
    // named.
    assert_roles(&[
        (
            "The Iran-backed Houthis fired a missile at Israel.",
            "HOUTHIS",
            &["ISR"],
        ),
        (
            "Saudi Arabia condemned the Iranian-backed Houthis.",
            "SAU",
            &["HOUTHIS"],
        ),
        // A sponsor of a thing, not of an actor, stays the target.
        (
            "Pyongyang rejected the U.S.-sponsored resolution.",
            "PRK",
            &["USA"],
        ),
    ]);
    // Backers of no actor act no more than they do.
    assert_eq!(
        roles("Russian-backed separatists shelled Ukrainian positions near Donetsk."),
        (None, vec!["UKR".to_string()])
    );
    // "backed" as a verb is no glue.
    assert_eq!(
        roles("Russia backed the resolution."),
        (Some("RUS".to_string()), vec![])
    );
}

#[test]
fn a_hyphenated_pair_is_a_list_and_a_conflict_named_by_it_is_between_them() {
    // Both sides of "U.S.-South Korean" are aimed at, as with "and".
    assert_eq!(
        roles("North Korea condemned the U.S.-South Korean drills as a rehearsal for war."),
        st("PRK", &["USA", "KOR"])
    );
    assert_eq!(
        roles("Turkey offered to mediate an end to the Russia–Ukraine war."),
        st("TUR", &["RUS", "UKR"])
    );
    assert_eq!(
        roles("Pyongyang denounced the joint U.S./Japan exercises."),
        st("PRK", &["USA", "JPN"])
    );
    // A conflict named by its two sides is between them; their drills are
    // joint, aimed at no one named.
    assert_eq!(
        roles("The Iran-Iraq war drained both economies."),
        st("IRN", &["IRQ"])
    );
    assert_eq!(
        roles("U.S.-Japan drills began off Okinawa on Monday."),
        st("USA", &[])
    );
    // A spaced dash is no pair.
    assert_eq!(
        roles("Seoul condemned the drills – Pyongyang had fired a missile.").1,
        ["PRK"]
    );
}

#[test]
fn a_promise_or_agreement_negated_takes_what_it_is_to_with_it() {
    assert_labels(&[
        (
            "Beijing would never promise to renounce the use of force over Taiwan.",
            "hostile",
        ),
        (
            "Seoul did not agree to lift the sanctions on Pyongyang.",
            "hostile",
        ),
        (
            "Hanoi has no willingness to improve relations with Beijing.",
            "hostile",
        ),
        // Only a promise's "to": a threat negated stays what it was.
        (
            "Tehran said Iran poses no threat to peace in the Gulf.",
            "conciliatory",
        ),
    ]);
}

#[test]
fn a_trailing_warning_may_end_with_where_it_was_given() {
    assert_roles(&[
        (
            "Any attack on Taiwan would be met with force, Washington warned in a statement on Friday.",
            "USA",
            &["TWN"],
        ),
        (
            "Hanoi would pay a heavy price for any provocation, Beijing warned at a news conference in the capital.",
            "CHN",
            &["VNM"],
        ),
    ]);
}

#[test]
fn an_actor_in_an_opening_concession_is_not_the_main_clauses_source() {
    assert_eq!(
        roles(
            "Despite weeks of Egyptian and Qatari mediation, Hamas accused Israel on Sunday of sabotaging the talks."
        ),
        st("HAMAS", &["ISR"])
    );
    assert_eq!(
        roles("Notwithstanding the Security Council’s resolutions, Israel launched fresh raids on the camps.").0,
        Some("ISR".to_string())
    );
    // When the main clause goes on with a pronoun, its subject is the
    // conceded actor.
    assert_eq!(
        roles("Although Colombia had turned away two deportation flights, it agreed on Sunday to accept the migrants, ending a standoff with Washington.").0,
        Some("COL".to_string())
    );
}

#[test]
fn parties_who_agree_act_on_each_other_not_on_the_state_that_relays_it() {
    assert_roles(&[
        (
            "Israel and Hamas agreed to extend the truce by two days, Qatar’s foreign ministry spokesman Majed al-Ansari said.",
            "ISR",
            &["HAMAS"],
        ),
        // With no co-source, the relaying state stays the counterpart.
        (
            "Brazil’s president will fly to Beijing next week to hold talks with Xi, China’s foreign ministry said.",
            "BRA",
            &["CHN"],
        ),
    ]);
}

#[test]
fn default_rows_for_prevention_pauses_withdrawn_complaints_and_inspections() {
    assert_labels(&[
        // "prevent" negates what it prevents; "paused" likewise.
        (
            "Hanoi and Manila set up a hotline to prevent accidental clashes at sea.",
            "conciliatory",
        ),
        (
            "Seoul accused Pyongyang of preventing the resumption of talks.",
            "hostile",
        ),
        (
            "Canberra and Beijing agreed on Monday to slash the tariffs.",
            "conciliatory",
        ),
        (
            "Ottawa withdrew its WTO complaint against Canberra.",
            "conciliatory",
        ),
        (
            "Tehran agreed to let IAEA inspectors back into the plant.",
            "conciliatory",
        ),
        (
            "Iran removed the IAEA surveillance cameras from the site.",
            "hostile",
        ),
        (
            "Athens said it wanted to settle its differences with Ankara.",
            "conciliatory",
        ),
        // A saboteur "of peace" damages the peace.
        (
            "Beijing branded the Taiwanese leader a saboteur of peace.",
            "hostile",
        ),
        (
            "Moscow called the Polish troops a legitimate target.",
            "hostile",
        ),
        ("Tehran likened Israel to a rabid dog.", "hostile"),
        // A visit announced with its purpose is a schedule, not a stance.
        (
            "Kenya’s foreign minister will visit Accra next month for talks with his counterpart.",
            "neutral",
        ),
        // Words of no stance: a spy agency, a war-risk premium.
        (
            "Seoul’s spy agency briefed lawmakers on the party congress.",
            "neutral",
        ),
        (
            "War-risk premiums for tankers in the Gulf doubled, brokers said.",
            "neutral",
        ),
        // Background: what happened since the war, or after years in jail.
        (
            "Kyiv and Moscow swapped 300 prisoners each, the largest exchange since the war began.",
            "conciliatory",
        ),
        (
            "Tehran freed a French teacher after more than three years in detention.",
            "conciliatory",
        ),
    ]);
}

#[test]
fn a_speaker_reports_its_own_sides_act_and_is_no_object() {
    // The sentence opens with the speaker's own state: it acts.
    assert_eq!(
        roles(
            "Estonia expelled Russia’s ambassador and recalled its own envoy from Moscow, the Estonian foreign minister said."
        ),
        st("EST", &["RUS"])
    );
    // An actor derided "as" something is the object, not the one whose
    // statement it is.
    assert_eq!(
        roles(
            "Pyongyang derided the South Korean president as “a simpleton” in a statement on Friday."
        ),
        st("PRK", &["KOR"])
    );
    // A word of no stance does not part the speaker from its verb.
    assert_eq!(
        roles(
            "Pyongyang will hold a party congress in January, Seoul’s spy agency told lawmakers."
        )
        .0,
        Some("PRK".to_string())
    );
}

#[test]
fn a_drill_partner_is_only_mentioned() {
    assert_eq!(
        roles("Washington postponed its drills with Seoul to make room for talks with Pyongyang."),
        st("USA", &["PRK"])
    );
    assert_eq!(
        roles("Manila staged joint exercises together with Canberra off Luzon.").1,
        Vec::<String>::new()
    );
}

#[test]
fn an_actor_in_an_opening_phrase_of_circumstance_is_not_the_main_clauses_source() {
    assert_roles(&[
        (
            "Under pressure from Washington, Seoul agreed to resume talks with Tokyo.",
            "KOR",
            &["JPN"],
        ),
        (
            "Unlike Japan, South Korea welcomed the nuclear deal with Iran.",
            "KOR",
            &["IRN"],
        ),
        (
            "After talks with Putin, Xi praised the friendship between China and Russia.",
            "CHN",
            &["RUS"],
        ),
        // "For" gives a point of view, and the one whose view it is judges.
        (
            "For Japan, China's drills are a grave threat.",
            "JPN",
            &["CHN"],
        ),
        // A list the comma goes on with is no opening phrase.
        (
            "In the first year China, Russia and Nepal signed a treaty of friendship.",
            "CHN",
            &["RUS", "NPL"],
        ),
    ]);
    // A pair inside the phrase is passed over too: the demand is aimed at
    // the main clause's subject, and no actor makes it (the document's
    // speaker does, in the tables).
    assert_eq!(
        scored(
            "In the DPRK-Japan relations, Japan must stop its hostile policy toward the DPRK.",
            Some("PRK")
        ),
        ("hostile".to_string(), None, vec!["JPN".to_string()])
    );
}

#[test]
fn an_envoy_summoned_to_a_ministry_is_summoned_by_its_state() {
    assert_roles(&[
        (
            "Japan's deputy ambassador was summoned to South Korea's Foreign Ministry on Friday over the islets.",
            "KOR",
            &["JPN"],
        ),
        (
            "China's ambassador was summoned to the foreign ministry in Tokyo on Monday.",
            "JPN",
            &["CHN"],
        ),
    ]);
    // With no one named, the passive names no source.
    for text in [
        "Russia's ambassador was summoned on Monday.",
        "Two Russian diplomats were declared persona non grata over alleged spying.",
    ] {
        assert_eq!(roles(text), (None, vec!["RUS".to_string()]), "{text}");
    }
}

#[test]
fn a_protest_whose_words_are_quoted_is_still_its_subjects_act() {
    // Only the words of the protest are quoted: Beijing acts, Tokyo relays.
    assert_roles(&[(
        "Beijing lodged “solemn representations” with Tokyo over the shrine offering, Japan's top government spokesman said.",
        "CHN",
        &["JPN"],
    )]);
    // A quoted term is the speaker's judgement, as before.
    assert_roles(&[(
        "Russia has a “friend” in Pyongyang, Kim said.",
        "PRK",
        &["RUS"],
    )]);
}

#[test]
fn a_possessive_with_its_office_joins_a_list() {
    assert_roles(&[(
        "The envoy hailed the truce reached between Sudan's army and the Rapid Support Forces as a step toward peace.",
        "SDN",
        &["RSF"],
    )]);
    assert_eq!(
        label_and_targets(
            "The AU praised the accord between Ethiopia's government and the Tigray People's Liberation Front.",
            None
        )
        .1,
        vec!["ETH".to_string(), "TPLF".to_string()]
    );
}

#[test]
fn a_trailing_warning_may_end_with_a_clause_of_background() {
    assert_roles(&[
        (
            "Pyongyang will pay dearly for its provocations, Seoul warned on Monday as tensions rose along the border.",
            "KOR",
            &["PRK"],
        ),
        // A background clause may name another actor, and run longer than
        // a phrase of where and when: the warning is still the speaker's,
        // and the actor of the background is no target.
        (
            "Pyongyang will pay dearly for its provocations, Seoul warned as Japan sent ships.",
            "KOR",
            &["PRK"],
        ),
        (
            "Any attempt by Russian agents to sabotage our power grid will be met with a firm response, Finnish Prime Minister Petteri Orpo warned on Friday, after the Russian envoy was summoned over a string of cyberattacks on hospitals.",
            "FIN",
            &["RUS"],
        ),
    ]);
}

#[test]
fn default_rows_for_briefings_schedules_and_relief_agencies() {
    assert_labels(&[
        // Schedules stay neutral.
        (
            "The minister will fly to Nairobi on Monday for two days of talks with Kenyan officials.",
            "neutral",
        ),
        (
            "The two presidents will speak by phone on Friday.",
            "neutral",
        ),
        // Relief agencies are no act of aid.
        (
            "Floods have displaced 40,000 people in the delta, relief agencies said.",
            "neutral",
        ),
        (
            "Seoul switched off its loudspeakers along the border to ease tensions.",
            "conciliatory",
        ),
        (
            "Troops and tanks were seen massing near the frontier with Armenia.",
            "hostile",
        ),
        (
            "Baku said it had no territorial claims against Yerevan and no intention of opening a new front.",
            "conciliatory",
        ),
        (
            "Canberra and Beijing said ties were back on the right track after the talks.",
            "conciliatory",
        ),
        (
            "Jakarta and Kuala Lumpur signed two treaties fixing their sea boundary.",
            "conciliatory",
        ),
    ]);
    // "Foreign Office" after a state's name is that state's, not Britain's.
    assert_eq!(
        actors("Pakistan's Foreign Office summoned India's envoy.", None),
        vec!["PAK".to_string(), "IND".to_string()]
    );
}

#[test]
fn an_undergone_act_named_with_its_actor_has_that_actor_for_source() {
    assert_roles(&[
        (
            "Kyiv's power plants are struggling under relentless Russian attacks.",
            "RUS",
            &["UKR"],
        ),
        (
            "Havana's economy is reeling from U.S. sanctions, officials admit.",
            "USA",
            &["CUB"],
        ),
        (
            "Pyongyang has endured years of U.S.-led sanctions.",
            "USA",
            &["PRK"],
        ),
        (
            "Seoul's carmakers suffered from Chinese retaliation over the radar deployment.",
            "CHN",
            &["KOR"],
        ),
    ]);
    // The subject's own actor is no agent of what it undergoes: "Israeli"
    // names the occupation Israel is told to end.
    assert_eq!(
        roles("Israel must end the suffering of the villages under Israeli occupation."),
        (None, vec!["ISR".to_string()])
    );
    // A word of no act ("rival") names no agent.
    assert_eq!(
        roles("Laos faced Thai rivals in the semi-final on Sunday."),
        (None, vec!["LAO".to_string()])
    );
}

#[test]
fn an_actor_past_the_act_in_a_passives_agent_phrase_is_its_object() {
    // "by Western sanctions against Russia": Russia is no agent.
    assert_eq!(
        roles("The rouble has been battered by Western sanctions against Russia."),
        (None, vec!["RUS".to_string()])
    );
    // The agent itself, as before.
    assert_roles(&[(
        "The talks were suspended by Washington over the missile launch.",
        "USA",
        &[],
    )]);
}

#[test]
fn a_trailing_speaker_may_come_with_a_title_and_given_names() {
    assert_roles(&[(
        "Islamabad will pay a heavy price for any new attack, Prime Minister Narendra Modi warned in a televised address on Monday.",
        "IND",
        &["PAK"],
    )]);
    // After an opening phrase a concession sets aside, the titled subject
    // of the main clause acts (Lula is Brazil's during his terms).
    let (_, source, targets) = scored_on(
        "While accusing Washington of “tariff blackmail”, President Luiz Inácio Lula da Silva thanked Beijing for opening its market and called China a “reliable partner”.",
        Some("2025-07-30"),
        None,
    );
    assert_eq!((source, targets), st("BRA", &["CHN"]));
    // Words that are no title do not make a speaker of an earlier mention.
    assert_ne!(
        roles("Seoul will pay dearly for this, the crowd outside the Modi rally warned.").0,
        Some("IND".to_string())
    );
}

#[test]
fn the_actor_a_speaker_talks_of_is_not_the_speaker() {
    assert_roles(&[(
        "“He is a shameless liar,” North Korea’s Committee for the Peaceful Reunification of the Country said of South Korean President Moon Jae-in on Friday.",
        "PRK",
        &["KOR"],
    )]);
}

#[test]
fn rows_for_normalising_ties_pressure_and_regional_governments() {
    assert_labels(&[
        (
            "Cairo and Ankara pledged to open “a new page” in relations after a decade of estrangement.",
            "conciliatory",
        ),
        (
            "Libya was readmitted to the African Union on Friday.",
            "conciliatory",
        ),
        (
            "Hungary reopened its border crossings with Serbia on Monday, ending a week-long closure imposed during the floods.",
            "conciliatory",
        ),
        (
            "Beijing appeared to ease its pressure on Taipei, announcing it would resume imports of Taiwanese fruit.",
            "conciliatory",
        ),
        (
            "Ottawa and Washington will each cut their levies on steel for six months.",
            "conciliatory",
        ),
        (
            "“Is this how a friend treats its neighbour?” the Philippine president asked after China's coast guard fired water cannon at a supply boat.",
            "hostile",
        ),
        (
            "The Kremlin warned that seizing its frozen reserves would be outright theft and promised a painful response.",
            "hostile",
        ),
        (
            "The Group of 20 voted to make the African Union a permanent member on Saturday.",
            "conciliatory",
        ),
        // A life back to normal is no relation between actors.
        (
            "Life in Kyiv has returned to normal after the storm, the mayor said.",
            "neutral",
        ),
    ]);
    assert_eq!(
        actors(
            "Baghdad thanked the Kurdistan Regional Government for resuming oil exports.",
            None
        ),
        ["IRQ", "KRG"]
    );
    // The Juba of Somalia's rivers is no South Sudan.
    assert!(
        actors(
            "Floods displaced thousands along the Juba and Shabelle rivers.",
            None
        )
        .is_empty()
    );
    assert_eq!(
        actors("Juba accused Khartoum of backing rebels.", None),
        ["SSD", "SDN"]
    );
}

#[test]
fn a_reported_act_may_be_done_by_a_noun_phrase_an_actor_heads() {
    assert_roles(&[
        (
            "Two Russian Su-27 fighter jets violated Finnish airspace for three minutes on Friday, Helsinki said.",
            "RUS",
            &["FIN"],
        ),
        // After an opening phrase, the main clause's actor acts.
        (
            "Despite a truce agreed in May, Chinese coast guard vessels fired water cannon at a Philippine supply boat on Sunday, Manila said.",
            "CHN",
            &["PHL"],
        ),
    ]);
    // A clause or a possessive inside the phrase ends it: the speaker
    // judges what the actor's phrase names.
    assert_roles(&[(
        "The south Korean conservative group's latest provocations against the DPRK are doomed to fail, Rodong Sinmun said.",
        "PRK",
        &["KOR"],
    )]);
    assert_eq!(
        actors(
            "In a letter, the Islamic State of Afghanistan accused the Taliban.",
            None
        ),
        ["AFG", "TALIBAN"]
    );
}

#[test]
fn a_speaker_may_stand_before_its_verb_with_an_office_and_a_name() {
    assert_roles(&[
        (
            "“Ottawa has long been a partner,” Indian Foreign Ministry spokesman Arun Mehra said, “but these allegations are absurd.”",
            "IND",
            &["CAN"],
        ),
        // A demand in the quote is the speaker's, not an act of its
        // subject.
        (
            "“Rwanda must withdraw its troops from our territory now,” Congolese Foreign Ministry spokesman Tina Salama said.",
            "COD",
            &["RWA"],
        ),
    ]);
}

#[test]
fn a_headline_passive_without_be_names_its_agent() {
    assert_roles(&[
        (
            "Kenya Praised By U.N. Chief For Leading Mission In Haiti",
            "UN",
            &["KEN"],
        ),
        (
            "Myanmar Junta Condemned By ASEAN Over Airstrike On Village",
            "ASEAN",
            &["MMR"],
        ),
    ]);
    // The participle must be the first tone term right after the subject:
    // an active verb is no such passive.
    assert_roles(&[(
        "Pakistan condemned the strikes carried out by India.",
        "PAK",
        &["IND"],
    )]);
}

#[test]
fn rows_for_disasters_currencies_and_standing_offers() {
    assert_labels(&[
        (
            "Delhi Sends Condolences To Kathmandu After Floods Kill Dozens",
            "conciliatory",
        ),
        (
            "Brazil Sends Firefighting Planes To Help Bolivia Battle Wildfires",
            "conciliatory",
        ),
        (
            "Moscow, Kyiv Swap 150 Prisoners Each In Largest Exchange Of The War",
            "conciliatory",
        ),
        (
            "“We are ready to work with Seoul on every issue of mutual concern,” the Japanese premier said.",
            "conciliatory",
        ),
        (
            "Greece does not regard Turkey as an enemy, the prime minister said.",
            "conciliatory",
        ),
        (
            "Algeria may be compelled to review its cooperation with France, the minister warned.",
            "hostile",
        ),
    ]);
    // A currency is no actor; the ASEAN chief's name is no Korean leader.
    assert_eq!(
        actors("Losses reached 40 million U.S. dollars, Manila said.", None),
        ["PHL"]
    );
    assert_eq!(
        actors(
            "ASEAN Secretary-General Kao Kim Hourn welcomed the accord.",
            DocDate::parse("2025-10-26").map(|_| "2025-10-26")
        ),
        ["ASEAN"]
    );
}

#[test]
fn words_of_no_stance_weigh_nothing_in_the_sum() {
    // "talks" alone (+1) stays neutral, and a row of no stance ("relief
    // agencies", +0.1) does not push it over the line.
    let text = "Seoul and Hanoi held talks, relief agencies said.";
    let s = Scorer::new(lex()).score_sentence(text, None);
    assert_eq!((s.sum, s.label.as_str()), (1.0, "neutral"));
    // Its words are still claimed: "relief" is no act of aid here.
    let evidence = s.evidence(lex(), text);
    assert!(evidence.contains("relief agencies[aid +0.1]"), "{evidence}");
}

#[test]
fn a_speaker_may_be_named_by_the_office_after_a_persons_name() {
    assert_roles(&[(
        "Tokyo's new drills are a grave provocation, said Lin Jian, a spokesman for the Chinese Foreign Ministry.",
        "CHN",
        &["JPN"],
    )]);
    // Not by a word that is no office: a critic of the Kremlin does not
    // speak for Russia.
    assert_ne!(
        roles("Beijing's drills are reckless, said Olga Petrova, a critic of the Kremlin.").0,
        Some("RUS".to_string())
    );
    assert_eq!(
        roles("Beijing's drills are reckless, said Olga Petrova, a spokeswoman for the Kremlin."),
        st("RUS", &["CHN"])
    );
}

#[test]
fn rows_for_the_korean_border_and_the_general_debate() {
    assert_labels(&[
        // The North's name for a takeover by the South.
        (
            "Pyongyang said Seoul still dreams of unification through absorption.",
            "hostile",
        ),
        // A pact torn up is no kindness, nor what it was meant to do.
        (
            "Pyongyang tore up the 2018 military accord meant to ease tensions with Seoul.",
            "hostile",
        ),
        // Promising a government's end is a threat to it.
        (
            "Any use of nuclear weapons would mean the end of the Kim regime, Seoul said.",
            "hostile",
        ),
        // A decision to withdraw, put on hold, keeps the pact.
        (
            "Seoul put on hold its decision to withdraw from the intelligence pact with Tokyo.",
            "conciliatory",
        ),
        (
            "Athens has no quarrel with Ankara and will keep talking with Turkey, the minister said.",
            "conciliatory",
        ),
        (
            "Beijing and Tokyo traded protests after the radar incident.",
            "hostile",
        ),
        // Rising seas threaten no one on purpose; the thanks decide.
        (
            "Fiji's premier thanked New Zealand for its help as rising seas threaten the islands.",
            "conciliatory",
        ),
        // A kind word in general is no stance toward anyone.
        (
            "The Canadian people are generous and open-hearted.",
            "neutral",
        ),
    ]);
    // Balloons of refuse are the North's act, not words of the South.
    assert_roles(&[(
        "North Korea sent hundreds of balloons carrying trash into South Korea, Seoul's military said.",
        "PRK",
        &["KOR"],
    )]);
    // So is a pledge of aid, a sum of money in it, that the recipient
    // reports; what will be done to the subject is the speaker's threat.
    assert_roles(&[
        (
            "Norway will provide $250 million in humanitarian aid to Ukraine, the Ukrainian foreign ministry said on Monday.",
            "NOR",
            &["UKR"],
        ),
        (
            "Moscow will pay for its crimes against civilians, the Ukrainian foreign ministry said on Monday.",
            "UKR",
            &["RUS"],
        ),
    ]);
}

#[test]
fn a_capital_after_a_noun_of_rule_is_the_state_not_a_venue() {
    assert_roles(&[
        (
            "Moscow's envoy condemned the government in Kyiv as a criminal regime.",
            "RUS",
            &["UKR"],
        ),
        (
            "Lusaka strongly condemned the racist regime in Pretoria.",
            "ZMB",
            &["ZAF"],
        ),
    ]);
    // A summit of heads of state and government meets there: a venue.
    assert_eq!(
        roles("Heads of State and Government in Nairobi condemned the coup in Niamey."),
        (None, vec![])
    );
}

#[test]
fn refusals_reject_what_they_refuse_and_a_resolve_is_no_negation() {
    assert_labels(&[
        // What is refused is no kindness of the refuser's.
        (
            "Kyiv will never accept a peace deal that leaves its land in Russian hands.",
            "hostile",
        ),
        (
            "Caracas does not agree with the proposal for new elections, the minister said.",
            "hostile",
        ),
        // A hesitation negated, or "spare no effort", turns nothing else.
        (
            "Pyongyang will not hesitate to use force against Seoul.",
            "hostile",
        ),
        (
            "Tokyo will spare no effort in cooperating with Seoul.",
            "conciliatory",
        ),
        // Differences overcome are no rejection of the accord reached.
        (
            "Hanoi and Manila overcame their differences and reached a fisheries agreement.",
            "conciliatory",
        ),
    ]);
}

#[test]
fn a_recipient_given_by_no_named_actor_is_the_target_with_no_source() {
    // The subject only receives: it is no source of its own praise.
    assert_eq!(
        roles("Bangladesh drew praise from speaker after speaker for sheltering refugees."),
        (None, vec!["BGD".to_string()])
    );
    assert_eq!(
        roles("Kim Jong Un received a message of condolences from Kenichi Ogami."),
        (None, vec!["PRK".to_string()])
    );
    // A named giver is the source, as before.
    assert_eq!(
        roles("Kim Jong Un received a message of condolences from the Russian president."),
        st("RUS", &["PRK"])
    );
}

#[test]
fn an_opening_participle_is_the_main_clauses_subjects() {
    assert_eq!(
        roles(
            "Angered that the white paper claimed the islets again, Seoul hauled in a senior Japanese diplomat."
        ),
        st("KOR", &["JPN"])
    );
    assert_eq!(
        roles("Alarmed by the reckless provocations, Hanoi closed the border crossing with China."),
        st("VNM", &["CHN"])
    );
    // An inversion puts its subject after the verb: no main clause.
    assert_ne!(
        roles("Invited to the talks were envoys of Seoul and Tokyo.").0,
        Some("KOR".to_string())
    );
    // A participle in "-ing" too, and a "be" inside its "that" clause is
    // no inversion.
    assert_eq!(
        roles("Praising the talks as a fresh start, Seoul sent a delegation to Pyongyang."),
        st("KOR", &["PRK"])
    );
    assert_eq!(
        roles(
            "Declaring that there would be no more war between them, Seoul and Tokyo signed the accord."
        )
        .0
        .as_deref(),
        Some("KOR")
    );
    // But not a preposition in "-ing", nor an adjective before a plural
    // noun: the act in the opening phrase is no one's.
    assert_eq!(
        roles("Following the war in Gaza, Japan sent a delegation to Cairo.").0,
        None
    );
    assert_eq!(
        roles("Developing countries need aid, and Japan gives much of it.").0,
        None
    );
}

#[test]
fn the_koreas_named_together_or_as_the_north_and_the_south() {
    let v = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    // "The two Koreas": both, each acting toward the other.
    assert_eq!(
        roles("The two Koreas agreed to reopen their liaison office."),
        (Some("PRK".into()), v(&["KOR"]))
    );
    assert_eq!(
        roles("Japan urged both Koreas to return to talks."),
        (Some("JPN".into()), v(&["PRK", "KOR"]))
    );
    // "North and South Korea": the first word is North Korea.
    assert_eq!(
        actors("Leaders of North and South Korea met at the border.", None),
        ["PRK", "KOR"]
    );
    assert_eq!(
        roles("Talks between North and South Korea collapsed in acrimony."),
        (Some("PRK".into()), v(&["KOR"]))
    );
    // "The North" and "the South" only where a Korea is named.
    assert_eq!(
        roles("North Korea cut off every hotline with the South."),
        (Some("PRK".into()), v(&["KOR"]))
    );
    assert_eq!(
        roles("Seoul's spy agency said the North had executed officials who failed talks."),
        (Some("KOR".into()), v(&["PRK"]))
    );
    assert!(
        actors(
            "Trade between the North and the South remains unequal.",
            None
        )
        .is_empty()
    );
    assert!(actors("Seoul hosted the North Atlantic allies.", None) == ["KOR"]);
    // The parties of an event after a passive's "by" are not its agents.
    assert_eq!(
        roles("Canada was encouraged by the dialogue between Ethiopia and Eritrea."),
        (Some("CAN".into()), v(&["ETH", "ERI"]))
    );
}

#[test]
fn a_speaker_before_its_verb_only_reports_another_actors_act() {
    let v = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    // The act is the subject's: the speaker relays it.
    for (text, source, targets) in [
        (
            "South Korea's military said North Korea fired two short-range ballistic missiles into the sea.",
            "PRK",
            &["KOR"][..],
        ),
        (
            "Ukraine's air force said Russia launched 40 drones overnight at Kyiv.",
            "RUS",
            &["UKR"][..],
        ),
        (
            "The State Department said China had sanctioned six U.S. defence firms.",
            "CHN",
            &["USA"][..],
        ),
        // A subject heading a noun phrase, its verb a perfect, either side.
        (
            "Tokyo said Chinese fighter jets had locked their radar on Japanese patrol aircraft.",
            "CHN",
            &["JPN"][..],
        ),
        (
            "Chinese fighter jets had locked their radar on Japanese patrol aircraft, Tokyo said.",
            "CHN",
            &["JPN"][..],
        ),
    ] {
        assert_eq!(roles(text), (Some(source.into()), v(targets)), "{text}");
    }
    // The speaker judges: in words of its own, after the clause, or with
    // words of praise or blame.
    for (text, source) in [
        (
            "Seoul said North Korea fired two missiles, calling the launch a grave provocation.",
            "KOR",
        ),
        (
            "Washington said Beijing was bullying its neighbours in the South China Sea.",
            "USA",
        ),
        (
            "The Cuban ambassador said Kim Jong Un enjoys boundless trust and respect.",
            "CUB",
        ),
        (
            "Tokyo said North Korea must stop its missile launches at once.",
            "JPN",
        ),
    ] {
        assert_eq!(roles(text).0.as_deref(), Some(source), "{text}");
    }
}

#[test]
fn rows_for_wars_ended_missiles_scrapped_aid_delivered_and_ports_closed() {
    let label = |text: &str| scored(text, None).0;
    for (text, want) in [
        // Ending a war, even one in quotation marks, and a quarrel.
        (
            "Ottawa and Copenhagen ended their long “whisky war” by splitting the rock.",
            "conciliatory",
        ),
        (
            "Ending a quarrel over their frontier, Kyrgyzstan and Tajikistan signed a treaty.",
            "conciliatory",
        ),
        // "End up in a quarrel" ends nothing.
        (
            "Talks held in the middle of war drills will end up in a quarrel.",
            "hostile",
        ),
        // Scrapping missiles is disarmament, not cutting ties.
        (
            "Moscow proposed to scrap all medium-range missiles in Europe within five years.",
            "conciliatory",
        ),
        // Air defence delivered or promised is aid.
        (
            "Berlin will deliver three more air defence systems to Kyiv.",
            "conciliatory",
        ),
        // A place and officials named after a truce or relief are no stance.
        (
            "Tours of the truce village reopened on Monday, operators said.",
            "neutral",
        ),
        (
            "Some 20,000 refugees crossed the border in June, relief officials said.",
            "neutral",
        ),
        // Observers deployed are no show of force.
        (
            "The vote in Tbilisi was watched by observers deployed by the OSCE.",
            "neutral",
        ),
        // Closing ports, jamming signals and pausing funding are pressure;
        // refusing to close ports is not.
        (
            "Oslo said it would not close its ports to Russian trawlers.",
            "conciliatory",
        ),
        (
            "Russia jammed satellite signals over Finland for a week.",
            "hostile",
        ),
        (
            "New Zealand paused its development funding to Tonga.",
            "hostile",
        ),
        (
            "Pakistan will respond at a time and place of its choosing, the army said.",
            "hostile",
        ),
        (
            "The two leaders agreed to bury the past and build closer economic ties.",
            "conciliatory",
        ),
        // Disputing a border is hostile, renouncing that conciliatory; "the
        // question of borders" is neither.
        (
            "Moscow questioned the legality of its border with Estonia.",
            "hostile",
        ),
        (
            "Berlin will never question the post-war frontier with Poland, the chancellor said.",
            "conciliatory",
        ),
        (
            "The question of borders was raised at the conference.",
            "neutral",
        ),
        // Renewing a pact is cooperation; refusing to renew it is not.
        (
            "Manila will not renew its visiting forces agreement with Washington, the president said.",
            "hostile",
        ),
        (
            "Oslo and Moscow agreed to renew their fisheries accord for five years.",
            "conciliatory",
        ),
        // A concession phrased as stopping an act of pressure.
        (
            "Pyongyang said it would stop sending rubbish balloons across the border.",
            "conciliatory",
        ),
        // Rhetorical challenges of a right.
        (
            "Since when does Washington decide who may govern in Managua?",
            "hostile",
        ),
        (
            "By what right do Moscow's troops stay in Kabul, the envoy asked.",
            "hostile",
        ),
    ] {
        assert_eq!(label(text), want, "{text}");
    }
}

#[test]
fn states_leaders_and_movements_of_the_cold_war_by_date() {
    let a = |text: &str, date: &str| actors(text, Some(date));
    // Hanoi is North Vietnam until the country is united in July 1976.
    assert_eq!(
        a("American bombers struck targets near Hanoi.", "1972-12-20"),
        ["USA", "VDR"]
    );
    assert_eq!(a("Hanoi signed a trade deal.", "1990-05-01"), ["VNM"]);
    assert_eq!(
        a(
            "Saigon accused the Viet Cong of shelling the city.",
            "1968-02-01"
        ),
        ["RVN", "VIET-CONG"]
    );
    // Belgrade is Yugoslavia's capital and Bonn West Germany's seat of
    // government; afterwards Belgrade is Serbia's and Bonn is no one.
    assert_eq!(
        a("Belgrade broke off relations with Bonn.", "1957-10-19"),
        ["YUG", "DEU"]
    );
    assert_eq!(
        a("Belgrade broke off relations with Bonn.", "2010-01-01"),
        ["SRB"]
    );
    // Leaders during their terms, and the Soviet side as RUS before 1992.
    assert_eq!(
        a(
            "Khrushchev told Kennedy that Moscow would not yield.",
            "1961-06-04"
        ),
        ["RUS", "USA"]
    );
    assert!(a("Reagan spoke at the library.", "2024-01-01").is_empty());
    assert_eq!(
        a(
            "Rhodesia's Ian Smith rejected the British plan.",
            "1976-10-01"
        ),
        ["RHO", "GBR"]
    );
    // The Non-Aligned Movement is no longer Namibia (whose code is NAM).
    assert_eq!(
        a(
            "The Non-Aligned Movement backed Namibia's claim.",
            "1985-09-01"
        ),
        ["NON_ALIGNED", "NAM"]
    );
    // The divided city is no state's seat.
    assert!(a("Traffic into West Berlin was halted.", "1961-08-13").is_empty());
    assert_eq!(
        a("The OAU condemned the raid on Zaire.", "1978-05-20"),
        ["OAU", "COD"]
    );
    // Saudi Arabia's King Abdullah (2005-2015) is not Jordan's.
    assert_eq!(
        a(
            "King Abdullah bin Abdulaziz thanked Amman for its support.",
            "2010-05-01"
        ),
        ["SAU", "JOR"]
    );
    assert_eq!(
        a(
            "Jordan's King Abdullah thanked Riyadh for its support.",
            "2010-05-01"
        ),
        ["JOR", "SAU"]
    );
}

#[test]
fn the_cook_islands_and_niue_are_actors_apart_from_new_zealand() {
    assert_eq!(
        actors(
            "Wellington paused its aid after Avarua signed a pact with China.",
            Some("2025-06-20")
        ),
        ["NZL", "COK", "CHN"]
    );
    assert_eq!(
        actors("Niue thanked the Cook Islands.", None),
        ["NIU", "COK"]
    );
}

#[test]
fn an_agreement_to_a_hostile_act_is_that_act_and_rows_of_the_1990s_and_2000s() {
    assert_labels(&[
        // What is agreed decides: sanctions, a freeze of meetings.
        (
            "Gulf ministers agreed on Thursday to ban imports of Qatari gas and to close the border.",
            "hostile",
        ),
        (
            "The allies agreed to freeze all contacts with the junta until the elections are held.",
            "hostile",
        ),
        // An agreement to an act of peace keeps its weight, and so does one
        // to a lone "suspend", which is as often a truce's.
        (
            "Both sides agreed to end the war by the spring.",
            "conciliatory",
        ),
        (
            "The rebels agreed to suspend attacks on the capital.",
            "conciliatory",
        ),
        // Lifting a ban on imports is no ban.
        (
            "Delhi lifted its ban on Nepali ginger imports.",
            "conciliatory",
        ),
        // A heart attack is no attack; a spy plane is posture, not an
        // accusation; being very sorry is an apology.
        (
            "The envoy died of a heart attack in Hanoi, Ankara said.",
            "neutral",
        ),
        (
            "Canberra said it was very sorry for the damage its spy plane did to the fishing boat.",
            "conciliatory",
        ),
        // Paying dearly is a threat; cutting off aid is pressure.
        (
            "The aggressors will be made to pay dearly, Tehran said.",
            "hostile",
        ),
        (
            "Washington cut off tens of millions in aid to Islamabad over the tests.",
            "hostile",
        ),
        // Burying bitterness, restoring voting rights, signing a protocol
        // and giving up nuclear weapons are conciliatory; a demand that
        // another give them up is pressure.
        (
            "Visiting Dhaka, the Pakistani leader urged both nations to bury decades of bitterness.",
            "conciliatory",
        ),
        (
            "The IMF restored Sudan's voting rights on Tuesday.",
            "conciliatory",
        ),
        (
            "Baku and Ankara signed a protocol on border trade.",
            "conciliatory",
        ),
        (
            "Kazakhstan abandoned its nuclear arsenal in the 1990s.",
            "conciliatory",
        ),
        (
            "Tehran must abandon its nuclear programme, Paris said.",
            "hostile",
        ),
        // A refusal to rule out force, with a day between, is a threat.
        (
            "The minister refused on Sunday to rule out air strikes on Belgrade.",
            "hostile",
        ),
    ]);
}

#[test]
fn leaders_groups_and_bodies_of_1992_to_2014_by_date() {
    let a = |text: &str, date: &str| actors(text, Some(date));
    // Leaders during their terms, and the two Bushes told apart by date.
    assert_eq!(
        a(
            "Yeltsin told Clinton that NATO must not move east.",
            "1995-05-10"
        ),
        ["RUS", "USA", "NATO"]
    );
    assert_eq!(
        a("Bush thanked Blair and Chirac.", "2003-02-01"),
        ["USA", "GBR", "FRA"]
    );
    assert!(a("Yeltsin and Chirac met in the hall.", "2020-01-01").is_empty());
    assert_eq!(
        a(
            "Kofi Annan urged Milosevic to pull back from Kosovo.",
            "1998-10-01"
        ),
        ["UN", "YUG", "XKX"]
    );
    // A Korean name in full is the right Korea's; a surname shared by the
    // Kims is never read alone by a new row.
    assert_eq!(
        a(
            "Kim Dae-jung flew to meet Kim Jong Il in Pyongyang.",
            "2000-06-13"
        ),
        ["KOR", "PRK"]
    );
    // Armed groups and tribunals of the era.
    assert_eq!(
        a(
            "The Revolutionary United Front seized peacekeepers, the Hague tribunal noted.",
            "2000-05-10"
        ),
        ["RUF", "ICTY"]
    );
    assert_eq!(
        a(
            "The Kosovo Liberation Army ambushed a Serbian patrol.",
            "1998-07-01"
        ),
        ["KLA", "SRB"]
    );
    // Turkish Cypriots are not Turkey, and Greek Cypriots are not Greece.
    assert_eq!(
        a(
            "Greek Cypriots and Turkish Cypriots resumed talks.",
            "2004-03-01"
        ),
        ["CYP", "TRNC"]
    );
    // A region is no actor; its separatist authorities are.
    assert!(a("Fighting spread across Abkhazia.", "1993-09-20").is_empty());
    assert_eq!(
        a(
            "Abkhaz separatists shelled Georgian positions.",
            "1993-09-20"
        ),
        ["ABKHAZIA", "GEO"]
    );
    // An institution many states have, named with "of the" and its owner,
    // is that owner's: the party congress is no U.S. Congress, the party's
    // military commission no Chinese one.
    assert_eq!(
        a(
            "Kim spoke at the Congress of the Workers' Party of Korea.",
            "2012-04-11"
        ),
        ["PRK"]
    );
    assert_eq!(
        a(
            "Hu Jintao sent a wreath to the Central Military Commission of the Workers' Party of Korea.",
            "2011-12-20"
        ),
        ["CHN", "PRK"]
    );
    // A surname that is also part of a newspaper's name is left alone.
    assert!(a("The paper Jana Sata carried the story.", "2012-01-06").is_empty());
}

#[test]
fn an_opening_participles_object_is_not_the_main_clauses_source() {
    assert_roles(&[
        // The rebels are what the participle is aimed at; the minister acts.
        (
            "Vowing to crush the Taliban, the Afghan defence minister ruled out any talks.",
            "AFG",
            &["TALIBAN"],
        ),
        // The subject may come with its title and given names.
        (
            "Vowing to hunt down ISIS fighters, President Vladimir Putin ruled out any talks.",
            "RUS",
            &["ISIS"],
        ),
        // A list cut by the phrase's comma is no subject after it (the
        // article names no source; the first actor stays the source).
        (
            "Citing moves of Tokyo, Seoul and Canberra toward an alliance, the article denounced them.",
            "JPN",
            &["KOR", "AUS"],
        ),
    ]);
}

#[test]
fn a_supporter_in_an_opening_participle_is_not_the_source() {
    let text = "Backed by Moscow, Syrian troops shelled rebel-held towns in the north.";
    assert_eq!(roles(text).0.as_deref(), Some("SYR"), "{text}");
}

#[test]
fn a_trailing_speaker_may_end_with_a_span_of_time_before_background() {
    assert_roles(&[(
        "Islamabad must shut the camps or face the consequences, India's foreign minister warned on Friday, a week after the bombings.",
        "IND",
        &["PAK"],
    )]);
}

#[test]
fn a_quoted_question_before_its_speaker_is_the_speakers_challenge() {
    assert_roles(&[(
        "“Who allowed Israel to bomb a sovereign country?” the Iranian foreign minister said on Monday.",
        "IRN",
        &["ISR"],
    )]);
    // A statement in the same place reports the subject's act.
    let text = "“Israel bombed a sovereign country,” the Iranian foreign minister said on Monday.";
    assert_eq!(roles(text).0.as_deref(), Some("ISR"), "{text}");
}

#[test]
fn a_question_that_denies_the_right_to_act_is_a_challenge() {
    let full = |text: &str| scored(text, None);
    let s = |x: &str| Some(x.to_string());
    let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    // Who gave the actor its role, on what basis it acts, how it dares:
    // each questions the actor's right, and the speaker is hostile to it.
    for (text, source, target) in [
        (
            "“Who appointed Canada the guardian of the Arctic?” Danish Foreign Minister Lars Holm asked on Monday.",
            "DNK",
            "CAN",
        ),
        (
            "“On what basis can Ottawa claim islands that lie 900 kilometres from its coast?” the Danish foreign minister asked.",
            "DNK",
            "CAN",
        ),
        (
            "“How dare Ankara lecture us on democracy?” the Greek prime minister said.",
            "GRC",
            "TUR",
        ),
        (
            "Chile asked on what grounds Bolivia had closed the border crossing.",
            "CHL",
            "BOL",
        ),
    ] {
        assert_eq!(
            full(text),
            ("hostile".to_string(), s(source), v(&[target])),
            "{text}"
        );
    }
    // An open question about a basis is no challenge.
    assert_labels(&[(
        "Envoys discussed on what basis a peacekeeping force for Haiti should be formed.",
        "neutral",
    )]);
}

#[test]
fn the_agent_of_weapons_fired_by_it_is_the_actor_of_a_reported_act() {
    let source = |text: &str| roles(text).0;
    let s = |x: &str| Some(x.to_string());
    for (text, want) in [
        (
            "Missiles fired by the Houthis struck a tanker in the Red Sea, the U.S. military said.",
            "HOUTHIS",
        ),
        (
            "Drones launched by the Rapid Support Forces struck a power station in Atbara, Sudan's army said.",
            "RSF",
        ),
        // A backer stands behind the act: the speaker judges.
        (
            "Rebels backed by Rwanda attacked the town of Sake on Sunday, Kinshasa said.",
            "COD",
        ),
        // A head that is itself an act: what is said of it is the speaker's.
        (
            "Sanctions imposed by Washington are a crime against our people, the Cuban foreign minister said.",
            "CUB",
        ),
    ] {
        assert_eq!(source(text), s(want), "{text}");
    }
}

#[test]
fn a_passive_subject_may_run_on_before_its_verb_and_undergo_an_attack_in_which() {
    let none_at = |target: &str| (None, vec![target.to_string()]);
    for (text, target) in [
        // A longer noun phrase after the mention, before its "were".
        (
            "Georgian oil depots near the Black Sea coast were struck overnight.",
            "GEO",
        ),
        (
            "Former Australian Prime Minister John Howard was also accused of lying about the war.",
            "AUS",
        ),
        // "in" names the attack after a participle of harm.
        (
            "Moldovan grain silos were hit in an overnight drone attack.",
            "MDA",
        ),
    ] {
        assert_eq!(roles(text), none_at(target), "{text}");
    }
    // A verb or a clause between the mention and the passive: the mention
    // is no subject of it.
    for (text, source) in [
        (
            "Georgia said the oil depots near the coast were struck overnight.",
            "GEO",
        ),
        ("Romania does not want to be threatened by anyone.", "ROU"),
        // Moved, guided, motivated: how the subject stands, its own stance.
        (
            "Nepal was deeply moved by the solidarity of its neighbours after the earthquake.",
            "NPL",
        ),
    ] {
        assert_eq!(roles(text).0.as_deref(), Some(source), "{text}");
    }
    // Engaged in fighting is the subject's own act.
    assert_eq!(
        roles("Armenian troops were engaged in heavy fighting near the border.")
            .0
            .as_deref(),
        Some("ARM")
    );
}

#[test]
fn what_a_subject_means_is_the_speakers_warning_not_its_act() {
    assert_roles(&[
        (
            "“Latvian independence” means war, and those who play with fire will get burned, a Kremlin spokesman told a briefing on Thursday.",
            "RUS",
            &["LVA"],
        ),
        (
            "Any Latvian move against the border posts would spell disaster, Moscow warned.",
            "RUS",
            &["LVA"],
        ),
    ]);
    // A subject that acts is still the actor of the reported act.
    assert_roles(&[(
        "Latvian troops shelled the border posts, Moscow said.",
        "LVA",
        &["RUS"],
    )]);
}

#[test]
fn a_reported_deed_done_to_the_speaker_is_the_doers_however_long() {
    let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    // The tone term stands far from the subject, or in its own phrase; the
    // speaker's side undergoes the deed, so the doer is the source.
    assert_eq!(
        roles(
            "Russian troops and tanks rolled into eastern Georgia at dawn and shelled the \
             outskirts of Tbilisi, Georgian television said."
        ),
        (Some("RUS".to_string()), v(&["GEO"]))
    );
    assert_eq!(
        roles(
            "Turkish commandos backed by drones and artillery crossed into northern Iraq \
             overnight, Baghdad said."
        ),
        (Some("TUR".to_string()), v(&["IRQ"]))
    );
    // Not when the clause calls names or its subject will undergo
    // something: the speaker judges.
    for (text, want) in [
        (
            "South Korean puppets once again sent more warships near the disputed line to \
             stage a standoff with the DPRK, KCNA said.",
            "PRK",
        ),
        (
            "Any Japanese warships that sailed into DPRK waters would be destroyed at once, \
             KCNA said.",
            "PRK",
        ),
    ] {
        assert_eq!(roles(text).0, Some(want.to_string()), "{text}");
    }
}

#[test]
fn a_reported_doer_may_stand_in_an_of_phrase_after_its_parts() {
    let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        roles(
            "Ships of the Chinese coast guard rammed a Philippine supply boat near the shoal, \
             Manila said."
        ),
        (Some("CHN".to_string()), v(&["PHL"]))
    );
    assert_eq!(
        roles(
            "The delegations of Chile and Peru voiced their agreement with the position taken \
             by Bolivia, the Ecuadorian minister said."
        )
        .0,
        Some("CHL".to_string())
    );
    // An office in the "of" phrase is the speaker's own title.
    assert_eq!(
        roles(
            "The chairman of the Nigerian study group noted that Kim Jong Il built a strong \
             country."
        ),
        (Some("NGA".to_string()), v(&["PRK"]))
    );
}

#[test]
fn a_subject_that_will_be_sunk_undergoes_the_speakers_threat() {
    // "sunk" is a participle of what will be done to the subject, like
    // "crushed": the speaker threatens, the subject is the target.
    let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        roles("Any Japanese warships that sail into DPRK waters will be sunk at once, KCNA said."),
        (Some("PRK".to_string()), v(&["JPN"]))
    );
}

#[test]
fn a_passive_agent_may_come_after_phrases_of_place() {
    let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    // More than eight words between "were" and "by", all of place.
    assert_eq!(
        roles(
            "Two drones were launched at a merchant ship in the Gulf of Aden by Houthi forces, \
             the British navy said."
        )
        .0,
        Some("HOUTHIS".to_string())
    );
    assert_eq!(
        roles("Tokyo was praised at the summit for its efforts on climate by Indonesia."),
        (Some("IDN".to_string()), v(&["JPN"]))
    );
    assert_eq!(
        roles(
            "A wreath was sent to the grave of Kim Il Sung on his birthday by the Cuban \
             ambassador."
        )
        .0,
        Some("CUB".to_string())
    );
    // A later participle has its own agent: the praise has none named.
    assert_eq!(
        roles("Tokyo was praised at the summit for the efforts made on climate by Indonesia."),
        (None, v(&["JPN"]))
    );
    // A doer in a relative clause is a detail of the speaker's own
    // description: the speaker judges the line and its drawers.
    assert_eq!(
        scored(
            "The line is an illegal line which was drawn in the territorial waters of the \
             DPRK by the U.S. aggressor forces.",
            Some("PRK")
        )
        .1,
        Some("PRK".to_string())
    );
    // "by" events in a place names no doer.
    assert_ne!(
        roles("Seoul was reminded of this in a most dramatic way by the recent events in Japan.").0,
        Some("JPN".to_string())
    );
}
