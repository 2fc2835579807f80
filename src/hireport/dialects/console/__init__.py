"""The recruiter console at `/console`: pages for the staff of the tenants they are members of."""

from hireport.dialects.console import (
    applications,
    careers,
    checks,
    documents,
    home,
    integrations,
    jobs,
    messages,
    referrals,
)
from hireport.kit.dialect import Dialect
from hireport.web import people
from hireport.web.pages import ErrorPage, render_problem

DESCRIPTION = """
Server-rendered pages (HTML forms, CSRF-protected; htmx only makes reading quicker) for people who sign in.
A person sees the tenants they are a member of, nothing of any other; their role in each decides what
they may change: a viewer reads, a recruiter also moves jobs, orders background checks and confirms or cancels
referral orders, an admin also manages the tenant's OAuth clients and API tokens. Every change goes through the
same services as the APIs.
"""

DIALECT = Dialect(
    name="console", title="hireport recruiter console", prefix="/console",
    routers=(home.router, jobs.router, applications.router, documents.router, checks.router, messages.router,
             referrals.router, careers.router, integrations.router),
    render=render_problem, error_model=ErrorPage, description=DESCRIPTION, authenticate=people.authenticate,
    pages=True,
)
