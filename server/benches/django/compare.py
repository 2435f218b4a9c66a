"""Every view of the users-page mix in Django's admin, on the same database, against Roster.

Reads the views and Roster's times from the file `users_page_mix` writes with
`ROSTER_BENCH_TIMINGS` (query ms, page ms, the view's query string), renders each view as a
Django admin changelist (the whole page: counts, page query, filters, template) in this
process, and prints both side by side: figures per kind of view, and the views where Django
comes closest. A Django view still running after `--cap-ms` is stopped (SQLite's progress
handler, PostgreSQL's statement_timeout) and counted at the cap: a lower bound. A capped view
whose Roster page took longer than the cap is undecided: those are listed, to run again with
a larger `--cap-ms` (a file of their lines from the timings).

    python compare.py --timings /tmp/mix.tsv --sqlite /tmp/roster-tests/kept_mix2_1000000.db
    python compare.py --timings /tmp/mix-pg.tsv --postgres postgres://u:p@host/db
"""
import argparse
import os
import statistics
import sys
import time
from urllib.parse import parse_qsl, urlencode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# Roster's list_display positions in the admin (0 is the actions checkbox).
ORDER = {"email": 1, "name": 2, "status": 3, "role": 4, "last_sign_in": 6, "created": 7}
DEFAULT_DESC = {"last_sign_in", "created"}


def configure(args):
    import django
    from django.conf import settings

    if args.sqlite:
        db = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": args.sqlite,
            # Roster's readers' settings, so both read the file the same way.
            "OPTIONS": {
                "init_command": "PRAGMA cache_size = -2048; PRAGMA mmap_size = 2147418112; "
                "PRAGMA temp_store = MEMORY;"
            },
        }
    else:
        from urllib.parse import urlparse

        u = urlparse(args.postgres)
        db = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": u.path.lstrip("/"),
            "USER": u.username,
            "PASSWORD": u.password,
            "HOST": u.hostname,
            "PORT": u.port or 5432,
        }
    settings.configure(
        DEBUG=False,
        SECRET_KEY="comparison-only",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF="roster_admin.urls",
        INSTALLED_APPS=[
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "roster_admin",
        ],
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
            }
        ],
        DATABASES={"default": db},
        USE_TZ=True,
    )
    django.setup()


def admin_params(roster_qs, roles):
    """The admin changelist's query for a Roster users-page view."""
    r = dict(parse_qsl(roster_qs, keep_blank_values=True))
    out = {}
    if r.get("q"):
        out["q"] = r["q"]
    if "status" in r:
        out["status__exact"] = r["status"]
    if "role" in r:
        out["role__id__exact"] = roles[r["role"]]
    if "group" in r:
        out["group"] = r["group"]
    if "last_sign_in" in r:
        out["last_sign_in"] = r["last_sign_in"]
    sort = r.get("sort", "created")
    desc = r.get("dir", "desc" if sort in DEFAULT_DESC else "asc") == "desc"
    out["o"] = f"{'-' if desc else ''}{ORDER[sort]}"
    out["p"] = r.get("page", "1")
    out["size"] = r.get("size", "20")
    return out


def kind(roster_qs):
    q = dict(parse_qsl(roster_qs)).get("q", "").strip()
    n = len(q)
    return (
        "no search"
        if n == 0
        else "1-2 characters"
        if n <= 2
        else "3-12 characters"
        if n <= 12
        else "13+ characters"
    )


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--timings", required=True)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--sqlite")
    g.add_argument("--postgres")
    ap.add_argument("--cap-ms", type=float, default=500)
    ap.add_argument("--limit", type=int, default=0, help="only the first N views")
    args = ap.parse_args()
    configure(args)

    from django.contrib import admin
    from django.contrib.auth.models import User
    from django.db import OperationalError, connection
    from django.db.utils import DatabaseError
    from django.test import RequestFactory

    from roster_admin import admin as roster_admin
    from roster_admin.models import Member, Project, Role

    roster_admin.PROJECT_ID = Project.objects.get(slug="default").id
    roles = {r.name: r.id for r in Role.objects.filter(project_id=roster_admin.PROJECT_ID)}
    model_admin = admin.site._registry[Member]
    factory = RequestFactory()
    # The admin asks the user for permissions only: an active superuser has them all.
    user = User(username="admin", is_active=True, is_staff=True, is_superuser=True)

    views = []
    with open(args.timings) as f:
        for line in f:
            query_ms, page_ms, qs = line.rstrip("\n").split("\t")
            qs = "" if qs == "(default view)" else qs
            views.append((float(query_ms), float(page_ms), qs))
    if args.limit:
        views = views[: args.limit]

    connection.ensure_connection()
    deadline = [0.0]
    if connection.vendor == "sqlite":
        connection.connection.set_progress_handler(
            lambda: 1 if time.perf_counter() > deadline[0] else 0, 20_000
        )
    else:
        with connection.cursor() as c:
            c.execute(f"SET statement_timeout = {int(args.cap_ms)}")

    def render(params):
        request = factory.get("/admin/roster_admin/member/?" + urlencode(params))
        request.user = user
        response = model_admin.changelist_view(request)
        if response.status_code != 200:
            raise RuntimeError(f"status {response.status_code} for {params}")
        response.render()
        return response

    rows = []
    started_all = time.perf_counter()
    for i, (r_query, r_page, qs) in enumerate(views):
        params = admin_params(qs, roles)
        for _ in range(2):  # warm, then timed, as the Roster side
            deadline[0] = time.perf_counter() + args.cap_ms / 1000
            t = time.perf_counter()
            try:
                response = render(params)
                capped = False
            except (OperationalError, DatabaseError) as e:
                if "interrupt" not in str(e) and "timeout" not in str(e):
                    raise
                capped = True
                if connection.vendor != "sqlite":
                    connection.rollback()
            ms = (time.perf_counter() - t) * 1000
            if capped:
                break
        if capped:
            ms = args.cap_ms
        elif b"result" not in response.content:
            raise RuntimeError(f"no result list for {params}")
        rows.append((r_query, r_page, ms, capped, qs))
        if (i + 1) % 100 == 0:
            print(f"  {i + 1} views, {time.perf_counter() - started_all:.0f} s", file=sys.stderr)

    print(f"{len(rows)} views, {connection.vendor}; times in ms (Django: the changelist rendered)")
    print(f"  {'':<16} {'views':>6} {'Roster p50/p95/max (page)':>28} {'Django p50/p95/max':>26} {'capped':>7}")
    for k in ["all views", "no search", "1-2 characters", "3-12 characters", "13+ characters"]:
        sel = [r for r in rows if k == "all views" or kind(r[4]) == k]
        if not sel:
            continue
        rp = [r[1] for r in sel]
        dj = [r[2] for r in sel]
        print(
            f"  {k:<16} {len(sel):>6} {pct(rp, .5):>9.2f}/{pct(rp, .95):.2f}/{max(rp):.1f}"
            f" {pct(dj, .5):>12.1f}/{pct(dj, .95):.1f}/{max(dj):.1f} {sum(r[3] for r in sel):>7}"
        )
    ratios = sorted(rows, key=lambda r: r[2] / r[1])
    slower = [r for r in rows if r[1] > r[2] and not r[3]]
    undecided = [r for r in rows if r[1] > r[2] and r[3]]
    print(f"  views where Roster's page is slower than Django's: {len(slower)}")
    print(f"  undecided (Django stopped at the cap, Roster slower than the cap): {len(undecided)}")
    for r_query, r_page, ms, capped, qs in undecided:
        print(f"    Roster {r_page:7.2f} ms  {qs or '(default view)'}")
    print(f"  Django / Roster (page), median ratio {statistics.median(r[2] / r[1] for r in rows):.1f}x; closest ten:")
    for r_query, r_page, ms, capped, qs in ratios[:10]:
        print(f"    {ms / r_page:6.1f}x  Roster {r_page:7.2f} ms  Django {ms:8.1f} ms{'+' if capped else ''}  {qs or '(default view)'}")


if __name__ == "__main__":
    main()
