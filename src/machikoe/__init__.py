"""machikoe (まちの声): participatory, evidence-based planning for Japanese municipalities."""

__version__ = "0.1.0"
