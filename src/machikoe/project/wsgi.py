"""WSGI entry point (gunicorn: machikoe.project.wsgi:application)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "machikoe.project.settings")
application = get_wsgi_application()
