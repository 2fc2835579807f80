"""Careers pages at `/careers/{tenant}/{career page}/`: for candidates, without an account."""

from hireport.dialects.careers import pages
from hireport.kit.dialect import Dialect
from hireport.web.candidates import ErrorPage, render_problem, setup

DESCRIPTION = """
Each career page of a tenant (the ones Gupy's `careerPageId` names) lists the tenant's published jobs on it
(search by text, filters by department, location and type, ten to a page), a page per job with schema.org
`JobPosting` data (JSON-LD), an apply form (name, e-mail, phone, the job's application-form questions, a CV
and other documents), a sitemap, and a form that mails a candidate a new link to their portal. Branded per
career page (name, logo, colours), set in the management API and the console.
"""

DIALECT = Dialect(
    name="careers", title="hireport careers pages", prefix="/careers", routers=(pages.router,),
    render=render_problem, error_model=ErrorPage, description=DESCRIPTION, pages=True, setup=setup,
)
