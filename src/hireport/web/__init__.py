"""Server-rendered pages: templates, security headers, the person behind a browser."""
