"""The demo plan's fixed content, as data: personas, plans, templates, codes, lists, events,
sessions, courses. One registry: the scenario, the checks, the status and logins hooks, the tests
and the README's persona table all read it. Pure Python (no Django): the engine's host loads the
hooks that read it.

Each event carries its registration policy: the personas' own seats (how they registered, how long
they stayed, what they said), then who else registers and how.

Times are given on the scenario's calendar: `week` 0 is the week (Monday to Sunday, platform
timezone) of the instant the scenario is generated around (cpd-demo.toml's [scenario] anchor, a
Wednesday at 10:00 in New York); `weekday` 0 is Monday; `start` is the local wall-clock time in the
event's own timezone. The choices the plan leaves open are marked
"(chosen)" and listed in docs/scenario.md.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Persona:
    key: str
    email: str
    first_name: str
    last_name: str
    role: str               # the profile's role
    headline: str
    organization: str
    timezone: str
    joined_days_ago: float
    last_login_hours_ago: float
    login_as: str            # what the logins table calls it
    shows: str               # what a demo shows with this login
    bio: str = ""
    superuser: bool = False
    onboarding_step: str | None = None  # set while onboarding is unfinished


PERSONAS: tuple[Persona, ...] = (
    Persona("admin", "admin@cpdevents.com", "Platform", "Admin", "staff", "Platform Administrator", "CPD Events",
            "America/New_York", 420, 20, "superuser", "the Django admin and every model", superuser=True),
    Persona("pro", "organizer.pro@example.com", "Sarah", "Chen", "organizer", "Director of CME at HealthTech Solutions",
            "HealthTech Solutions", "America/New_York", 400, 2.5, "organizer (Pro)",
            "Dr. Sarah Chen: paid hybrid conference, Zoom, Stripe Connect, courses, 6 paid invoices",
            bio="Physician and medical educator leading continuing medical education programs for 2,000+ "
                "clinicians at HealthTech Solutions."),
    Persona("basic", "organizer.basic@example.com", "John", "Doe", "organizer", "Community Coordinator",
            "Riverside Health Community", "America/Chicago", 300, 26, "organizer (Basic)",
            "John Doe: Basic (free) plan: the live Community Meetup, no Stripe or Zoom",
            bio="Organizes free meetups for local health and care workers."),
    Persona("speaker", "speaker.guest@example.com", "Alan", "Grant", "speaker",
            "Distinguished Professor of Surgical Innovation", "Northbridge University School of Medicine",
            "Europe/London", 200, 190, "speaker", "Prof. Alan Grant: guest speaker on the Keynote and Breakout A",
            bio="Distinguished expert in robotic and image-guided surgery, author of more than 120 peer-reviewed "
                "papers and keynote speaker at international congresses."),
    Persona("alice", "attendee.engaged@example.com", "Alice", "Active", "attendee", "Critical Care Nurse",
            "St. Mary's Hospital", "America/New_York", 360, 21, "attendee",
            'Alice Active: certificates, badges, a completed course, CPD tracking ("Medical Board <year>")',
            bio="ICU nurse who never misses a chance to learn; tracks her CPD credits carefully."),
    Persona("bob", "attendee.casual@example.com", "Bob", "Basic", "attendee", "Community Pharmacist",
            "Main Street Pharmacy", "America/New_York", 150, 290, "attendee",
            "Bob Basic: waitlisted for the flagship, stuck on Module 2",
            bio="Pharmacist who drops into free sessions when shifts allow."),
    Persona("charlie", "attendee.new@example.com", "Charlie", "New", "attendee", "", "", "America/New_York",
            0.1, 1.2, "attendee", "Charlie New: just signed up, in onboarding", onboarding_step="choose_interests"),
    Persona("churned", "churned@example.com", "Casey", "Lapsed", "organizer", "Event Organizer", "Lapsed Wellness Co.",
            "America/Denver", 250, 960, "organizer (past due)",
            "a past-due subscription with an open invoice (dunning)"),
)
PERSONA = {p.key: p for p in PERSONAS}


def persona(key: str) -> Persona:
    return PERSONA[key]


def logins() -> list[tuple[str, str, str]]:
    """The logins hook (cpd-demo.toml): each persona's login, what it is, what it shows."""
    return [(p.email, p.login_as, p.shows) for p in PERSONAS]


@dataclass(frozen=True)
class PlanSpec:
    code: str
    name: str
    price_cents: int
    monthly_event_limit: int | None  # None: unlimited
    includes_courses: bool
    includes_teams: bool


PLANS: tuple[PlanSpec, ...] = (
    PlanSpec("basic", "Basic", 0, 1, False, False),           # one event a month (chosen)
    PlanSpec("organizer", "Organizer", 2900, 5, False, False),
    PlanSpec("lms", "LMS", 4900, 10, True, False),            # ten events a month (chosen)
    PlanSpec("pro", "Pro", 9900, None, True, True),
)

# The pro organizer's invoices: six months, paid (the plan); billing on the 12th (chosen).
PRO_INVOICES = 6
PRO_BILLING_DAY = 12


@dataclass(frozen=True)
class SubscriptionSpec:
    persona: str
    plan: str
    status: str
    months: int                     # subscribed this long: a paid invoice a month
    billing_day: int | None = None  # of the month; None: drawn (1–28)


SUBSCRIPTIONS: tuple[SubscriptionSpec, ...] = (
    SubscriptionSpec("pro", "pro", "active", PRO_INVOICES, PRO_BILLING_DAY),
    SubscriptionSpec("basic", "basic", "active", 10),          # the free plan: no invoices
    SubscriptionSpec("churned", "organizer", "past_due", 7),   # the latest renewal failed: dunning
)


@dataclass(frozen=True)
class TemplateSpec:
    name: str
    owner: str | None       # persona key, or None for the system
    orientation: str
    color: str
    system_default: bool = False


CERTIFICATE_TEMPLATES: tuple[TemplateSpec, ...] = (
    TemplateSpec("HealthTech Standard Certificate", "pro", "landscape", "#1d4ed8"),
    TemplateSpec("Generic Completion", None, "landscape", "#374151", system_default=True),
)
# Badges belong to the platform (chosen), so any organizer's event or course can award them.
BADGE_TEMPLATES: tuple[tuple[str, str, str], ...] = (
    ("Certified Expert", "gold", "#d4a017"),      # with a course certificate
    ("Early Adopter", "silver", "#a8a9ad"),        # a certificate within the platform's first 90 days
    ("Workshop Survivor", "bronze", "#b0703c"),    # with an event certificate
)


@dataclass(frozen=True)
class PromoSpec:
    code: str
    discount_type: str
    discount_value: int  # percent, or cents for `fixed`
    active: bool
    valid_from_days: int           # relative to the scenario's anchor
    valid_until_days: int | None


PROMO_CODES: tuple[PromoSpec, ...] = (
    PromoSpec("EARLYBIRD25", "percent", 25, True, -56, 9),      # closes in nine days (chosen)
    PromoSpec("COMMUNITY10", "fixed", 1000, True, -90, None),
    PromoSpec("EXPIRED50", "percent", 50, False, -440, -320),   # expired last year
)

CONTACT_LISTS: tuple[tuple[str, int, str | None], ...] = (
    # name, contacts at scale 1, tag
    ("Newsletter Subscribers", 200, None),
    ("VIP Doctors", 25, "High Value"),
)


@dataclass(frozen=True)
class SpeakerSpec:
    persona: str
    name: str     # as a programme prints it
    bio: str


SPEAKERS: tuple[SpeakerSpec, ...] = (
    SpeakerSpec("speaker", "Prof. Alan Grant", PERSONA["speaker"].bio),
    SpeakerSpec("pro", "Dr. Sarah Chen", "Physician and medical educator."),
)


@dataclass(frozen=True)
class Feedback:
    rating: int
    comment: str
    minutes_after: int  # the event's end


@dataclass(frozen=True)
class Seat:
    """A persona's own registration for an event, and what she did there.

    `payment` "paid" is the price less her promo code's discount. She registered between `days_ago`
    days before the anchor (None: while registration was open, two days before the start at the
    latest). At each live session of an event that is over she was there for `stays`: (joined, left)
    in minutes after the session's start, None for a minute after its end (the default: all of it).
    """
    persona: str
    status: str                     # confirmed, waitlisted, pending, cancelled
    payment: str                    # paid, free, unpaid, refunded
    promo: str | None = None
    days_ago: tuple[float, float] | None = None
    stays: tuple[tuple[int, int | None], ...] = ((-2, None),)
    feedback: Feedback | None = None


@dataclass(frozen=True)
class RegistrationPolicy:
    """Who registers for an event, and how: the plan's personas (seats) first, then generated people."""
    seats: tuple[Seat, ...] = ()
    count: int = 0                  # generated registrations, at scale 1: the typical demand
    spread: float = 0.35            # demand varies: the count drawn is within ±spread of it (the same at every scale)
    sold_out: bool = False          # instead of `count`: confirmed registrations fill the (scaled) capacity
    extra: tuple[tuple[str, str, int], ...] = ()  # then (status, payment, count at scale 1): pending, the waitlist...
    learner_share: float = 0.6      # of generated registrants, those with an account; the rest register as guests
    first_learners: bool = False    # instead: the platform's first learners, in order
    cancelled: float = 0.0          # the share of generated registrations cancelled since (refunded if paid)
    promos: tuple[tuple[str | None, int], ...] = ()  # codes generated paying registrants used, weighted (None: none)
    opens_days: int = 28            # registration opens this many days before the start
    ramp: float = 2.2               # > 1: registrations crowd toward the close


@dataclass(frozen=True)
class SessionSpec:
    title: str
    session_type: str
    room: str
    day: int            # 0: the event's first day
    start: str          # local HH:MM
    minutes: int
    speakers: tuple[str, ...] = ()


@dataclass(frozen=True)
class EventSpec:
    key: str
    title: str
    owner: str                  # persona key or background organizer key
    event_type: str
    format: str
    status: str
    week: int
    weekday: int
    start: str
    days: int
    end: str                    # local HH:MM on the last day
    timezone: str
    price_cents: int
    capacity: int | None        # at scale 1
    cpd_credits: int
    certificates: bool
    venue: str
    zoom: bool
    description: str
    sessions: tuple[SessionSpec, ...] = field(default_factory=tuple)
    registrations: RegistrationPolicy = RegistrationPolicy()
    year_in_title: bool = False     # the title ends with the year it starts in (its own timezone)
    zoom_log: bool = False          # Zoom's webhooks for it are kept: joins, leaves, the recording


# Event A: the flagship. One full day (chosen) at a convention center, its hall seating 250 (chosen): the
# plan's three sessions, then an afternoon panel and the closing remarks, so the program runs the day it
# advertises.
FLAGSHIP_PLAN_SESSIONS = ("Keynote", "Breakout A: Ethics", "Breakout B: Tech")
FLAGSHIP = EventSpec(
    "flagship", "Future of Medicine", "pro", "conference", "hybrid", "published", week=6, weekday=3,
    start="08:30", days=1, end="17:00", timezone="America/New_York", price_cents=19900, capacity=250,
    cpd_credits=10, certificates=True, venue="Hynes Convention Center, 900 Boylston St, Boston, MA", zoom=True,
    description="The flagship conference on clinical innovation: keynotes, breakouts and recordings.",
    sessions=(SessionSpec("Keynote", "live", "Main Hall", 0, "09:00", 90, ("speaker", "pro")),
              SessionSpec("Breakout A: Ethics", "live", "Room 101", 0, "11:00", 60, ("speaker",)),
              SessionSpec("Breakout B: Tech", "recorded", "", 0, "13:30", 60, ("pro",)),
              SessionSpec("Panel: AI at the Bedside", "live", "Main Hall", 0, "15:00", 75, ("pro", "coastal", "summit")),
              SessionSpec("Closing Remarks", "live", "Main Hall", 0, "16:30", 30, ("pro",))),
    # Sold out (chosen), so Bob's waitlist place is real; 50+ generated registrations for stats density.
    registrations=RegistrationPolicy(
        seats=(Seat("alice", "confirmed", "paid", promo="EARLYBIRD25", days_ago=(21, 19)),
               Seat("bob", "waitlisted", "unpaid", days_ago=(4, 2))),
        sold_out=True, promos=((None, 55), ("EARLYBIRD25", 35), ("COMMUNITY10", 10)),
        extra=(("pending", "unpaid", 3), ("cancelled", "refunded", 3), ("waitlisted", "unpaid", 2)),
        opens_days=63),
    year_in_title=True)

# Event B: the most recent episode of the pro's weekly series (Thursdays at noon, chosen).
WEBINAR = EventSpec(
    "webinar", "Weekly Health Webinar", "pro", "webinar", "online", "completed", week=-1, weekday=3,
    start="12:00", days=1, end="13:00", timezone="America/New_York", price_cents=0, capacity=500, cpd_credits=1,
    certificates=True, venue="", zoom=True, description="This week: managing hypertension in primary care.",
    sessions=(SessionSpec("Managing Hypertension in Primary Care", "live", "", 0, "12:00", 60, ("pro",)),),
    # Certificates follow attendance: Alice stays throughout; Bob's 30 of 60 minutes fall short.
    registrations=RegistrationPolicy(
        seats=(Seat("alice", "confirmed", "free", feedback=Feedback(5, "Excellent content!", minutes_after=12)),
               Seat("bob", "confirmed", "free", stays=((10, 25), (35, 50)),
                    feedback=Feedback(3, "Audio issues", minutes_after=187))),
        count=40, first_learners=True, cancelled=0.08),
    zoom_log=True)

# Event C: live now. Its times are set around the anchor (an hour ago, for three hours), not on the calendar.
MEETUP = EventSpec(
    "meetup", "Community Meetup", "basic", "meetup", "in_person", "live", week=0, weekday=0, start="", days=1,
    end="", timezone="America/Chicago", price_cents=0, capacity=60, cpd_credits=0, certificates=False,
    venue="The Commons Café, 1615 W Belmont Ave, Chicago", zoom=False,
    description="Informal networking for local health workers. Free, no registration fee.",
    sessions=(SessionSpec("Networking & Lightning Talks", "live", "Back Room", 0, "", 180),),
    registrations=RegistrationPolicy(seats=(Seat("bob", "confirmed", "free", days_ago=(3, 2)),), count=20,
                                     learner_share=0.2, opens_days=9, ramp=1.5))
MEETUP_STARTED_MINUTES_AGO = 60
MEETUP_MINUTES = 180
# Where the live meetup may be: the first place where now falls between 08:00 and 21:00 (so it runs
# at a human hour, 07:00 to 23:00 local), in this order. At night in America it is a breakfast
# meetup in London or an evening one in Sydney. rules.toml's [live] places say the same (a unit test
# keeps them equal).
MEETUP_HOURS = ("08:00", "21:00")
MEETUP_PLACES = (("America/Chicago", MEETUP.venue),
                 ("Europe/London", "The Shoreditch Kitchen, 42 Rivington Street, London"),
                 ("Australia/Sydney", "Harbour View Rooms, 18 Kent Street, Sydney"))

EVENTS: tuple[EventSpec, ...] = (FLAGSHIP, WEBINAR, MEETUP)


@dataclass(frozen=True)
class ModuleSpec:
    title: str
    content_type: str
    content_url: str = ""
    document: tuple[str, ...] = ()  # a PDF module's text (a real PDF)


@dataclass(frozen=True)
class AssignmentSpec:
    title: str
    instructions: str
    rubric: tuple[dict, ...]
    paper: tuple[str, ...]          # what a submitted paper says (real PDF uploads)


@dataclass(frozen=True)
class CourseSpec:
    key: str
    title: str
    slug: str
    format: str
    price_cents: int
    cpd_credits: int
    description: str
    modules: tuple[ModuleSpec, ...]
    requires: tuple[str, str] | None = None  # a hybrid course's live session: (event key, session title)
    assignment: AssignmentSpec | None = None  # on its assignment module


QUIZ_PASSING_SCORE = 70   # on a course's quiz module
RUBRIC = (
    {"criterion": "Clinical accuracy", "weight": 40, "levels": ["inaccurate", "mostly accurate", "accurate"]},
    {"criterion": "Critical analysis", "weight": 30, "levels": ["descriptive", "some analysis", "insightful"]},
    {"criterion": "Evidence and references", "weight": 20, "levels": ["none", "some", "thorough"]},
    {"criterion": "Clarity and structure", "weight": 10, "levels": ["unclear", "adequate", "excellent"]},
)
FINAL_PAPER = AssignmentSpec(
    "Final Paper", "Upload a 2,000-word paper (PDF) on adopting one surgical technology in your setting.", RUBRIC,
    ("Adopting robotic-assisted laparoscopy in a regional hospital:",
     "costs, training pathway, outcomes and patient safety."))

COURSE_A = CourseSpec(
    "ethics", "Medical Ethics 101", "medical-ethics-101", "online", 0, 3,   # free (chosen)
    "Self-paced introduction to clinical ethics.",
    (ModuleSpec("Module 1: Intro", "video", "https://media.example.com/medical-ethics-101/intro.mp4"),
     ModuleSpec("Module 2: Case Studies", "pdf", document=(
         "Case 1: Informed consent in emergency care.", "Case 2: Confidentiality and the duty to warn.",
         "Case 3: Allocation of scarce ICU beds.",
         "Read each case and note the principles in tension before the assessment.")),
     ModuleSpec("Module 3: Assessment", "quiz")))
COURSE_B = CourseSpec(
    "surgery", "Advanced Surgery Tech", "advanced-surgery-tech", "hybrid", 49900, 8,
    "Hybrid course: complete every module and attend the live keynote.",
    (ModuleSpec("Module 1: Robotic Surgery Foundations", "video",
                "https://media.example.com/advanced-surgery-tech/robotics.mp4"),
     ModuleSpec("Module 2: Imaging & Navigation", "video", "https://media.example.com/advanced-surgery-tech/imaging.mp4"),
     ModuleSpec("Module 3: Final Paper", "assignment")),
    requires=("flagship", "Keynote"), assignment=FINAL_PAPER)
COURSES: tuple[CourseSpec, ...] = (COURSE_A, COURSE_B)

# The personas' feedback on Event B (as its seats give it): (persona, rating, comment).
FEEDBACK = tuple((s.persona, s.feedback.rating, s.feedback.comment) for s in WEBINAR.registrations.seats if s.feedback)

CPD_REQUIREMENT = "Medical Board"   # Alice's, for the calendar year it covers: "Medical Board <year>"
CPD_REQUIRED_CREDITS = 50

# Outcome rules: certificates follow engagement, never a list.
CERTIFICATE_MIN_ATTENDANCE = 0.75   # share of an event's live-session time attended
# Feedback comes within this many hours of an event's end (the survey mail's evening): an event's
# aftermath is over in the 300 minutes rules.toml's [slots] settle gives it.
FEEDBACK_HOURS = 5
# The days nobody holds an event on (the holidays package's US names; rules.toml's [slots.holidays]
# says the same, a unit test keeps them equal): a slot on one is skipped, a weekly series pauses.
HOLIDAY_COUNTRY = "US"
HOLIDAY_CATEGORIES = ("public", "unofficial")
HOLIDAYS = ("New Year's Day", "Independence Day", "Thanksgiving Day", "Christmas Eve", "Christmas Day",
            "New Year's Eve")
EARLY_ADOPTER_DAYS = 90             # joined within this long of the platform's first account

# What outside tools look a plan item up by (a title prefix or a natural key): each matches one row.
NATURAL_KEYS: tuple[tuple[str, str, str], ...] = (
    ("events_event", "title", "Future of Medicine%"),
    ("events_event", "title", "Weekly Health Webinar%"),
    ("events_event", "title", "Community Meetup%"),
    ("learning_course", "title", "Medical Ethics 101%"),
    ("learning_course", "title", "Advanced Surgery Tech%"),
    ("marketing_promocode", "code", "EARLYBIRD25"),
    ("marketing_promocode", "code", "COMMUNITY10"),
    ("marketing_promocode", "code", "EXPIRED50"),
    ("marketing_contactlist", "name", "Newsletter Subscribers"),
    ("marketing_contactlist", "name", "VIP Doctors"),
)
