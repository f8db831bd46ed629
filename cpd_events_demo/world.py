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
              description="Recognising the sick child: a one-hour refresher for triage nurses.",
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
              sessions=(SessionSpec("Recognising a Crisis", "live", "Training Room 1", 0, "09:00", 180),
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
              cpd_credits=0, certificates=False, venue="The Commons Café, 12 Main Street, Springfield", zoom=False,
              description="Monthly social for local care workers.",
              sessions=(SessionSpec("Social Evening", "live", "Back Room", 0, "18:00", 120),),
              registrations=RegistrationPolicy(count=25, cancelled=CANCELLED)),
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

FEEDBACK_COMMENTS = {
    5: ("Excellent session, very practical.", "Great speakers and clear slides.", "Worth every minute.",
        "Exactly what I needed for my unit."),
    4: ("Good content, a bit rushed at the end.", "Useful updates for my practice.", "Solid overview.",
        "Would have liked more case examples."),
    3: ("Some good points, but too long.", "Average, expected more depth.", "Okay overall."),
    2: ("Hard to follow the slides.", "Not what the description promised."),
    1: ("Could not hear the presenter.",),
}
CARD_BRANDS = (("visa", "4242"), ("mastercard", "4444"), ("amex", "8431"), ("visa", "1881"), ("discover", "1117"))
