"""Every dialect hireport speaks. `hireport.app` mounts them from this list; adding a dialect is adding
its package here (see docs/dialects.md). A request is matched against the routes one by one in this order
(about 10 µs each), so what carries the traffic comes first: the token service (a handful of routes), the
vendor APIs, then the management API and its many routes."""

from hireport.dialects import account, careers, connect, console, gupy, linkedin, manage, oauth, pageup, portal

DIALECTS = (oauth.DIALECT, pageup.DIALECT, gupy.DIALECT, linkedin.DIALECT, linkedin.REST, connect.DIALECT,
            manage.DIALECT,
            account.DIALECT, console.DIALECT, linkedin.PLUGIN, careers.DIALECT, portal.DIALECT)
