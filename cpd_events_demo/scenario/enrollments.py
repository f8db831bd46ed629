"""Who is taking the courses: Alice completed Medical Ethics 101 (a passed quiz) and is writing the
hybrid course's final paper; Bob is stuck on Module 2; learners at every stage, quiz attempts and
submitted papers (real PDFs)."""

from datetime import datetime, timedelta

from django.utils.text import slugify

from cpd_events_demo import plan, world
from cpd_events_demo.scenario import media
from cpd_events_demo.scenario import rows as r
from cpd_events_demo.scenario.context import Context


def enrollments(ctx: Context) -> tuple[list[r.Enrollment], list[r.QuizAttempt], list[r.Submission]]:
    cal, rng = ctx.cal, ctx.rng
    alice, bob = ctx.users["alice"], ctx.users["bob"]
    enrolled_in: list[r.Enrollment] = []
    attempts: list[r.QuizAttempt] = []
    submissions: list[r.Submission] = []
    course_a, m1, m2, m3 = ctx.courses["ethics"], *ctx.modules["ethics"]
    quiz = ctx.quizzes["ethics"]
    zone = ctx.zones[alice]
    passed_at = cal.human(cal.ago(days=31), cal.ago(days=29), zone)
    enrolled_in.append(r.Enrollment(course_a, alice, "completed", cal.human(cal.ago(days=61), cal.ago(days=59), zone),
                                    m3, completed_at=passed_at))
    attempts.append(r.QuizAttempt(quiz, alice, 90, True, passed_at))
    enrolled_in.append(r.Enrollment(course_a, bob, "in_progress", cal.human(cal.ago(days=41), cal.ago(days=39),
                                                                            ctx.zones[bob]), m2))
    pool = ctx.learners[: max(ctx.volume(world.COURSE_LEARNERS["ethics"]), ctx.volume(world.COURSE_LEARNERS["surgery"]))]
    for user in rng.sample(pool, ctx.volume(world.COURSE_LEARNERS["ethics"])):
        zone = ctx.zones[user]
        enrolled = cal.human(cal.ago(days=150), cal.ago(days=10), zone)
        reached = rng.choice([m1, m2, m3, m3])
        status, completed = "in_progress", None
        if reached is m3:
            for n in range(1 + (rng.random() < 0.3)):
                score = rng.randint(45, 100)
                at = cal.human(enrolled + timedelta(days=1 + n * 3), cal.ago(days=1), zone)
                attempts.append(r.QuizAttempt(quiz, user, score, score >= quiz.passing_score, at))
                if score >= quiz.passing_score:
                    status, completed = "completed", at
                    break
        enrolled_in.append(r.Enrollment(course_a, user, status, enrolled, reached, completed_at=completed))

    # Advanced Surgery Tech: nobody can finish before the live keynote it requires.
    course_b, modules_b = ctx.courses["surgery"], ctx.modules["surgery"]
    paper, text = ctx.assignments["surgery"], plan.FINAL_PAPER.paper
    zone = ctx.zones[alice]
    enrolled_in.append(r.Enrollment(course_b, alice, "in_progress", cal.human(cal.ago(days=26), cal.ago(days=24), zone),
                                    modules_b[2]))
    submissions.append(submission(paper, text, alice, cal.human(cal.ago(days=11), cal.ago(days=9), zone), grade=92))
    for index, user in enumerate(rng.sample(pool, ctx.volume(world.COURSE_LEARNERS["surgery"]))):
        zone = ctx.zones[user]
        enrolled = cal.human(cal.ago(days=60), cal.ago(days=5), zone)
        submitted = index < ctx.volume(world.COURSE_LEARNERS["surgery_submissions"])
        enrolled_in.append(r.Enrollment(course_b, user, "in_progress", enrolled,
                                        modules_b[2] if submitted else rng.choice(modules_b[:2])))
        if submitted:
            grade = rng.randint(60, 98) if rng.random() < 0.6 else None
            submissions.append(submission(paper, text, user, cal.human(enrolled, cal.ago(days=1), zone), grade))
    return enrolled_in, attempts, submissions


def submission(assignment: r.Assignment, text: tuple[str, ...], user: r.User, at: datetime, grade: int | None,
               ) -> r.Submission:
    """A submitted paper: a real PDF under the learner's name."""
    file = media.Media(f"submissions/{slugify(assignment.title)}-{slugify(user.email)}.pdf", media.pdf(
        f"{assignment.title} - {user.full_name}", [f"Course: {assignment.course.title}", *text]))
    return r.Submission(assignment, user, file, at, grade)
