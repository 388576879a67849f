from django.shortcuts import redirect, render


def home(request):
    return redirect("dashboard" if request.user.is_authenticated else "login")


def csrf_failure(request, reason=""):
    """Explain a CSRF failure (usually an expired session) without losing work:
    drafts are saved at every step, so the user can log in and resume."""
    return render(request, "csrf_failure.html", status=403)
