"""The candidate portal at `/portal/{tenant}/`: reached through a signed link sent by mail, no password."""

from hireport.dialects.portal import pages
from hireport.kit.dialect import Dialect
from hireport.web.candidates import ErrorPage, render_problem, setup

DESCRIPTION = """
A candidate opens the portal from a link in a mail of ours (signed, valid for seven days; a careers page's form
mails a new one). The link opens a session in that browser (an `HttpOnly` cookie for two hours, the session
itself kept on the server: signing out, opening a mailed link again or erasure ends it) in which the candidate sees
their applications and where they stand, reads an offer and its documents and accepts or declines it, fills in
the new-starter form (saved as a draft, then submitted), uploads the documents they are asked for, downloads a
copy of their data (JSON), and can have it erased.
"""

DIALECT = Dialect(
    name="portal", title="hireport candidate portal", prefix="/portal", routers=(pages.router,),
    render=render_problem, error_model=ErrorPage, description=DESCRIPTION, pages=True, setup=setup,
)
