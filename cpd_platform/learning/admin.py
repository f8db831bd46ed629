from django.contrib import admin

from cpd_platform.display import MoneyInForms, money_column

from .models import Assignment, Course, Enrollment, Module, Quiz, QuizAttempt, Submission


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0


@admin.register(Course)
class CourseAdmin(MoneyInForms):
    list_display = ["title", "owner", "format", "price", "certificates_enabled", "required_session"]
    price = money_column("price_cents", "price")
    list_filter = ["format", "certificates_enabled"]
    search_fields = ["title", "slug", "owner__email"]
    list_select_related = ["owner", "required_session"]
    inlines = [ModuleInline]


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ["title", "course", "position", "content_type"]
    list_filter = ["content_type", "course"]
    search_fields = ["title", "course__title"]
    list_select_related = ["course"]


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = ["module", "passing_score"]
    search_fields = ["module__title"]
    list_select_related = ["module__course"]


@admin.register(QuizAttempt)
class QuizAttemptAdmin(admin.ModelAdmin):
    list_display = ["user", "quiz", "score", "passed", "submitted_at"]
    list_filter = ["passed", "submitted_at"]
    search_fields = ["user__email"]
    list_select_related = ["user", "quiz__module__course"]
    raw_id_fields = ["user"]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["user", "course", "status", "current_module", "enrolled_at", "completed_at"]
    list_filter = ["status", "course", "enrolled_at"]
    search_fields = ["user__email", "course__title"]
    list_select_related = ["user", "course", "current_module"]
    raw_id_fields = ["user"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["title", "course", "requires_file_upload"]
    list_filter = ["requires_file_upload"]
    search_fields = ["title", "course__title"]
    list_select_related = ["course"]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["user", "assignment", "submitted_at", "grade", "file"]
    list_filter = ["submitted_at"]
    search_fields = ["user__email", "assignment__title"]
    list_select_related = ["user", "assignment"]
