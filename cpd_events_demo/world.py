"""The living platform around the plan: other organizers and their events (each with its
registration policy), the weekly series around Event B, the organisations people work at, and the
rhythms of their activity. Pure data (no Django); the scenario's steps (`cpd_events_demo/scenario/`)
draw from it with the scenario's one seeded random generator. Counts here are at scale 1.
"""

from dataclasses import dataclass, replace

from cpd_events_demo.plan import WEBINAR, EventSpec, RegistrationPolicy, SessionSpec

# Organisations people work at, with reserved (never deliverable) email domains.
ORGANISATIONS: tuple[tuple[str, str], ...] = (
    ("St. Mary's Hospital", "stmaryshospital.example"),
    ("Northwind Health", "northwindhealth.example"),
    ("Riverside Medical Center", "riversidemedical.example"),
    ("Lakeside Nursing Network", "lakesidenursing.example"),
    ("Summit Pharmacy Education", "summitpharmacy.example"),
    ("Coastal Emergency Physicians", "coastalem.example"),
    ("Harbor Family Practice", "harborfamily.example"),
    ("Prairie Physio Collective", "prairiephysio.example"),
    ("Metro Midwifery Forum", "metromidwifery.example"),
    ("Valley Hospice Educators", "valleyhospice.example"),
    ("Bayview Radiology Group", "bayviewradiology.example"),
    ("Greenfield Community Clinic", "greenfieldclinic.example"),
    ("Oakridge Children's Hospital", "oakridgechildrens.example"),
    ("Mercy Regional Health", "mercyregional.example"),
    ("Westside Dental Partners", "westsidedental.example"),
    ("Cedar Valley University Hospital", "cedarvalleyuh.example"),
)
# A few people sign up with a personal address instead.
PERSONAL_DOMAINS = ("example.com", "example.net", "example.org")
PERSONAL_SHARE = 0.12

# Where learners live (their profile's timezone), weighted: the platform is US-based.
LEARNER_TIMEZONES: tuple[tuple[str, int], ...] = (
    ("America/New_York", 38), ("America/Chicago", 24), ("America/Denver", 10), ("America/Los_Angeles", 18),
    ("Europe/London", 4), ("Europe/Dublin", 2), ("America/Toronto", 4),
)
# Name locales, weighted: a US workforce with many backgrounds.
NAME_LOCALES: tuple[tuple[str, int], ...] = (("en_US", 70), ("es_MX", 10), ("en_IN", 8), ("en_GB", 6), ("fr_FR", 3),
                                             ("de_DE", 3))
# Surnames as people spell them: Faker's lists title-case them ("Mcdonald", "Oconnell").
# Any "Mc" name takes a capital after the prefix; these take an apostrophe or a second capital.
SURNAME_SPELLINGS: dict[str, str] = {
    "Obrien": "O'Brien", "Oconnor": "O'Connor", "Oconnell": "O'Connell", "Oneill": "O'Neill", "Oneal": "O'Neal",
    "Odonnell": "O'Donnell", "Osullivan": "O'Sullivan", "Okeefe": "O'Keefe", "Orourke": "O'Rourke",
    "Oshea": "O'Shea", "Ohara": "O'Hara", "Oleary": "O'Leary", "Oreilly": "O'Reilly", "Otoole": "O'Toole",
    "Omalley": "O'Malley", "Mackenzie": "MacKenzie", "Macleod": "MacLeod", "Macdougall": "MacDougall",
}
# Draws of a name before one already given out is taken again (only when the pool runs dry, at large scales).
NAME_DRAWS = 12
JOBS = ("Registered Nurse", "Nurse Practitioner", "Family Physician", "Clinical Pharmacist", "Physical Therapist",
        "Physician Assistant", "Paramedic", "Midwife", "Occupational Therapist", "Respiratory Therapist",
        "Clinical Nurse Educator", "Hospitalist", "Pediatrician", "Radiographer", "Dental Hygienist",
        "Emergency Physician", "Charge Nurse", "Medical Resident", "Dietitian", "Speech-Language Pathologist")

# Hours of the day people act at (registrations, logins, feedback, quiz attempts, submissions):
# weights per local hour, 0..23. Mostly working hours and evenings, a little at night.
HOUR_WEIGHTS: tuple[int, ...] = (1, 0, 0, 0, 0, 1, 2, 5, 8, 10, 10, 9, 9, 10, 10, 9, 8, 8, 9, 10, 10, 8, 5, 2)
# Local hours the scenario never places a dated row at, in the platform timezone: the DST change
# happens at 02:00, and a wall-clock time inside it would not survive a rebase exactly.
QUIET_HOURS = range(1, 4)


@dataclass(frozen=True)
class Organizer:
    key: str
    organisation: str
    plan: str
    status: str          # the subscription's
    months: int          # how long they have subscribed
    headline: str
    timezone: str
    stripe: bool = True
    zoom: bool = False
    own_certificate: str = ""


ORGANIZERS: tuple[Organizer, ...] = (
    Organizer("lakeside", "Lakeside Nursing Network", "organizer", "active", 8, "Education Lead",
              "America/Chicago"),
    Organizer("summit", "Summit Pharmacy Education", "lms", "active", 11, "Continuing Education Manager",
              "America/Denver", zoom=True),
    Organizer("coastal", "Coastal Emergency Physicians", "pro", "active", 14, "CME Program Director",
              "America/Los_Angeles", zoom=True, own_certificate="Coastal Summit Certificate"),
    Organizer("harbor", "Harbor Family Practice", "organizer", "active", 3, "Practice Manager", "America/New_York"),
    Organizer("prairie", "Prairie Physio Collective", "lms", "trialing", 0, "Clinical Lead", "America/Chicago",
              stripe=False),
    Organizer("metro", "Metro Midwifery Forum", "organizer", "canceled", 5, "Forum Coordinator", "America/New_York"),
    Organizer("valley", "Valley Hospice Educators", "lms", "active", 6, "Education Coordinator",
              "America/Los_Angeles"),
    Organizer("bayview", "Bayview Radiology Group", "pro", "active", 4, "Director of Education", "America/New_York",
              zoom=True),
)
CANCELED_MONTHS_AGO = 2
# Who speaks for each organizer at its events (and the basic persona's): a title as programs print
# it, and the role that fits the organisation.
ORGANIZER_SPEAKERS: dict[str, tuple[str, str]] = {
    "lakeside": ("", "Clinical Nurse Educator"), "summit": ("Dr.", "Clinical Pharmacist"),
    "coastal": ("Dr.", "Emergency Physician"), "harbor": ("Dr.", "Family Physician"),
    "prairie": ("", "Physical Therapist"), "metro": ("", "Certified Nurse-Midwife"),
    "valley": ("Dr.", "Palliative Care Physician"), "bayview": ("Dr.", "Radiologist"),
    "basic": ("", "Community Health Worker"),
}

# Of generated registrations for an ordinary event, the share cancelled since (refunded where paid).
CANCELLED = 0.06
# An event still taking registrations has taken them for three weeks at least (the ramp shows).
OPEN_AT_LEAST_DAYS = 21

# Their events, and one more of the basic organizer's: past and upcoming, in US timezones only
# (they share the platform's DST rules, so rows that hang off an event move exactly with it).
BACKGROUND_EVENTS: tuple[EventSpec, ...] = (
    EventSpec("wound-care", "Wound Care Essentials Workshop", "lakeside", "conference", "in_person", "completed",
              week=-3, weekday=1, start="09:00", days=1, end="12:30", timezone="America/Chicago", price_cents=4500,
              capacity=40, cpd_credits=3, certificates=True, venue="Lakeside Conference Center, Room B, Evanston, IL",
              zoom=False, description="Hands-on assessment and dressing selection for chronic wounds.",
              sessions=(SessionSpec("Assessment and Staging", "live", "Room B", 0, "09:00", 90),
                        SessionSpec("Dressings Lab", "live", "Room B", 0, "11:00", 90)),
              registrations=RegistrationPolicy(count=25, cancelled=CANCELLED, opens_days=63)),
    EventSpec("triage", "Pediatric Triage Refresher", "lakeside", "webinar", "online", "published", week=2,
              weekday=2, start="13:00", days=1, end="14:00", timezone="America/Chicago", price_cents=0, capacity=300,
              cpd_credits=1, certificates=True, venue="", zoom=False,
              description="Recognizing the sick child: a one-hour refresher for triage nurses.",
              sessions=(SessionSpec("Pediatric Triage Refresher", "live", "", 0, "13:00", 60),),
              registrations=RegistrationPolicy(count=15, cancelled=CANCELLED)),
    EventSpec("stewardship", "Antimicrobial Stewardship Masterclass", "summit", "webinar", "online", "completed",
              week=-2, weekday=1, start="11:00", days=1, end="12:30", timezone="America/Denver", price_cents=2500,
              capacity=250, cpd_credits=1, certificates=True, venue="", zoom=True,
              description="Choosing, dosing and stopping antibiotics well.",
              sessions=(SessionSpec("Antimicrobial Stewardship Masterclass", "live", "", 0, "11:00", 90),),
              registrations=RegistrationPolicy(count=25, cancelled=CANCELLED)),
    EventSpec("diabetes", "Diabetes Care Update", "summit", "webinar", "online", "published", week=3, weekday=1,
              start="11:00", days=1, end="12:00", timezone="America/Denver", price_cents=0, capacity=400,
              cpd_credits=1, certificates=True, venue="", zoom=True,
              description="New agents, new targets: what changed this year.",
              sessions=(SessionSpec("Diabetes Care Update", "live", "", 0, "11:00", 60),),
              registrations=RegistrationPolicy(count=15, cancelled=CANCELLED)),
    EventSpec("mhfa", "Mental Health First Aid Training", "coastal", "conference", "in_person", "completed",
              week=-5, weekday=4, start="09:00", days=1, end="16:00", timezone="America/Los_Angeles",
              price_cents=15000, capacity=30, cpd_credits=6, certificates=True,
              venue="Coastal Training Rooms, 220 Harbor Blvd, Santa Barbara, CA", zoom=False,
              description="A full-day certified course for emergency staff.",
              sessions=(SessionSpec("Recognizing a Crisis", "live", "Training Room 1", 0, "09:00", 180),
                        SessionSpec("De-escalation Practice", "live", "Training Room 1", 0, "13:00", 180)),
              registrations=RegistrationPolicy(count=25, cancelled=CANCELLED, opens_days=63)),
    EventSpec("em-summit", "Coastal Emergency Medicine Summit", "coastal", "conference", "hybrid", "published",
              week=9, weekday=3, start="08:00", days=2, end="13:00", timezone="America/Los_Angeles",
              price_cents=34900, capacity=150, cpd_credits=12, certificates=True,
              venue="Pacific Harbor Hotel, 1 Harbor Way, San Diego, CA", zoom=True,
              description="Two days on resuscitation, toxicology and ED operations.",
              sessions=(SessionSpec("Opening Keynote: The Next Decade of Emergency Care", "live", "Grand Ballroom", 0,
                                    "08:30", 60),
                        SessionSpec("Resuscitation Science", "live", "Grand Ballroom", 0, "10:00", 90),
                        SessionSpec("Toxicology Cases", "live", "Salon A", 0, "13:30", 90),
                        SessionSpec("ED Throughput Workshop", "live", "Salon B", 0, "15:30", 90),
                        SessionSpec("Pediatric Emergencies", "live", "Grand Ballroom", 1, "08:30", 90),
                        SessionSpec("Closing Panel", "live", "Grand Ballroom", 1, "11:00", 90)),
              registrations=RegistrationPolicy(count=40, cancelled=CANCELLED, opens_days=63)),
    EventSpec("social", "Riverside Care Workers Social", "basic", "meetup", "in_person", "completed", week=-4,
              weekday=2, start="18:00", days=1, end="20:00", timezone="America/Chicago", price_cents=0, capacity=40,
              cpd_credits=0, certificates=False, venue="The Commons Café, 1615 W Belmont Ave, Chicago", zoom=False,
              description="Monthly social for local care workers.",
              sessions=(SessionSpec("Social Evening", "live", "Back Room", 0, "18:00", 120),),
              registrations=RegistrationPolicy(count=25, cancelled=CANCELLED)),
    # The platform's past: months of events behind now, as long as their organizers have been paying
    # (the pro's go back to her second billing month; the canceled forum's to before it left).
    EventSpec("opioids", "Opioid Safety and Naloxone Update", "summit", "webinar", "online", "completed", week=-8,
              weekday=1, start="11:00", days=1, end="12:00", timezone="America/Denver", price_cents=0, capacity=400,
              cpd_credits=1, certificates=True, venue="", zoom=True,
              description="Dispensing naloxone, counseling patients and spotting risky combinations.",
              sessions=(SessionSpec("Opioid Safety and Naloxone Update", "live", "", 0, "11:00", 60),),
              registrations=RegistrationPolicy(count=35, cancelled=CANCELLED)),
    EventSpec("quiz-night", "Riverside Care Workers Quiz Night", "basic", "meetup", "in_person", "completed",
              week=-9, weekday=2, start="18:30", days=1, end="20:30", timezone="America/Chicago", price_cents=0,
              capacity=40, cpd_credits=0, certificates=False, venue="The Commons Café, 1615 W Belmont Ave, Chicago",
              zoom=False, description="Teams of four, health trivia and pizza. Free.",
              sessions=(SessionSpec("Quiz Night", "live", "Back Room", 0, "18:30", 120),),
              registrations=RegistrationPolicy(count=18, cancelled=CANCELLED)),
    EventSpec("ed-imaging", "Imaging Appropriateness in the ED", "bayview", "webinar", "online", "completed",
              week=-10, weekday=2, start="12:00", days=1, end="13:00", timezone="America/New_York", price_cents=0,
              capacity=300, cpd_credits=1, certificates=True, venue="", zoom=True,
              description="When a CT helps, when it doesn't, and how to order with the criteria in mind.",
              sessions=(SessionSpec("Imaging Appropriateness in the ED", "live", "", 0, "12:00", 60),),
              registrations=RegistrationPolicy(count=40, cancelled=CANCELLED)),
    EventSpec("pharmacology", "Primary Care Pharmacology Review", "pro", "webinar", "online", "completed", week=-12,
              weekday=1, start="12:00", days=1, end="13:30", timezone="America/New_York", price_cents=0,
              capacity=500, cpd_credits=1, certificates=True, venue="", zoom=True,
              description="Interactions, deprescribing and what changed in the guidelines this year.",
              sessions=(SessionSpec("Primary Care Pharmacology Review", "live", "", 0, "12:00", 90, ("pro",)),),
              registrations=RegistrationPolicy(count=45, cancelled=CANCELLED)),
    EventSpec("airway", "Airway Management Skills Lab", "coastal", "conference", "in_person", "completed", week=-13,
              weekday=4, start="08:00", days=1, end="12:00", timezone="America/Los_Angeles", price_cents=19500,
              capacity=24, cpd_credits=4, certificates=True,
              venue="Coastal Training Rooms, 220 Harbor Blvd, Santa Barbara, CA", zoom=False,
              description="Hands-on airway skills on task trainers, in groups of six.",
              sessions=(SessionSpec("Difficult Airway Algorithms", "live", "Training Room 1", 0, "08:00", 105),
                        SessionSpec("Skills Stations", "live", "Training Room 2", 0, "10:15", 105)),
              registrations=RegistrationPolicy(count=20, cancelled=CANCELLED, opens_days=63)),
    EventSpec("patient-handling", "Safe Patient Handling Workshop", "lakeside", "conference", "in_person",
              "completed", week=-15, weekday=3, start="09:00", days=1, end="12:00", timezone="America/Chicago",
              price_cents=3500, capacity=30, cpd_credits=3, certificates=True,
              venue="Lakeside Conference Center, Room B, Evanston, IL", zoom=False,
              description="Lifts, transfers and equipment, practiced safely.",
              sessions=(SessionSpec("Safe Patient Handling Workshop", "live", "Room B", 0, "09:00", 180),),
              registrations=RegistrationPolicy(count=22, cancelled=CANCELLED, opens_days=42)),
    EventSpec("immunization", "Immunization Update for Pharmacists", "summit", "webinar", "online", "completed",
              week=-17, weekday=1, start="11:00", days=1, end="12:30", timezone="America/Denver", price_cents=2500,
              capacity=250, cpd_credits=1, certificates=True, venue="", zoom=True,
              description="This season's schedules, co-administration and documentation.",
              sessions=(SessionSpec("Immunization Update for Pharmacists", "live", "", 0, "11:00", 90),),
              registrations=RegistrationPolicy(count=30, cancelled=CANCELLED)),
    EventSpec("pph-drills", "Postpartum Hemorrhage Drills", "metro", "conference", "in_person", "completed", week=-18,
              weekday=2, start="09:00", days=1, end="12:30", timezone="America/New_York", price_cents=0, capacity=24,
              cpd_credits=3, certificates=True, venue="Metro Birth Center, Classroom 2, 48 Grand Street, Brooklyn, NY",
              zoom=False, description="Simulation drills for the first hour after birth.",
              sessions=(SessionSpec("Recognition and First Response", "live", "Classroom 2", 0, "09:00", 90),
                        SessionSpec("Simulation Drills", "live", "Classroom 2", 0, "10:45", 105)),
              registrations=RegistrationPolicy(count=18, cancelled=CANCELLED, opens_days=42)),
    EventSpec("digital-health", "Digital Health in Clinical Practice", "pro", "conference", "hybrid", "completed",
              week=-20, weekday=3, start="09:00", days=1, end="16:30", timezone="America/New_York", price_cents=14900,
              capacity=120, cpd_credits=6, certificates=True,
              venue="Boston Marriott Copley Place, 110 Huntington Ave, Boston, MA", zoom=True,
              description="Telehealth, remote monitoring and clinical apps that earn their place in practice.",
              sessions=(SessionSpec("Opening Keynote: Telehealth That Lasts", "live", "Salon E", 0, "09:00", 60,
                                    ("pro",)),
                        SessionSpec("Remote Monitoring in Chronic Care", "live", "Salon E", 0, "10:30", 90, ("bayview",)),
                        SessionSpec("Workshop: Choosing Clinical Apps", "live", "Salon F", 0, "13:00", 90, ("summit",)),
                        SessionSpec("Panel: Data, Privacy and Trust", "live", "Salon E", 0, "15:00", 90,
                                    ("pro", "coastal"))),
              registrations=RegistrationPolicy(count=90, cancelled=CANCELLED, opens_days=63)),
)


def _episode(key: str, topic: str, week: int, status: str, registrations: int) -> EventSpec:
    return replace(WEBINAR, key=key, title=topic, week=week, status=status, description=f"This week: {topic.lower()}.",
                   sessions=tuple(replace(s, title=topic) for s in WEBINAR.sessions),
                   registrations=RegistrationPolicy(count=registrations, cancelled=CANCELLED), zoom_log=False)


# The earlier and next episodes of the pro's weekly series around Event B, titled by their topic
# (so "Weekly Health Webinar" names one event).
SERIES: tuple[EventSpec, ...] = (
    *(_episode(f"series-{n}", topic, -n, "completed", 18) for n, topic in enumerate(
        ("Sleep Medicine Update", "Vaccines in Adult Practice", "Chronic Pain Without Opioids",
         "Heart Failure in Primary Care", "Antibiotic Stewardship Basics"), start=2)),
    _episode("next-0", "Asthma Action Plans", 0, "published", 10),
    _episode("next-1", "Screening for Depression in Primary Care", 1, "published", 4),
)

LEARNERS = 150
COURSE_LEARNERS = {"ethics": 30, "surgery": 10, "surgery_submissions": 3}

# Feedback in many voices: a verdict, often a detail (what made it so, online or in the room), sometimes
# a last word; some people leave a rating alone. Each part reads like its rating: a 2 never praises.
FEEDBACK_VERDICTS: dict[int, tuple[str, ...]] = {
    5: ("Excellent session, very practical.", "One of the best CPD hours I've spent this year.", "Outstanding.",
        "Superb content and a great speaker.", "Exactly what I needed for my unit.", "Loved it.",
        "Really well organized and genuinely useful.", "Worth every minute.", "Fantastic: clear, current, practical.",
        "Top quality, as always.", "Best session I've attended in a while.", "Great session."),
    4: ("Good content, a bit rushed at the end.", "Useful updates for my practice.", "Solid overview.",
        "Very good, though it ran a little long.", "Helpful and well presented.", "Good session overall.",
        "Informative, with a few slow patches.", "Clear and relevant.", "Good refresher.", "Well worth attending."),
    3: ("Some good points, but too long.", "Average; I expected more depth.", "Okay overall.",
        "Mixed: the first half was better than the second.", "Fine as a refresher, not much new.", "Useful in parts.",
        "It was all right.", "A decent overview, nothing more."),
    2: ("Disappointing.", "Not what the description promised.", "Hard to follow.",
        "Below what I expected from this organizer.", "Not worth the time, unfortunately.",
        "Too basic for the level advertised."),
    1: ("Could not hear the presenter.", "Very poor.", "A waste of a lunch break.", "Left halfway through.",
        "Poorly run from start to finish."),
}
FEEDBACK_DETAILS: dict[int, tuple[str, ...]] = {
    5: ("Evidence-based and immediately applicable.", "I'm already using what I learned on my shifts.",
        "Clear takeaways I can use with patients tomorrow.", "The case discussions were the highlight.",
        "Good pace, nothing wasted.", "The speaker clearly knows the field."),
    4: ("Would have liked more case examples.", "More time for questions would have helped.",
        "The slides were dense, but the handout helped.", "A couple of points went by too fast.",
        "Some of the statistics needed more explanation.", "The cases were the best part."),
    3: ("Too much time on the basics.", "The cases felt dated.", "Could have been half the length.",
        "The speaker rushed the part I came for."),
    2: ("The speaker read from the slides and took no questions.", "It started late and ran over.",
        "Mostly things I already knew.", "The handout had errors."),
    1: ("Nothing I could use in practice.", "No chance to ask questions.", "Technical problems ate half the time."),
}
FEEDBACK_DETAILS_ONLINE: dict[int, tuple[str, ...]] = {
    5: ("The Q&A in the chat was excellent.", "Audio and video were flawless.", "Great that the recording is available."),
    4: ("The audio dipped once or twice.", "The chat moved too fast to follow."),
    3: ("Audio dropped out a few times.", "The slides were hard to read on a laptop."),
    2: ("The audio kept cutting out.", "The link changed at the last minute."),
    1: ("The audio was unusable for the first twenty minutes.",),
}
FEEDBACK_DETAILS_IN_PERSON: dict[int, tuple[str, ...]] = {
    5: ("The hands-on part was the highlight.", "Small groups made it easy to ask questions.",
        "Great room, and the breaks were long enough to talk to people."),
    4: ("The room was a little crowded.", "Parking was a pain, but the content made up for it."),
    3: ("The room was too warm to concentrate.", "Hard to see the screen from the back."),
    2: ("Couldn't see the screen from the back.", "The room was far too small for the group."),
    1: ("The room was double-booked and we started forty minutes late.",),
}
FEEDBACK_CODAS: dict[int, tuple[str, ...]] = {
    5: ("Already signed up for the next one.", "Will recommend to my colleagues.", "Thank you!",
        "Please run more like this.", "Thanks to the whole team."),
    4: ("Would attend again.", "Thanks to the organizers.", "Looking forward to the next one."),
    3: ("Might try the next one.", "Hope the next one goes deeper."),
    2: ("I hope the next one is better.", "I won't be recommending it."),
    1: ("I've asked for a refund of my time.", "Won't be back."),
}
# Words that give a comment's tone away, for the checks: a 1 or 2 says something negative and
# nothing glowing; a 4 or 5 says nothing damning.
GLOWING = ("excellent", "outstanding", "superb", "fantastic", "loved", "best", "flawless", "worth every", "great")
DAMNING = ("disappointing", "poor", "a waste", "not worth", "could not hear", "couldn't", "left halfway", "hard to follow",
           "not what the description", "below what", "too basic", "nothing i could", "no chance", "unusable",
           "cutting out", "errors", "started late", "already knew", "won't", "refund", "too small", "changed at the")
FEEDBACK_SILENT = 0.12        # of generated feedback, a rating with no comment
FEEDBACK_DETAIL = 0.75        # with a detail
FEEDBACK_CODA = 0.4           # with a last word
# Each badge's emblem (cpd_events_demo/scenario/art.py draws them).
BADGE_EMBLEMS = {"Certified Expert": "star", "Early Adopter": "sunrise", "Workshop Survivor": "shield"}
CARD_BRANDS = (("visa", "4242"), ("mastercard", "4444"), ("amex", "8431"), ("visa", "1881"), ("discover", "1117"))
