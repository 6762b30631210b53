"""What every page and API answer goes through, whatever its domain: roles and passwords (security),
error answers, security headers, static files, throttles, keyset paging, SVG charts, absolute links, and
the helpers that show a service's errors on a form."""
