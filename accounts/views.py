from casework.views import dashboard


def home(request):
    """The start page is the dashboard: what is due (or, for roles without case content, who you are)."""
    return dashboard(request)
