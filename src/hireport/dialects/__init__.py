"""Every dialect hireport speaks. `hireport.app` mounts them from this list; adding a dialect is adding
its package here (see docs/dialects.md)."""

from hireport.dialects import gupy, manage, oauth, pageup

DIALECTS = (oauth.DIALECT, manage.DIALECT, pageup.DIALECT, gupy.DIALECT)
