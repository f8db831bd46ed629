"""5. Learning: the pro's two courses with their modules (a real PDF among them), the quiz and the
final paper's assignment."""

from decimal import Decimal

from django.utils.text import slugify

from cpd_events_demo import plan
from cpd_events_demo.scenario import media
from cpd_events_demo.scenario import rows as r
from cpd_events_demo.scenario.context import Context


def create_learning(ctx: Context) -> str:
    pro = ctx.users["pro"]
    for spec in plan.COURSES:
        required = None
        if spec.requires:
            event, title = spec.requires
            required = next(s for s in ctx.sessions[event] if s.title == title)
        course = ctx.courses[spec.key] = ctx.drawn.one(r.Course(
            pro, spec.title, spec.slug, spec.format, spec.price_cents, certificates_enabled=True,
            cpd_credits=Decimal(spec.cpd_credits), description=spec.description, required_session=required))
        ctx.modules[spec.key] = [ctx.drawn.one(r.Module(course, position, m.title, m.content_type, m.content_url,
                                                        document(spec, m)))
                                 for position, m in enumerate(spec.modules, start=1)]
    for spec in plan.COURSES:
        for module in ctx.modules[spec.key]:
            if module.content_type == "quiz":
                ctx.quizzes[spec.key] = ctx.drawn.one(r.Quiz(module, plan.QUIZ_PASSING_SCORE))
            if module.content_type == "assignment" and spec.assignment:
                a = spec.assignment
                ctx.assignments[spec.key] = ctx.drawn.one(r.Assignment(
                    ctx.courses[spec.key], module, a.title, requires_file_upload=True, rubric=list(a.rubric),
                    instructions=a.instructions))
    modules = sum(len(m) for m in ctx.modules.values())
    return (f"{len(ctx.courses)} courses, {modules} modules, {len(ctx.quizzes)} quiz "
            f"({plan.QUIZ_PASSING_SCORE}% to pass), {len(ctx.assignments)} assignment")


def document(course: plan.CourseSpec, module: plan.ModuleSpec) -> media.Media | None:
    """A PDF module's file: its text as a real one-page PDF."""
    if module.content_type != "pdf":
        return None
    name = module.title.split(": ", 1)[-1]
    return media.Media(f"modules/{course.slug}-{slugify(name)}.pdf",
                       media.pdf(f"{course.title} - {name}", list(module.document)))
