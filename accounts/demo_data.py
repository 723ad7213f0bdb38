"""The demo world that ``seed_demo`` builds: organizations, and the case scenarios of each.

Everything here is fictional. Family names are made-up test words ("Testfield", "Sampleton",
"Demo-Rivera"), phone numbers are in the reserved fictional range 555-0100..0199, e-mail addresses
are at example.org and web addresses at example.com / example.net.

A few traces (``SHARED_*``) turn up in the cases of two or more organizations, so that the
cross-organization indicator matching has something to find.
"""

from __future__ import annotations

# (slug, name, sector, case prefix)
ORGANIZATIONS = [
    ("hope-house", "Hope House", "ngo", "HH"),
    ("metro-police", "Metro Police Department", "law_enforcement", "MPD"),
    ("st-lukes-clinic", "St. Luke's Clinic", "health", "SLC"),
    ("county-cws", "County Child Welfare Services", "child_welfare", "CWS"),
]

TEAM_NAME = "Outreach"

# Traces shared between organizations. The same ad is recorded with different tracking
# parameters, and the same handle with different case and "@", as they would be in real life.
SHARED_PHONE = "+1 202-555-0143"  # hope-house, metro-police
SHARED_PHONE_2 = "+1 312-555-0177"  # st-lukes-clinic, county-cws
SHARED_MESSAGING = "+1 213-555-0101"  # hope-house, metro-police, county-cws
SHARED_HANDLE = "@velvet_jobs_demo"  # hope-house, metro-police, county-cws
SHARED_AD = "https://classifieds.example.com/jobs/hostess-wanted-4471"  # hope-house, metro-police

SERVICE_CATEGORIES = ["case_summary", "identity", "contact", "needs", "general_notes"]
HEALTH_CATEGORIES = ["case_summary", "identity", "needs", "health_notes"]
CHILD_CATEGORIES = ["case_summary", "identity", "demographics", "needs", "general_notes"]
INVESTIGATION_CATEGORIES = ["case_summary", "identity", "contact", "indicators", "le_notes"]


def consent(purpose: str, categories: list[str], sectors: list[str], method: str = "written") -> dict:
    return {"purpose": purpose, "categories": categories, "scope_sectors": sectors, "method": method}


def survivor(given: str, family: str, age: int, **extra) -> dict:
    """A survivor ``age`` years old today (a date of birth is derived when seeding)."""
    return {"role": "survivor", "given_name": given, "family_name": family, "age": age, **extra}


def person(role: str, given: str, family: str, **extra) -> dict:
    return {"role": role, "given_name": given, "family_name": family, **extra}


def scenario(title: str, case_type: str, **details) -> dict:
    """One case. ``by`` is the role that opens it; a supervisor's case goes to the Outreach team."""
    base = {
        "title": title,
        "case_type": case_type,
        "priority": "medium",
        "status": "open",
        "by": "caseworker",
        "days_ago": 30,
        "closed": False,
        "persons": [],
        "notes": [],
        "needs": [],
        "indicators": [],
    }
    return {**base, **details}


SCENARIOS = {
    "hope-house": [
        scenario(
            "Hospitality worker, passport withheld by employer",
            "labor_trafficking",
            priority="high",
            days_ago=64,
            persons=[
                survivor(
                    "Ama",
                    "Testfield",
                    29,
                    gender="female",
                    languages=["en", "tw"],
                    nationality="Ghana",
                    phone="+1 202-555-0111",
                    email="ama.testfield@example.org",
                    consent=consent("services", SERVICE_CATEGORIES, ["ngo", "health"]),
                ),
                person("suspect", "Vic", "Mockridge", aliases=["V-Demo"], phone=SHARED_PHONE),
            ],
            notes=[
                ("general", "Intake at the drop-in centre. Employer holds her passport; she wants it back."),
                ("legal", "Referred to the legal clinic about recovering her documents and unpaid wages."),
            ],
            needs=[("shelter", "met", "Bed at the Hope House residence."), ("legal", "referred", "")],
            indicators=[
                ("phone_number", SHARED_PHONE, "", "Number the employer called her from."),
                (
                    "online_ad",
                    SHARED_AD + "?utm_source=demo_board&utm_medium=cpc",
                    "Classifieds",
                    "Recruiting ad.",
                ),
            ],
        ),
        scenario(
            "Teen recruited through social media",
            "sex_trafficking",
            priority="imminent",
            by="supervisor",
            days_ago=21,
            persons=[
                survivor(
                    "Luz",
                    "Sampleton",
                    16,
                    gender="female",
                    languages=["es", "en"],
                    consent=consent("child_protection", CHILD_CATEGORIES, ["child_welfare"], "guardian"),
                ),
                person("guardian", "Rosa", "Sampleton", phone="+1 202-555-0112", email="rosa.s@example.org"),
                person("suspect", "Jax", "Demo-Vance", aliases=["velvet"]),
            ],
            notes=[
                ("general", "Mother called the hotline; daughter met a 'modelling agent' online."),
                ("restricted", "Disclosed an address where she was taken; not to leave Hope House."),
                ("health", "Needs a confidential health check; clinic appointment offered."),
            ],
            needs=[("mental_health", "referred", "Youth counsellor."), ("education", "identified", "")],
            indicators=[
                ("social_handle", SHARED_HANDLE.upper(), "PhotoGram", "Account that messaged her."),
                ("messaging_app", SHARED_MESSAGING, "ChatApp", ""),
            ],
        ),
        scenario(
            "Domestic worker, unpaid wages",
            "labor_trafficking",
            days_ago=120,
            persons=[
                survivor(
                    "Dara",
                    "Demo-Rivera",
                    41,
                    gender="female",
                    languages=["tl", "en"],
                    consent=consent("services", SERVICE_CATEGORIES, ["ngo"], "verbal"),
                ),
                person("suspect", "Clem", "Exampleson", phone="+1 202-555-0114"),
            ],
            notes=[("general", "Worked two years without wages; employer threatened to report her.")],
            needs=[
                ("legal", "identified", "Wage claim."),
                ("family_tracing", "identified", "Sister abroad."),
            ],
            indicators=[("email", "hiring.desk@example.net", "", "Address on the job offer.")],
        ),
        scenario(
            "Runaway youth at risk of exploitation",
            "at_risk",
            status="intake",
            days_ago=5,
            persons=[
                survivor("Noor", "Testwood", 15, languages=["ar", "en"]),
                person("guardian", "Sami", "Testwood", phone="+1 202-555-0115"),
            ],
            notes=[("general", "Came in with a friend; sleeping at different addresses for two weeks.")],
            needs=[("shelter", "identified", "Youth emergency bed.")],
        ),
        scenario(
            "Nail salon workers, debt bondage",
            "labor_trafficking",
            priority="high",
            by="supervisor",
            days_ago=45,
            persons=[
                survivor(
                    "Mai",
                    "Placeholm",
                    24,
                    languages=["vi"],
                    consent=consent("services", SERVICE_CATEGORIES, ["ngo"]),
                ),
                survivor("Linh", "Placeholm", 27, languages=["vi"]),
                person("suspect", "Boris", "Fictionby", phone="+1 202-555-0116"),
            ],
            notes=[
                ("general", "Two co-workers owe a 'recruitment fee' that keeps growing."),
                ("legal", "Eligible to apply for immigration relief; paralegal booked."),
            ],
            needs=[("legal", "referred", ""), ("shelter", "identified", "")],
            indicators=[("payment_account", "DEMO-PAY-000471", "PayDemo", "Account the 'fees' go to.")],
        ),
        scenario(
            "Survivor transitioning to independent housing",
            "sex_trafficking",
            priority="low",
            days_ago=300,
            closed=True,
            persons=[
                survivor(
                    "Ines",
                    "Mockingway",
                    33,
                    gender="female",
                    consent=consent("safety_planning", SERVICE_CATEGORIES, ["ngo", "law_enforcement"]),
                ),
            ],
            notes=[("general", "Moved into her own flat; case closed with her agreement.")],
            needs=[("shelter", "met", "Tenancy signed."), ("mental_health", "met", "")],
        ),
        scenario(
            "Escort ad, controller on messaging app",
            "sex_trafficking",
            priority="high",
            days_ago=12,
            persons=[
                survivor("Yara", "Sample-Haddad", 22, gender="female", phone="+1 202-555-0117"),
                person("suspect", "Nico", "Demo-Strand", phone=SHARED_MESSAGING),
            ],
            notes=[("law_enforcement", "She is willing to talk to Metro PD if an advocate is present.")],
            needs=[("medical", "identified", "")],
            indicators=[
                (
                    "online_ad",
                    "https://listings.example.net/city/companions/88213?utm_campaign=x&ref=7",
                    "",
                    "",
                ),
                ("messaging_app", SHARED_MESSAGING, "ChatApp", "Controller's account."),
            ],
        ),
        scenario(
            "Farm crew housed on site",
            "labor_trafficking",
            status="intake",
            days_ago=2,
            persons=[
                person("witness", "Teo", "Testfield", languages=["es"]),
                person("suspect", "Hal", "Specimen", phone="+1 202-555-0118"),
            ],
            notes=[("general", "A delivery driver reported workers who are never allowed off the farm.")],
        ),
    ],
    "metro-police": [
        scenario(
            "Hotel operation linked to online ads",
            "sex_trafficking",
            priority="imminent",
            by="supervisor",
            days_ago=18,
            persons=[
                survivor("Bea", "Exampleton", 20, gender="female"),
                person("suspect", "Vic", "Mockridge", aliases=["V-Demo"], phone=SHARED_PHONE),
            ],
            notes=[
                ("law_enforcement", "Undercover contact arranged through the ad; two rooms booked."),
                ("legal", "Warrant for phone records requested."),
            ],
            indicators=[
                ("phone_number", SHARED_PHONE, "", "Number in the ad."),
                ("online_ad", SHARED_AD + "?utm_source=tipline&fbclid=DEMO123", "Classifieds", ""),
            ],
        ),
        scenario(
            "Massage parlour inspection",
            "labor_trafficking",
            priority="high",
            days_ago=40,
            persons=[
                survivor(
                    "Jae",
                    "Demo-Park",
                    31,
                    languages=["ko"],
                    consent=consent("investigation", INVESTIGATION_CATEGORIES, ["law_enforcement"]),
                ),
                person("suspect", "Ivo", "Mockridge", phone="+1 312-555-0121"),
            ],
            notes=[("law_enforcement", "Workers sleep on the premises; owner keeps their IDs in a safe.")],
            needs=[("shelter", "referred", "Referred to Hope House.")],
        ),
        scenario(
            "Missing minor located",
            "sex_trafficking",
            priority="imminent",
            days_ago=9,
            persons=[
                survivor(
                    "Zuri",
                    "Testfield",
                    17,
                    gender="female",
                    consent=consent("child_protection", CHILD_CATEGORIES, ["child_welfare", "health"], "guardian"),
                ),
                person("guardian", "Kofi", "Testfield", phone="+1 312-555-0122"),
            ],
            notes=[
                ("law_enforcement", "Located after a welfare check; interviewed with a CWS worker present."),
                ("restricted", "Identity of the informant; stays in this file."),
            ],
            needs=[("medical", "referred", "St. Luke's Clinic.")],
            indicators=[("social_handle", SHARED_HANDLE.lstrip("@"), "PhotoGram", "Messaged her before she left.")],
        ),
        scenario(
            "Construction site labor complaint",
            "labor_trafficking",
            days_ago=75,
            persons=[
                survivor("Rui", "Sampleton", 38, languages=["pt"]),
                person("suspect", "Olaf", "Demo-Brandt", phone="+1 312-555-0123"),
            ],
            notes=[("general", "Complaint forwarded by the labor inspectorate.")],
            indicators=[("device_id", "DEMO-IMEI-0000000001", "", "Phone seized at the site.")],
        ),
        scenario(
            "Tip line report, no victim identified yet",
            "at_risk",
            status="intake",
            days_ago=3,
            notes=[("law_enforcement", "Anonymous caller describes a van collecting workers at 4 a.m.")],
            indicators=[("phone_number", "+1 312-555-0124", "", "Number painted on the van.")],
        ),
        scenario(
            "Phone extraction, trafficking ring contacts",
            "sex_trafficking",
            priority="high",
            by="supervisor",
            days_ago=27,
            persons=[person("suspect", "Nico", "Demo-Strand", phone=SHARED_MESSAGING)],
            notes=[("law_enforcement", "Extraction lists several recruiting accounts; shared with the team.")],
            indicators=[
                ("messaging_app", SHARED_MESSAGING, "ChatApp", ""),
                ("social_handle", "@Velvet_Jobs_Demo ", "PhotoGram", ""),
            ],
        ),
        scenario(
            "Forced criminality at cannabis grow",
            "labor_trafficking",
            days_ago=55,
            persons=[
                survivor(
                    "Pim",
                    "Mockwell",
                    19,
                    languages=["th"],
                    consent=consent("services", SERVICE_CATEGORIES, ["ngo"], "verbal"),
                ),
            ],
            notes=[
                ("legal", "Victim status raised with the prosecutor; charges against him paused."),
                ("health", "Treated for chemical burns on arrest."),
            ],
            needs=[("legal", "referred", ""), ("medical", "met", "")],
        ),
        scenario(
            "Closed: referred for prosecution",
            "sex_trafficking",
            priority="low",
            days_ago=400,
            closed=True,
            persons=[
                survivor("Alma", "Testwood", 26),
                person("suspect", "Rex", "Fictionby", phone="+1 312-555-0125"),
            ],
            notes=[("law_enforcement", "File handed to the prosecutor's office.")],
        ),
    ],
    "st-lukes-clinic": [
        scenario(
            "Emergency visit with signs of exploitation",
            "sex_trafficking",
            priority="high",
            days_ago=14,
            persons=[
                survivor(
                    "Lena",
                    "Demo-Okafor",
                    23,
                    gender="female",
                    consent=consent("health_care", HEALTH_CATEGORIES, ["health", "ngo"]),
                ),
                person("other", "Max", "Exampleson", aliases=["'cousin'"]),
            ],
            notes=[
                ("health", "Presented with untreated injuries; companion answered every question for her."),
                ("general", "Spoke alone with the social worker; accepted the Hope House number."),
            ],
            needs=[("medical", "met", ""), ("shelter", "referred", "Hope House.")],
        ),
        scenario(
            "Prenatal patient with controlling companion",
            "sex_trafficking",
            priority="high",
            by="supervisor",
            days_ago=33,
            persons=[
                survivor("Mira", "Sampleton", 21, gender="female", phone="+1 415-555-0131"),
                person("suspect", "Dex", "Mockridge", phone=SHARED_PHONE_2),
            ],
            notes=[("health", "Missed two appointments; companion keeps her phone.")],
            needs=[("medical", "referred", "Prenatal care.")],
            indicators=[("phone_number", SHARED_PHONE_2, "", "Companion's number given at registration.")],
        ),
        scenario(
            "Minor presenting at sexual health service",
            "sex_trafficking",
            priority="imminent",
            days_ago=6,
            persons=[
                survivor(
                    "Hana",
                    "Testfield",
                    15,
                    gender="female",
                    consent=consent("health_care", HEALTH_CATEGORIES, ["health"], "guardian"),
                ),
                person("guardian", "Omar", "Testfield", phone="+1 415-555-0132"),
            ],
            notes=[
                ("health", "Treated; follow-up in two weeks."),
                ("restricted", "Disclosures made in confidence; discuss with the safeguarding lead only."),
            ],
            needs=[("medical", "met", ""), ("mental_health", "referred", "")],
        ),
        scenario(
            "Farmworker injury, employer paid cash for silence",
            "labor_trafficking",
            days_ago=50,
            persons=[survivor("Kai", "Placeholm", 34, languages=["es"])],
            notes=[("health", "Hand injury from machinery; no protective equipment provided.")],
            needs=[("medical", "met", ""), ("legal", "identified", "")],
        ),
        scenario(
            "Mental health referral after rescue",
            "sex_trafficking",
            priority="low",
            days_ago=90,
            persons=[
                survivor(
                    "Ola",
                    "Demo-Nguyen",
                    28,
                    consent=consent("health_care", HEALTH_CATEGORIES, ["health", "ngo"], "verbal"),
                ),
            ],
            notes=[("health", "Weekly sessions; sleep improving.")],
            needs=[("mental_health", "referred", "")],
        ),
        scenario(
            "Substance use with suspected controller",
            "at_risk",
            status="intake",
            days_ago=4,
            persons=[
                survivor("Ivo", "Sampleton", 30),
                person("suspect", "Gil", "Specimen", phone="+1 415-555-0133"),
            ],
            notes=[("health", "Supplied with substances by the person who 'manages' his work.")],
            needs=[("substance_use", "identified", "")],
            indicators=[("messaging_app", "gil.demo.boss", "ChatApp", "")],
        ),
        scenario(
            "Teen patient with recruiter contact",
            "at_risk",
            by="supervisor",
            days_ago=16,
            persons=[survivor("Dara", "Mockwell", 16), person("guardian", "Luz", "Mockwell")],
            notes=[("general", "Showed staff messages from a recruiter offering 'travel work'.")],
            indicators=[("social_handle", "@travel.work.demo", "PhotoGram", "")],
        ),
        scenario(
            "Closed: follow-up completed",
            "labor_trafficking",
            priority="low",
            days_ago=200,
            closed=True,
            persons=[survivor("Tomas", "Demo-Rivera", 45, languages=["es"])],
            notes=[("health", "All treatment completed.")],
            needs=[("medical", "met", "")],
        ),
    ],
    "county-cws": [
        scenario(
            "Foster youth with repeated missing episodes",
            "sex_trafficking",
            priority="imminent",
            by="supervisor",
            days_ago=25,
            persons=[
                survivor(
                    "Niko",
                    "Testwood",
                    16,
                    consent=consent("child_protection", CHILD_CATEGORIES, ["law_enforcement", "ngo"], "guardian"),
                ),
                person("guardian", "Bea", "Exampleton", email="foster.carer@example.org"),
            ],
            notes=[
                ("general", "Third missing episode this term; returns with new clothes and a phone."),
                ("law_enforcement", "Missing-person reports shared with Metro PD."),
            ],
            needs=[("education", "identified", ""), ("mental_health", "referred", "")],
            indicators=[
                ("social_handle", SHARED_HANDLE, "PhotoGram", "Contacts him before each episode."),
                ("messaging_app", SHARED_MESSAGING, "ChatApp", ""),
            ],
        ),
        scenario(
            "Sibling group at risk",
            "at_risk",
            days_ago=60,
            persons=[
                survivor("Ama", "Sampleton", 14),
                survivor("Teo", "Sampleton", 15),
                person("family", "Rui", "Sampleton"),
            ],
            notes=[("general", "Older relative brings 'guests' to the flat; children miss school.")],
            needs=[("shelter", "referred", "Kinship placement."), ("education", "identified", "")],
        ),
        scenario(
            "Minor selling goods door to door",
            "labor_trafficking",
            days_ago=35,
            persons=[
                survivor(
                    "Sami",
                    "Demo-Park",
                    14,
                    consent=consent("services", SERVICE_CATEGORIES, ["ngo"], "guardian"),
                ),
                person("guardian", "Jae", "Demo-Park", phone="+1 617-555-0141"),
                person("suspect", "Hal", "Exampleson", phone="+1 617-555-0142"),
            ],
            notes=[("legal", "Court order for emergency protection granted.")],
            needs=[("family_tracing", "identified", "")],
        ),
        scenario(
            "Online grooming reported by school",
            "sex_trafficking",
            priority="high",
            days_ago=10,
            persons=[survivor("Yara", "Testfield", 15), person("guardian", "Noor", "Testfield")],
            notes=[("general", "School counsellor saw messages offering money for photos.")],
            indicators=[("messaging_app", SHARED_MESSAGING, "ChatApp", "Account that contacted her.")],
        ),
        scenario(
            "Minor found in hotel during police operation",
            "sex_trafficking",
            priority="imminent",
            by="supervisor",
            days_ago=7,
            persons=[
                survivor(
                    "Luz",
                    "Demo-Okafor",
                    17,
                    consent=consent("health_care", HEALTH_CATEGORIES, ["health"], "guardian"),
                ),
                person("guardian", "Lena", "Demo-Okafor", phone="+1 617-555-0143"),
                person("suspect", "Dex", "Mockridge", phone=SHARED_PHONE_2),
            ],
            notes=[
                ("health", "Medical examination at St. Luke's arranged."),
                ("restricted", "Placement address; never shared."),
            ],
            needs=[("shelter", "met", "Emergency foster placement."), ("medical", "referred", "")],
            indicators=[("phone_number", SHARED_PHONE_2, "", "Number on the hotel booking.")],
        ),
        scenario(
            "Youth aging out of care, job offer abroad",
            "at_risk",
            priority="low",
            days_ago=80,
            persons=[
                survivor(
                    "Kai",
                    "Mockingway",
                    18,
                    consent=consent("safety_planning", SERVICE_CATEGORIES, ["ngo"], "written"),
                ),
            ],
            indicators=[("online_ad", "https://work-abroad.example.com/offer?id=55&utm_medium=social", "", "")],
            notes=[("general", "Offered a 'hotel job' abroad with travel paid; safety plan made together.")],
        ),
        scenario(
            "Relative caregiver suspected of exploitation",
            "labor_trafficking",
            status="intake",
            days_ago=3,
            persons=[
                survivor("Mira", "Placeholm", 16),
                person("suspect", "Olaf", "Placeholm", phone="+1 617-555-0144"),
            ],
            notes=[("general", "Neighbour reports the girl works nights in the family's restaurant.")],
        ),
        scenario(
            "Closed: reunified with family",
            "at_risk",
            priority="low",
            days_ago=250,
            closed=True,
            persons=[survivor("Pim", "Demo-Nguyen", 17), person("guardian", "Ola", "Demo-Nguyen")],
            notes=[("general", "Returned home with a support plan; case closed.")],
            needs=[("family_tracing", "met", "")],
        ),
    ],
}
