"""The benchmark's floor: the least a page can cost on this stack.

One query and one template render, behind the same middleware (session, CSRF, auth, idle
timeout, security headers) as every page. bench/http.py compares each page with it. It is
mounted only when REATTUNE_BENCH_FLOOR=1 (reattune/urls.py), so it is not in a normal URL map.
"""

from django.shortcuts import render

from reattune.accounts.models import User


def floor(request):
    # request.user is loaded by the middleware like on every page; this is the one query.
    count = User.objects.filter(is_active=True).count()
    return render(request, "reports/floor.html", {"count": count})
